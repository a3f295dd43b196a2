"""Pool and allocation tools: read views, and plans + execution for the mutating ones."""

from __future__ import annotations

import json
from datetime import datetime

from sqlmodel import Session

from tools.context import ToolContext
from tools.errors import Ambiguous, InvalidInput, NotFound
from tools.ipam import service
from tools.ipam.cidrs import (
    Network,
    check_prefix_length,
    check_subnet_size,
    check_vpc_size,
    describe_size,
    parse_cidr,
    prefix_for_hosts,
)
from tools.ipam.models import (
    AllocateArgs,
    AllocationView,
    ChangeOutcome,
    ChangeReport,
    ChangeView,
    CreatePoolArgs,
    PoolsArgs,
    PoolsResult,
    PoolSummary,
    ReleaseArgs,
    ShowPoolArgs,
    ShowPoolResult,
)
from tools.ipam.space import AddressSpace
from tools.ipam.store import IpamAllocation, IpamPool
from tools.plan import ActionPlan, ResourceChange


def summarize(session: Session, pool: IpamPool, space: AddressSpace) -> PoolSummary:
    """A pool's row plus its fill.

    Args:
        session: open session.
        pool: the pool.
        space: its address space.
    """
    parent = service.pool_by_id(session, pool.parent_id).name if pool.parent_id else None
    largest = space.largest_free_block()
    return PoolSummary(
        name=pool.name,
        parent=parent,
        cidrs=pool.cidr_list,
        ip_version=pool.ip_version,
        owner=pool.owner,
        environment=pool.environment,
        region=pool.region,
        tags=pool.tags,
        size=space.size,
        used=space.used,
        utilisation_pct=round(100 * space.used / space.size, 2),
        largest_free_block=str(largest) if largest else None,
    )


def list_pools(ctx: ToolContext, args: PoolsArgs) -> PoolsResult:
    """Live pools matching the filters, parents before children.

    Args:
        ctx: tool context.
        args: filters.
    """
    with ctx.db.session() as session:
        pools = [
            p
            for p in service.live_pools(session)
            if (
                args.environment is None
                or (p.environment or "").lower() == args.environment.lower()
            )
            and (args.region is None or p.region == args.region)
            and (args.ip_version is None or p.ip_version == args.ip_version)
        ]
        by_id = {p.id: p for p in service.live_pools(session)}

        def depth(pool: IpamPool) -> int:
            return 0 if pool.parent_id not in by_id else 1 + depth(by_id[pool.parent_id])

        pools.sort(key=lambda p: (depth(p), p.name))
        return PoolsResult(
            pools=[summarize(session, p, service.build_space(session, p)) for p in pools]
        )


def show_pool(ctx: ToolContext, args: ShowPoolArgs) -> ShowPoolResult:
    """One pool with its allocations, free blocks and recent changes.

    Args:
        ctx: tool context.
        args: which pool.
    """
    with ctx.db.session() as session:
        pool = service.find_pool(session, args.pool)
        space = service.build_space(session, pool)
        rows = {a.cidr: a for a in service.active_allocations(session, pool.id)}
        views = [
            _allocation_view(entry.network, entry.kind, entry.label, rows.get(str(entry.network)))
            for entry in space.entries()
        ]
        free = space.free_blocks()
        changes = service.pool_changes(session, pool.id or 0)[-10:]
        return ShowPoolResult(
            pool=summarize(session, pool, space),
            allocations=views,
            free_blocks=[str(n) for n in free[:50]],
            free_block_count=len(free),
            recent_changes=[
                ChangeView(at=c.at, actor=c.actor, action=c.action, cidr=c.cidr)
                for c in reversed(changes)
            ],
        )


def _allocation_view(
    network: Network, kind: str, label: str, row: IpamAllocation | None
) -> AllocationView:
    if row is None:
        return AllocationView(cidr=str(network), kind=kind, purpose=label or None)
    return AllocationView(
        cidr=row.cidr,
        kind=row.kind,
        purpose=row.purpose,
        owner=row.owner,
        resource_arn=row.resource_arn,
        created_by=row.created_by,
        created_at=row.created_at,
    )


# -- create pool ---------------------------------------------------------------------------------


