"""Analysis, conflict search, reconciliation with AWS, peering checks and adoption."""

from __future__ import annotations

import ipaddress

from tools.context import ToolContext
from tools.errors import Ambiguous, InvalidInput, NotFound
from tools.ipam import analysis, conflicts, service
from tools.ipam.aws_networks import AwsNetwork, read_networks
from tools.ipam.models import AllocateArgs, ChangeOutcome, ChangeReport
from tools.ipam.operations import insert_allocation
from tools.ipam.overlaps import overlapping_between
from tools.ipam.reconcile import NotPeerable, Reconciliation, Unmanaged, reconcile
from tools.ipam.report_models import (
    AdoptArgs,
    AnalyzeArgs,
    AnalyzeResult,
    CheckPeeringArgs,
    FindConflictsArgs,
    FindConflictsResult,
    FindingView,
    NetworkView,
    PeeringView,
    ReconcileArgs,
    ReconcileResult,
    StaleView,
)
from tools.plan import ActionPlan, ResourceChange

COMMON_SIZES = {4: (16, 20, 22, 24, 26, 28), 6: (44, 48, 52, 56, 60, 64)}


def _view(finding: conflicts.Finding) -> FindingView:
    return FindingView(rule=finding.rule, message=finding.message, cidrs=list(finding.cidrs))


def analyze(ctx: ToolContext, args: AnalyzeArgs) -> AnalyzeResult:
    """Utilisation, gaps, fragmentation, runway and compliance of one pool.

    Args:
        ctx: tool context.
        args: which pool.
    """
    with ctx.db.session() as session:
        pool = service.find_pool(session, args.pool)
        space = service.build_space(session, pool)
        history = [
            (c.at, int(c.address_delta))
            for c in service.pool_changes(session, pool.id or 0)
            if c.address_delta != "0"
        ]
        held = conflicts.load_holdings(session)
    use = analysis.utilisation(space)
    run = analysis.runway(history, space.free, ctx.clock.now())
    ranges, range_count = analysis.gap_summary(space)
    largest = space.largest_free_block()
    cidrs = set(pool.cidr_list) | {str(e.network) for e in space.entries()}
    findings = [
        f
        for f in conflicts.find_conflicts(held) + conflicts.compliance(held, ctx.settings)
        if cidrs & set(f.cidrs)
    ]
    return AnalyzeResult(
        pool=pool.name,
        cidrs=pool.cidr_list,
        size=use.size,
        allocated=use.allocated,
        reserved=use.reserved,
        child_pools=use.child_pools,
        free=use.free,
        usable_allocated=use.usable_allocated,
        used_pct=round(use.used_pct, 2),
        largest_free_block=str(largest) if largest else None,
        free_ranges=ranges,
        free_range_count=range_count,
        free_blocks_by_size={
            f"/{p}": space.free_block_count(p)
            for p in COMMON_SIZES[space.version]
            if p >= min(n.prefixlen for n in space.roots)
        },
        fragmentation=analysis.fragmentation(space),
        rate_per_day=run.rate_per_day,
        days_left=run.days_left,
        full_on=run.full_on,
        findings=[_view(f) for f in findings],
    )


def find_conflicts(ctx: ToolContext, args: FindConflictsArgs) -> FindConflictsResult:
    """Unexpected overlaps and compliance violations across all pools.

    Args:
        ctx: tool context.
        args: optional pool filter.
    """
    with ctx.db.session() as session:
        held = conflicts.load_holdings(session)
        if args.pool:
            service.find_pool(session, args.pool)
    found = conflicts.find_conflicts(held)
    violations = conflicts.compliance(held, ctx.settings)
    if args.pool:
        wanted = {str(h.network) for h in held if h.pool.lower() == args.pool.lower()}
        found = [f for f in found if wanted & set(f.cidrs)]
        violations = [v for v in violations if wanted & set(v.cidrs)]
    return FindConflictsResult(
        conflicts=[_view(f) for f in found],
        violations=[_view(v) for v in violations],
        checked=len(held),
    )


