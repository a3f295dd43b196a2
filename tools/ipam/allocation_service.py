"""Allocation tools: allocating a block and releasing it (plan, then execution)."""

from __future__ import annotations

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
    ChangeReport,
    ReleaseArgs,
)
from tools.ipam.pool_service import change_report
from tools.ipam.space import AddressSpace
from tools.ipam.tables import IpamAllocation, IpamPool
from tools.plan import ActionPlan, ResourceChange


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
            return change_report(
                f"{cidr} was already allocated.",
                cidr,
                "nothing_to_do",
                f"{cidr} is already {args.kind} for {args.purpose or 'this purpose'}.",
            )
        space = service.build_space(session, pool)
        clash = space.overlapping(parse_cidr(cidr))
        if clash:
            taken = f"{clash[0].network} ({clash[0].kind} '{clash[0].label}')"
            return change_report(
                f"{cidr} was not allocated.",
                cidr,
                "skipped",
                f"{cidr} was taken after approval by {taken}; ask again for a new block.",
            )
        insert_allocation(session, pool, args, ctx.actor, ctx.clock.now())
    return change_report(
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
            return change_report(
                f"{cidr} was already free.",
                cidr,
                "nothing_to_do",
                f"{cidr} had already been released.",
            )
        if row.id != allocation_id:
            return change_report(
                f"{cidr} was not released.",
                cidr,
                "skipped",
                f"{cidr} was released and allocated again ({row.purpose}) meanwhile.",
            )
        row.released_at, row.released_by = now, ctx.actor
        session.add(row)
        delta = -parse_cidr(cidr).num_addresses
        service.record_change(session, ctx.actor, "release", pool, cidr, delta, at=now)
    return change_report(
        f"Released {cidr} from pool '{pool.name}'.",
        cidr,
        "applied",
        f"{cidr} is free again in pool '{pool.name}'.",
    )