def plan_create_pool(ctx: ToolContext, args: CreatePoolArgs) -> ActionPlan:
    """Validate a new pool and describe it for the approver.

    Args:
        ctx: tool context.
        args: the new pool.
    """
    with ctx.db.session() as session:
        name = service.check_new_pool_name(session, args.name)
        parent = service.find_pool(session, args.parent) if args.parent else None
        networks = service.validate_pool_cidrs(session, args.cidrs, parent)
        overlaps = _top_level_overlaps(session, networks) if parent is None else []
    resolved = args.model_copy(update={"name": name, "cidrs": [str(n) for n in networks]})
    where = f" inside '{parent.name}'" if parent else " at the top level"
    return ActionPlan(
        tool="ipam.create_pool",
        args=resolved.model_dump(mode="json"),
        summary=f"Create IPAM pool '{name}' with {', '.join(resolved.cidrs)}{where}.",
        risk="medium",
        changes=[
            ResourceChange(
                resource_id=f"pool/{name}",
                name=name,
                resource_type="ipam:pool",
                region=args.region or "global",
                before="absent",
                after=", ".join(resolved.cidrs),
            )
        ],
        reversible=True,
        reversal=f"Delete pool '{name}' (soft delete keeps its history).",
        notes=[f"Overlaps top-level pool {o}." for o in overlaps],
    )


def _top_level_overlaps(session: Session, networks: list[Network]) -> list[str]:
    found = []
    for pool in service.live_pools(session):
        if pool.parent_id is None:
            for other in service.pool_networks(pool):
                if any(n.version == other.version and n.overlaps(other) for n in networks):
                    found.append(f"'{pool.name}' ({other})")
    return found


def execute_create_pool(ctx: ToolContext, plan: ActionPlan) -> ChangeReport:
    """Create exactly the planned pool, unless it exists or its space was taken meanwhile.

    Args:
        ctx: tool context (the approver's execution).
        plan: the approved plan.
    """
    args = CreatePoolArgs.model_validate(plan.args)
    with ctx.db.session() as session:
        existing = next((p for p in service.live_pools(session) if p.name == args.name), None)
        if existing is not None:
            same = existing.cidr_list == args.cidrs
            status = "nothing_to_do" if same else "skipped"
            detail = (
                "Pool already exists with these blocks."
                if same
                else f"A pool named '{args.name}' was created meanwhile with {existing.cidrs}."
            )
            return _report(f"Pool '{args.name}' was not created.", args.name, status, detail)
        parent = service.find_pool(session, args.parent) if args.parent else None
        if parent is not None:
            service.lock_pool(session, parent, ctx.clock.now())
        try:
            service.validate_pool_cidrs(session, args.cidrs, parent)
        except InvalidInput as error:
            return _report(
                f"Pool '{args.name}' was not created.",
                args.name,
                "skipped",
                f"The space changed since approval: {error}",
            )
        pool = insert_pool(session, args, parent, ctx.actor, ctx.clock.now())
    return _report(
        f"Created pool '{pool.name}'.",
        pool.name,
        "applied",
        f"Pool '{pool.name}' now holds {pool.cidrs}.",
    )


def insert_pool(
    session: Session, args: CreatePoolArgs, parent: IpamPool | None, actor: str, now: datetime
) -> IpamPool:
    """Write a validated pool and its change-log entry.

    Args:
        session: open session.
        args: the pool (already validated).
        parent: its parent row.
        actor: who creates it.
        now: when (from the clock).
    """
    version = parse_cidr(args.cidrs[0]).version
    pool = IpamPool(
        name=args.name,
        parent_id=parent.id if parent else None,
        ip_version=version,
        cidrs=",".join(args.cidrs),
        owner=args.owner,
        environment=args.environment,
        region=args.region,
        tags_json=json.dumps(args.tags, sort_keys=True),
        description=args.description,
        created_at=now,
        created_by=actor,
        updated_at=now,
    )
    session.add(pool)
    session.flush()
    service.record_change(session, actor, "create_pool", pool, pool.cidrs, at=now)
    return pool


def _report(summary: str, target: str, status: str, detail: str) -> ChangeReport:
    outcome = ChangeOutcome(target=target, status=status, detail=detail)
    return ChangeReport(summary=summary, outcomes=[outcome])


# -- allocate ------------------------------------------------------------------------------------