def _peering_view(pair: NotPeerable) -> PeeringView:
    return PeeringView(
        first=pair.first.label,
        second=pair.second.label,
        first_where=f"{pair.first.account}/{pair.first.region}",
        second_where=f"{pair.second.account}/{pair.second.region}",
        peerable=False,
        overlaps=[f"{a} ↔ {b}" for a, b in pair.overlaps],
    )


def run_reconcile(ctx: ToolContext, regions: list[str]) -> Reconciliation:
    """Read AWS and compare it with IPAM.

    Args:
        ctx: tool context.
        regions: regions to read (all configured when empty).
    """
    networks, scanned = read_networks(ctx.aws, regions or None)
    with ctx.db.session() as session:
        return reconcile(session, networks, scanned)


def reconcile_tool(ctx: ToolContext, args: ReconcileArgs) -> ReconcileResult:
    """What is in AWS but not IPAM, in IPAM but gone from AWS, and what conflicts.

    Args:
        ctx: tool context.
        args: regions.
    """
    result = run_reconcile(ctx, args.regions)
    unmanaged = [
        NetworkView(
            kind=u.network.kind,
            resource_id=u.network.resource_id,
            name=u.network.name,
            account=u.network.account,
            region=u.network.region,
            cidr=str(u.cidr),
            arn=u.network.arn,
            adopt_into=u.pool,
            reason=u.reason,
        )
        for u in result.unmanaged
    ]
    stale = [
        StaleView(
            pool=s.pool,
            cidr=s.allocation.cidr,
            resource_arn=s.allocation.resource_arn or "",
            purpose=s.allocation.purpose,
        )
        for s in result.stale
    ]
    clashes = [
        f"{c.network.label} {c.cidr} overlaps {c.allocation.cidr} "
        f"({c.allocation.purpose or c.allocation.kind}) in pool {c.pool}"
        for c in result.clashes
    ]
    return ReconcileResult(
        unmanaged=unmanaged,
        stale=stale,
        conflicts=clashes,
        not_peerable=[_peering_view(p) for p in result.not_peerable],
        scanned=[f"{a}/{r}" for a, r in result.scanned],
    )


def _find_vpc(vpcs: list[AwsNetwork], wanted: str) -> AwsNetwork:
    key = wanted.strip().lower()
    found = [v for v in vpcs if key in (v.resource_id.lower(), (v.name or "").lower())]
    if not found:
        near = ", ".join(sorted(v.label for v in vpcs)[:6])
        raise NotFound(
            f"No VPC called '{wanted}' in the configured accounts and regions (known: {near})."
        )
    if len(found) > 1:
        raise Ambiguous(
            f"Several VPCs are called '{wanted}'; which one?",
            [f"{v.label} in {v.account}/{v.region}" for v in found],
        )
    return found[0]


def check_peering(ctx: ToolContext, args: CheckPeeringArgs) -> PeeringView:
    """Whether two VPCs can be peered (their CIDRs must not overlap).

    Args:
        ctx: tool context.
        args: the two VPCs.
    """
    networks, _ = read_networks(ctx.aws)
    vpcs = [n for n in networks if n.kind == "vpc"]
    first, second = _find_vpc(vpcs, args.first), _find_vpc(vpcs, args.second)
    if first == second:
        raise InvalidInput(f"{first.label} cannot be peered with itself.")
    overlaps = overlapping_between(first.cidrs, second.cidrs)
    return PeeringView(
        first=first.label,
        second=second.label,
        first_where=f"{first.account}/{first.region}",
        second_where=f"{second.account}/{second.region}",
        peerable=not overlaps,
        overlaps=[f"{a} ↔ {b}" for a, b in overlaps],
    )


