"""Pool tools: the list and one pool's view, and creating a pool (plan, then execution)."""

from __future__ import annotations

import json
from datetime import datetime

from sqlmodel import Session

from tools.context import ToolContext
from tools.errors import InvalidInput
from tools.ipam import service
from tools.ipam.cidrs import (
    Network,
    parse_cidr,
)
from tools.ipam.models import (
    AllocationView,
    ChangeOutcome,
    ChangeReport,
    ChangeView,
    CreatePoolArgs,
    PoolsArgs,
    PoolsResult,
    PoolSummary,
    ShowPoolArgs,
    ShowPoolResult,
)
from tools.ipam.space import AddressSpace
from tools.ipam.tables import IpamAllocation, IpamPool
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
            return change_report(f"Pool '{args.name}' was not created.", args.name, status, detail)
        parent = service.find_pool(session, args.parent) if args.parent else None
        if parent is not None:
            service.lock_pool(session, parent, ctx.clock.now())
        try:
            service.validate_pool_cidrs(session, args.cidrs, parent)
        except InvalidInput as error:
            return change_report(
                f"Pool '{args.name}' was not created.",
                args.name,
                "skipped",
                f"The space changed since approval: {error}",
            )
        pool = insert_pool(session, args, parent, ctx.actor, ctx.clock.now())
    return change_report(
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


def change_report(summary: str, target: str, status: str, detail: str) -> ChangeReport:
    outcome = ChangeOutcome(target=target, status=status, detail=detail)
    return ChangeReport(summary=summary, outcomes=[outcome])


# -- allocate ------------------------------------------------------------------------------------