def choose_pool(session: Session, args: AllocateArgs) -> IpamPool:
    """The pool named in ``args``, or the one live leaf pool matching its region/environment.

    Args:
        session: open session.
        args: allocation request.
    """
    if args.pool:
        return service.find_pool(session, args.pool)
    pools = service.live_pools(session)
    parents = {p.parent_id for p in pools}
    matching = [
        p
        for p in pools
        if (args.region is None or p.region == args.region)
        and (args.environment is None or (p.environment or "").lower() == args.environment.lower())
    ]
    leaves = [p for p in matching if p.id not in parents] or matching
    if not leaves:
        raise NotFound("No IPAM pool matches that region and environment; name the pool.")
    if len(leaves) > 1:
        raise Ambiguous(
            "Which pool should the block come from?", [f"{p.name} ({p.cidrs})" for p in leaves]
        )
    return leaves[0]


def wanted_block(args: AllocateArgs, space: AddressSpace) -> Network:
    """The exact block an allocation request resolves to (nothing is occupied).

    Args:
        args: the request.
        space: the pool's address space.
    """
    if args.cidr:
        network = parse_cidr(args.cidr)
        _check_usage(network, args.usage)
        space.occupy(network, args.kind)  # raises a clear reason when it cannot be taken
        space.release(network)
        return network
    if args.prefix_length is not None:
        prefixlen = check_prefix_length(args.prefix_length, space.version)
    elif args.hosts is not None:
        prefixlen = prefix_for_hosts(args.hosts, space.version, aws_subnet=args.usage != "other")
    else:
        raise InvalidInput("Say how big the block should be (e.g. a /22 or room for 500 hosts).")
    network = space.next_available(prefixlen, args.strategy)
    _check_usage(network, args.usage)
    return network


def _check_usage(network: Network, usage: str) -> None:
    if usage == "vpc":
        check_vpc_size(network)
    elif usage == "subnet":
        check_subnet_size(network)


def plan_allocate(ctx: ToolContext, args: AllocateArgs) -> ActionPlan:
    """Pick the exact block to allocate so the approver sees it.

    Args:
        ctx: tool context.
        args: the request.
    """
    with ctx.db.session() as session:
        pool = choose_pool(session, args)
        space = service.build_space(session, pool)
        network = wanted_block(args, space)
        free_after = space.free - network.num_addresses
    resolved = args.model_copy(update={"pool": pool.name, "cidr": str(network)})
    verb = "Reserve" if args.kind == "reservation" else "Allocate"
    purpose = f" for {args.purpose}" if args.purpose else ""
    return ActionPlan(
        tool="ipam.allocate",
        args=resolved.model_dump(mode="json"),
        summary=f"{verb} {describe_size(network)} from pool '{pool.name}'{purpose}.",
        risk="low",
        changes=[
            ResourceChange(
                resource_id=str(network),
                name=args.purpose,
                resource_type=f"ipam:{args.kind}",
                region=pool.region or "global",
                before="free",
                after=args.kind,
            )
        ],
        reversal=f"Release {network} from pool '{pool.name}'.",
        notes=[f"Pool '{pool.name}' keeps {free_after:,} free addresses afterwards."],
    )


def execute_allocate(ctx: ToolContext, plan: ActionPlan) -> ChangeReport:
    """Take exactly the planned block, after checking it is still free (never another one).

    Args:
        ctx: tool context.
        plan: the approved plan.
    """
    args = AllocateArgs.model_validate(plan.args)
    cidr = str(args.cidr)
    with ctx.db.session() as session:
        pool = service.find_pool(session, str(args.pool))
        service.lock_pool(session, pool, ctx.clock.now())
        existing = service.find_allocation(session, pool, cidr)
        if existing is not None and existing.purpose == args.purpose and existing.kind == args.kind:
            return _report(
                f"{cidr} was already allocated.",
                cidr,
                "nothing_to_do",
                f"{cidr} is already {args.kind} for {args.purpose or 'this purpose'}.",
            )
        space = service.build_space(session, pool)
        clash = space.overlapping(parse_cidr(cidr))
        if clash:
            taken = f"{clash[0].network} ({clash[0].kind} '{clash[0].label}')"
            return _report(
                f"{cidr} was not allocated.",
                cidr,
                "skipped",
                f"{cidr} was taken after approval by {taken}; ask again for a new block.",
            )
        insert_allocation(session, pool, args, ctx.actor, ctx.clock.now())
    return _report(
        f"Allocated {cidr} from pool '{pool.name}'.",
        cidr,
        "applied",
        f"{cidr} is now {args.kind} for {args.purpose or 'unnamed use'}.",
    )