def plan_adopt(ctx: ToolContext, args: AdoptArgs) -> ActionPlan:
    """Pick the unmanaged AWS blocks to adopt and the pool each goes into.

    Args:
        ctx: tool context.
        args: which resources (all adoptable when empty).
    """
    result = run_reconcile(ctx, args.regions)
    wanted = {r.lower() for r in args.resources}
    chosen = [
        u
        for u in result.unmanaged
        if not wanted or {u.network.resource_id.lower(), (u.network.name or "").lower()} & wanted
    ]
    if wanted and not chosen:
        raise NotFound(f"None of {', '.join(args.resources)} is unmanaged; nothing to adopt.")
    refused, adoptable = _split_adoptable(chosen)
    if not adoptable:
        reasons = "; ".join(f"{u.network.label} {u.cidr}: {why}" for u, why in refused) or "none"
        raise InvalidInput(f"Nothing can be adopted ({reasons}).")
    items = [
        {
            "pool": u.pool,
            "cidr": str(u.cidr),
            "resource_arn": u.network.arn,
            "purpose": u.network.label,
            "usage": u.network.kind,
        }
        for u in adoptable
    ]
    return ActionPlan(
        tool="ipam.adopt",
        args={"items": items},
        summary=f"Adopt {len(items)} AWS block(s) into IPAM as allocations.",
        risk="low",
        changes=[
            ResourceChange(
                resource_id=u.network.resource_id,
                name=u.network.name,
                resource_type=f"ec2:{u.network.kind}",
                region=u.network.region,
                account=u.network.account,
                before="unmanaged",
                after=f"{u.cidr} allocated in {u.pool}",
            )
            for u in adoptable
        ],
        reversal="Release the adopted blocks.",
        notes=[f"Not adoptable: {u.network.label} {u.cidr} ({reason})." for u, reason in refused],
    )


def _split_adoptable(
    chosen: list[Unmanaged],
) -> tuple[list[tuple[Unmanaged, str]], list[Unmanaged]]:
    """Blocks that cannot be adopted (with why), and those that can, without clashing."""
    refused: list[tuple[Unmanaged, str]] = []
    adoptable: list[Unmanaged] = []
    for item in chosen:
        twin = next(
            (a for a in adoptable if a.pool == item.pool and a.cidr.overlaps(item.cidr)), None
        )
        if item.pool is None:
            refused.append((item, item.reason or "no pool can hold it"))
        elif twin is not None:
            refused.append((item, f"overlaps {twin.network.label} {twin.cidr} in the same plan"))
        else:
            adoptable.append(item)
    return refused, adoptable


def execute_adopt(ctx: ToolContext, plan: ActionPlan) -> ChangeReport:
    """Record exactly the planned blocks, each re-checked as still free.

    Args:
        ctx: tool context.
        plan: the approved plan.
    """
    outcomes = []
    for item in plan.args["items"]:
        outcomes.append(_adopt_one(ctx, item))
    done = sum(1 for o in outcomes if o.status == "applied")
    return ChangeReport(summary=f"Adopted {done} of {len(outcomes)} block(s).", outcomes=outcomes)


def _adopt_one(ctx: ToolContext, item: dict[str, str]) -> ChangeOutcome:
    cidr = item["cidr"]
    with ctx.db.session() as session:
        pool = service.find_pool(session, item["pool"])
        service.lock_pool(session, pool, ctx.clock.now())
        existing = service.find_allocation(session, pool, cidr)
        if existing is not None and existing.resource_arn == item["resource_arn"]:
            return ChangeOutcome(target=cidr, status="nothing_to_do", detail="Already adopted.")
        taken = service.build_space(session, pool).overlapping(ipaddress.ip_network(cidr))
        if taken:
            return ChangeOutcome(
                target=cidr,
                status="skipped",
                detail=f"{taken[0].network} was taken in {pool.name} meanwhile.",
            )
        request = AllocateArgs(
            pool=pool.name, cidr=cidr, purpose=item["purpose"], resource_arn=item["resource_arn"]
        )
        insert_allocation(session, pool, request, ctx.actor, ctx.clock.now(), action="adopt")
    return ChangeOutcome(
        target=cidr,
        status="applied",
        detail=f"{item['purpose']} is now tracked in pool {item['pool']}.",
    )