def insert_allocation(
    session: Session,
    pool: IpamPool,
    args: AllocateArgs,
    actor: str,
    now: datetime,
    action: str = "allocate",
) -> IpamAllocation:
    """Write an allocation row and its change-log entry.

    Args:
        session: open session.
        pool: the pool.
        args: resolved request (``cidr`` set).
        actor: who allocates.
        now: when (from the clock).
        action: change-log action name.
    """
    network = parse_cidr(str(args.cidr))
    row = IpamAllocation(
        pool_id=pool.id or 0,
        cidr=str(network),
        kind=args.kind,
        purpose=args.purpose,
        owner=args.owner,
        resource_arn=args.resource_arn,
        created_at=now,
        created_by=actor,
    )
    session.add(row)
    service.record_change(
        session,
        actor,
        action,
        pool,
        row.cidr,
        network.num_addresses,
        at=now,
        purpose=args.purpose,
        kind=args.kind,
    )
    return row


# -- release -------------------------------------------------------------------------------------


def _locate(session: Session, args: ReleaseArgs) -> tuple[IpamPool, IpamAllocation]:
    cidr = str(parse_cidr(args.cidr))
    if args.pool:
        pool = service.find_pool(session, args.pool)
        row = service.find_allocation(session, pool, cidr)
        if row is None:
            raise NotFound(f"{cidr} is not allocated in pool '{pool.name}'.")
        return pool, row
    rows = [a for a in service.active_allocations(session) if a.cidr == cidr]
    if not rows:
        raise NotFound(f"{cidr} is not allocated or reserved in any pool.")
    if len(rows) > 1:
        names = [service.pool_by_id(session, r.pool_id).name for r in rows]
        raise Ambiguous(f"{cidr} is allocated in several pools; which one?", names)
    return service.pool_by_id(session, rows[0].pool_id), rows[0]


def plan_release(ctx: ToolContext, args: ReleaseArgs) -> ActionPlan:
    """Find the allocation to release and describe it.

    Args:
        ctx: tool context.
        args: the block.
    """
    with ctx.db.session() as session:
        pool, row = _locate(session, args)
    linked = [row.resource_arn] if row.resource_arn else []
    return ActionPlan(
        tool="ipam.release",
        args={"pool": pool.name, "cidr": row.cidr, "allocation_id": row.id},
        summary=f"Release {row.cidr} ({row.purpose or row.kind}) back to pool '{pool.name}'.",
        risk="medium",
        changes=[
            ResourceChange(
                resource_id=row.cidr,
                name=row.purpose,
                resource_type=f"ipam:{row.kind}",
                region=pool.region or "global",
                before=row.kind,
                after="free",
                dependents=linked,
            )
        ],
        reversal=f"Allocate {row.cidr} again from pool '{pool.name}'.",
        notes=[f"Still linked to {row.resource_arn}; check it is gone." for _ in linked],
    )


def execute_release(ctx: ToolContext, plan: ActionPlan) -> ChangeReport:
    """Release exactly the planned allocation row.

    Args:
        ctx: tool context.
        plan: the approved plan.
    """
    cidr, allocation_id = str(plan.args["cidr"]), plan.args["allocation_id"]
    with ctx.db.session() as session:
        pool = service.find_pool(session, str(plan.args["pool"]))
        now = ctx.clock.now()
        service.lock_pool(session, pool, now)
        row = service.find_allocation(session, pool, cidr)
        if row is None:
            return _report(
                f"{cidr} was already free.",
                cidr,
                "nothing_to_do",
                f"{cidr} had already been released.",
            )
        if row.id != allocation_id:
            return _report(
                f"{cidr} was not released.",
                cidr,
                "skipped",
                f"{cidr} was released and allocated again ({row.purpose}) meanwhile.",
            )
        row.released_at, row.released_by = now, ctx.actor
        session.add(row)
        delta = -parse_cidr(cidr).num_addresses
        service.record_change(session, ctx.actor, "release", pool, cidr, delta, at=now)
    return _report(
        f"Released {cidr} from pool '{pool.name}'.",
        cidr,
        "applied",
        f"{cidr} is free again in pool '{pool.name}'.",
    )
