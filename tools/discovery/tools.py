"""Agent-facing read-only tools: discovery.*, inventory.*, graph.* and security.*."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, timedelta
from typing import Any

from tools import progress
from tools.context import ToolContext
from tools.discovery import diagram, render, service
from tools.discovery.analysis.impact import Impact, blast_radius, dependencies
from tools.discovery.analysis.migration import migration_order, risk_score, why_not_earlier
from tools.discovery.analysis.orphans import find_orphans, prices
from tools.discovery.analysis.security import public_exposure, risky_security_groups
from tools.discovery.model import short_id
from tools.discovery.models import (
    BlastArgs,
    ChangeItem,
    ChangesArgs,
    ChangesResult,
    DescribeResult,
    DiagramArgs,
    DiagramResult,
    Explained,
    ExposureResult,
    GraphArgs,
    GraphResult,
    MigrationArgs,
    MigrationResult,
    MigrationStep,
    OrphansArgs,
    OrphansResult,
    Ref,
    RelationItem,
    ResourceArgs,
    ResourceItem,
    RiskArgs,
    RiskItem,
    RiskResult,
    RiskyGroupsArgs,
    RiskyGroupsResult,
    ScanArgs,
    ScanSummary,
    ScopeArgs,
    SearchArgs,
    SearchResult,
)
from tools.discovery.scan import ScanProgress, run_scan
from tools.discovery.store import StoredResource
from tools.errors import InvalidInput
from tools.registry import tool

SCAN_PERMISSIONS = [
    "ec2:DescribeInstances",
    "ec2:DescribeVolumes",
    "ec2:DescribeSnapshots",
    "ec2:DescribeNetworkInterfaces",
    "ec2:DescribeAddresses",
    "ec2:DescribeVpcs",
    "ec2:DescribeSubnets",
    "ec2:DescribeRouteTables",
    "ec2:DescribeInternetGateways",
    "ec2:DescribeNatGateways",
    "ec2:DescribeSecurityGroups",
    "ec2:DescribeVpcPeeringConnections",
    "ec2:DescribeVpcEndpoints",
    "ec2:DescribeRegions",
    "elasticloadbalancing:DescribeLoadBalancers",
    "elasticloadbalancing:DescribeTargetGroups",
    "elasticloadbalancing:DescribeTargetHealth",
    "elasticloadbalancing:DescribeListeners",
    "elasticloadbalancing:DescribeTags",
    "rds:DescribeDBInstances",
    "rds:DescribeDBClusters",
    "s3:ListAllMyBuckets",
    "s3:GetBucketLocation",
    "s3:GetBucketPublicAccessBlock",
    "s3:GetEncryptionConfiguration",
    "s3:GetBucketTagging",
    "s3:GetBucketAcl",
    "s3:GetBucketPolicyStatus",
    "lambda:ListFunctions",
    "lambda:ListEventSourceMappings",
    "lambda:ListTags",
    "iam:ListRoles",
    "iam:ListRoleTags",
    "iam:ListInstanceProfiles",
    "ecs:ListClusters",
    "ecs:DescribeClusters",
    "ecs:ListServices",
    "ecs:DescribeServices",
    "dynamodb:ListTables",
    "dynamodb:DescribeTable",
    "elasticache:DescribeCacheClusters",
    "elasticache:DescribeCacheSubnetGroups",
    "elasticache:ListTagsForResource",
    "apigateway:GET",
    "organizations:ListAccounts",
    "sts:AssumeRole",
    "sts:GetCallerIdentity",
]


def _ref(ctx: ToolContext, arn: str, labels: dict[str, tuple[str, str]]) -> Ref:
    label, rtype = labels.get(arn, (short_id(arn), ""))
    return Ref(arn=arn, label=label, type=rtype)


def _labels(ctx: ToolContext) -> dict[str, tuple[str, str]]:
    view = service.view(ctx)
    return {
        node: (data.get("name") or node.rsplit("/", 1)[-1], data.get("type") or "")
        for node, data in view.nodes(data=True)
    }


def _item(resource: StoredResource) -> ResourceItem:
    return ResourceItem(
        arn=resource.arn,
        label=resource.label,
        type=resource.type,
        region=resource.region,
        account=resource.account,
        state=resource.state,
        tags=resource.tags,
    )


@tool(
    name="discovery.scan",
    description="Scan the AWS accounts and regions and refresh the inventory and dependency graph.",
    example="scan our aws accounts",
    args=ScanArgs,
    result=ScanSummary,
    render=render.render_scan,
    permissions=SCAN_PERMISSIONS,
)
def scan(ctx: ToolContext, args: ScanArgs) -> ScanSummary:
    """Run a scan, store it, and summarise what was found and missed.

    Progress goes to whoever listens (``tools.progress``): in Slack, one message updated in
    place.

    Args:
        ctx: tool context.
        args: regions, accounts, services.
    """
    callback: Callable[[ScanProgress], None] | None = None
    if progress.listening():

        def callback(p: ScanProgress) -> None:
            progress.report(render.progress_text(p))

    began = time.monotonic()
    result = run_scan(
        ctx,
        regions=args.regions,
        accounts=args.accounts,
        services=args.services,
        progress=callback,
    )
    changes = Counter(
        c.kind for c in service.InventoryStore(ctx.db).changes(scan_id=result.scan_id)
    )
    return ScanSummary(
        scan_id=result.scan_id or 0,
        resources=len(result.resources),
        by_type=dict(Counter(r.type for r in result.resources).most_common()),
        created=changes["created"],
        changed=changes["changed"],
        deleted=changes["deleted"],
        missed=result.missed,
        seconds=round(time.monotonic() - began, 2),
        api_calls=result.api_calls,
        accounts=result.accounts,
        regions=result.regions,
    )


@tool(
    name="inventory.search",
    description="Find or count inventoried resources by type, region, account, tag, name or state.",
    example="what do we run in eu-west-1?",
    args=SearchArgs,
    result=SearchResult,
    render=render.render_search,
    permissions=SCAN_PERMISSIONS,
)
def search(ctx: ToolContext, args: SearchArgs) -> SearchResult:
    """Search the inventory (scanning first if it is empty).

    Args:
        ctx: tool context.
        args: filters and grouping.
    """
    from core.aws import UnknownRegion, check_region

    if args.region:
        try:
            check_region(args.region)
        except UnknownRegion as error:
            raise InvalidInput(str(error)) from error
    group_by = args.group_by
    plain = ("type", "region", "account", "state", "service")
    if group_by and group_by not in plain and not group_by.startswith("tag:"):
        raise InvalidInput("group_by must be type, region, account, state, service or tag:<key>.")
    filters: dict[str, Any] = {
        "type": service.normalise_type(args.type),
        "region": args.region,
        "account": args.account,
        "tags": args.tags or None,
        "name": args.name,
        "state": args.state,
    }
    store = service.ensure_inventory(ctx)
    found = store.search(**filters)
    groups: dict[str, int] = {}
    if group_by:
        groups = dict(Counter(service_group(r, group_by) for r in found).most_common())
    return SearchResult(
        total=len(found),
        items=[_item(r) for r in found[: args.limit]],
        groups=groups,
        group_by=group_by,
        filters={k: v for k, v in filters.items() if v},
    )


def service_group(resource: StoredResource, group_by: str) -> str:
    """The group a resource falls in.

    Args:
        resource: the resource.
        group_by: type, region, account, state, service or tag:<key>.
    """
    if group_by.startswith("tag:"):
        return resource.tags.get(group_by[4:], "(untagged)")
    return str(getattr(resource, group_by) or "(none)")


@tool(
    name="inventory.describe",
    description="Describe an inventoried resource: config, tags, relations, first/last seen.",
    example="describe db-prod",
    args=ResourceArgs,
    result=DescribeResult,
    render=render.render_describe,
    permissions=SCAN_PERMISSIONS,
)
def describe(ctx: ToolContext, args: ResourceArgs) -> DescribeResult:
    """Everything the inventory knows about one resource.

    Args:
        ctx: tool context.
        args: which resource.
    """
    resource = service.resolve(ctx, args.resource)
    graph = service.current_graph(ctx)
    labels = _labels(ctx)
    relations = [
        RelationItem(
            direction="out" if e.source == resource.arn else "in",
            kind=e.kind,
            other=_ref(ctx, e.target if e.source == resource.arn else e.source, labels),
            detail=e.detail,
        )
        for e in graph.neighbours(resource.arn, "both")
    ]
    return DescribeResult(
        resource=_item(resource),
        config=resource.config,
        first_seen=resource.first_seen,
        last_seen=resource.last_seen,
        deleted_at=resource.deleted_at,
        relations=relations,
    )


@tool(
    name="inventory.changes",
    description="List resources created, changed or deleted since a time or in the latest scan.",
    example="what changed since the last scan?",
    args=ChangesArgs,
    result=ChangesResult,
    render=render.render_changes,
    permissions=SCAN_PERMISSIONS,
)
def changes(ctx: ToolContext, args: ChangesArgs) -> ChangesResult:
    """Change events from the inventory.

    Args:
        ctx: tool context.
        args: since / since_hours / scan_id.
    """
    store = service.ensure_inventory(ctx)
    since = args.since
    if args.since_hours is not None:
        since = ctx.clock.now() - timedelta(hours=args.since_hours)
    if since is not None and since.tzinfo is None:
        since = since.replace(tzinfo=UTC)
    rows = store.changes(since=since, scan_id=args.scan_id)
    latest = store.last_scan()
    scan_id = args.scan_id or (latest.id if latest else None)
    scope = f"since {since:%Y-%m-%d %H:%M} UTC" if since else f"scan {scan_id}"
    items = [
        ChangeItem(
            at=row.at,
            kind=row.kind,
            resource=Ref(
                arn=row.arn, label=row.name or row.arn.rsplit("/", 1)[-1], type=row.resource_type
            ),
            region=row.region,
            changed_fields=row.changed_fields,
        )
        for row in rows
    ]
    return ChangesResult(scope=scope, counts=dict(Counter(i.kind for i in items)), changes=items)


def _explained(ctx: ToolContext, impacts: list[Impact]) -> list[Explained]:
    labels = _labels(ctx)
    names = {node: label for node, (label, _) in labels.items()}
    return [
        Explained(
            resource=_ref(ctx, impact.node, labels),
            hops=impact.hops,
            path=[render.explain(step, names) for step in impact.path],
        )
        for impact in impacts
    ]


def _graph_result(
    ctx: ToolContext, start: StoredResource, mode: str, impacts: list[Impact]
) -> GraphResult:
    items = _explained(ctx, impacts)
    shown, folded = _fold_interfaces(ctx, items, start.arn)
    return GraphResult(
        start=Ref(arn=start.arn, label=start.label, type=start.type),
        mode=mode,
        items=shown,
        by_type=dict(Counter(i.resource.type or "external" for i in shown).most_common()),
        folded_interfaces=folded,
    )


def _fold_interfaces(
    ctx: ToolContext, items: list[Explained], start: str
) -> tuple[list[Explained], int]:
    """Leave out network interfaces whose instance (or other owner) is listed or is the start:
    they are part of it, and listing them beside it only repeats the same reason."""
    listed = {i.resource.arn for i in items} | {start}
    folded = _attached_interfaces(ctx, {i.resource.arn for i in items}, listed)
    kept = [i for i in items if i.resource.arn not in folded]
    return kept, len(items) - len(kept)


def _attached_interfaces(ctx: ToolContext, nodes: set[str], owners: set[str]) -> set[str]:
    """The network interfaces among ``nodes`` that are attached to one of ``owners``."""
    graph = service.current_graph(ctx)
    attached: set[str] = set()
    for node in nodes:
        found = graph.node(node)
        if found is None or found.type != "ec2:network-interface":
            continue
        edges = graph.neighbours(node, "out", kinds=["ATTACHED_TO"])
        if any(edge.target in owners for edge in edges):
            attached.add(node)
    return attached


@tool(
    name="graph.dependencies",
    description=(
        "Show what a resource depends on, or what depends on it, with the reason for each link."
    ),
    example="what does web-1 depend on?",
    args=GraphArgs,
    result=GraphResult,
    render=render.render_graph,
    permissions=SCAN_PERMISSIONS,
)
def graph_dependencies(ctx: ToolContext, args: GraphArgs) -> GraphResult:
    """Dependencies or dependents, depth-limited.

    Args:
        ctx: tool context.
        args: resource, direction, depth.
    """
    start = service.resolve(ctx, args.resource)
    view = service.view(ctx)
    if args.direction == "dependencies":
        impacts = dependencies(view, start.arn, args.depth)
    else:
        impacts = blast_radius(view, start.arn, args.depth)
    return _graph_result(ctx, start, args.direction, impacts)


@tool(
    name="graph.blast_radius",
    description="Say what breaks if a resource fails, with the path explaining each one.",
    example="what breaks if db-prod fails?",
    args=BlastArgs,
    result=GraphResult,
    render=render.render_graph,
    permissions=SCAN_PERMISSIONS,
)
def graph_blast_radius(ctx: ToolContext, args: BlastArgs) -> GraphResult:
    """Everything that transitively needs the resource.

    Args:
        ctx: tool context.
        args: resource and optional depth.
    """
    start = service.resolve(ctx, args.resource)
    impacts = blast_radius(service.view(ctx), start.arn, args.depth)
    return _graph_result(ctx, start, "blast_radius", impacts)


@tool(
    name="graph.migration_order",
    description="Order a VPC's resources for migration: dependencies first, cycles moved together.",
    example="in what order could we migrate prod-vpc?",
    args=MigrationArgs,
    result=MigrationResult,
    render=render.render_migration,
    permissions=SCAN_PERMISSIONS,
)
def graph_migration_order(ctx: ToolContext, args: MigrationArgs) -> MigrationResult:
    """Migration waves for everything inside the resource (normally a VPC).

    Args:
        ctx: tool context.
        args: the VPC or resource.
    """
    start = service.resolve(ctx, args.resource)
    members = service.contents(ctx, start)
    folded = _attached_interfaces(ctx, members, members)  # they move with their instance
    members -= folded
    view = service.view(ctx)
    labels = _labels(ctx)
    waves = migration_order(view, members)
    reasons = why_not_earlier(view, waves)
    names = {node: label for node, (label, _) in labels.items()}
    external: set[str] = set()
    for node in members:
        for impact in dependencies(view, node, 1):
            if impact.node not in members and impact.node not in folded:
                external.add(impact.node)
    return MigrationResult(
        start=Ref(arn=start.arn, label=start.label, type=start.type),
        steps=[
            MigrationStep(
                order=w.order,
                resources=[_ref(ctx, n, labels) for n in w.nodes],
                move_together=w.move_together,
                because=[render.explain(step, names) for step in reasons.get(w.order, [])],
            )
            for w in waves
        ],
        external=sorted((_ref(ctx, n, labels) for n in external), key=lambda r: r.label),
        cycles=sum(1 for w in waves if w.move_together),
    )


@tool(
    name="graph.migration_risk",
    description=(
        "Score how risky migrating resources is (dependencies, state, data size, "
        "exposure), with reasons."
    ),
    example="how risky is it to migrate db-prod?",
    args=RiskArgs,
    result=RiskResult,
    render=render.render_risk,
    permissions=SCAN_PERMISSIONS,
)
def graph_migration_risk(ctx: ToolContext, args: RiskArgs) -> RiskResult:
    """Risk scores for one resource, a VPC's contents, or a region.

    Args:
        ctx: tool context.
        args: resource or region, and how many to show.
    """
    store = service.ensure_inventory(ctx)
    view = service.view(ctx)
    if args.resource:
        start = service.resolve(ctx, args.resource)
        members = service.contents(ctx, start) if start.type == "ec2:vpc" else {start.arn}
        scope = start.label
    else:
        members = {r.arn for r in store.search(region=args.region)}
        scope = f"region {args.region}" if args.region else "all resources"
    public = {e.arn for e in public_exposure(list(store.resources()))}
    labels = _labels(ctx)
    items: list[RiskItem] = []
    for arn in members:
        resource = store.get(arn)
        if resource is None:
            continue
        score = risk_score(view, arn, resource.type, resource.config, arn in public)
        size = _size_text(resource.config)
        items.append(
            RiskItem(
                resource=_ref(ctx, arn, labels),
                score=score.score,
                level=score.level,
                reasons=[
                    render.risk_reason(code, points, score.dependents, score.dependencies, size)
                    for code, points in score.reasons
                ],
            )
        )
    items.sort(key=lambda i: (-i.score, i.resource.label))
    return RiskResult(scope=scope, items=items[: args.top])


def _size_text(config: dict[str, Any]) -> str:
    for key in ("allocated_storage_gb", "size_gb"):
        if isinstance(config.get(key), int | float):
            return f"{config[key]} GB"
    if isinstance(config.get("size_bytes"), int | float):
        return f"{config['size_bytes'] / 1024**3:.1f} GB"
    return "an unknown amount of data"


def _scoped(ctx: ToolContext, args: ScopeArgs) -> list[StoredResource]:
    store = service.ensure_inventory(ctx)
    return store.search(region=args.region, account=args.account)


@tool(
    name="security.risky_security_groups",
    description=(
        "List security groups open to the internet on SSH, RDP, database or all ports, "
        "and unused groups."
    ),
    example="which security groups are open to the world?",
    args=RiskyGroupsArgs,
    result=RiskyGroupsResult,
    render=render.render_risky_groups,
    permissions=SCAN_PERMISSIONS,
)
def security_risky_groups(ctx: ToolContext, args: RiskyGroupsArgs) -> RiskyGroupsResult:
    """Risky and unused security groups from the inventory.

    Args:
        ctx: tool context.
        args: region/account filter, whether to include unused groups.
    """
    resources = list(service.ensure_inventory(ctx).resources())
    findings = [
        f
        for f in risky_security_groups(resources, args.include_unused)
        if (not args.region or f.region == args.region)
        and (not args.account or f.account == args.account)
    ]
    return RiskyGroupsResult(
        open_to_world=[f for f in findings if f.open_rules],
        unused=[f for f in findings if f.unused and not f.open_rules],
    )


@tool(
    name="security.public_exposure",
    description=(
        "List resources reachable from the internet: public instances, buckets, load "
        "balancers, databases."
    ),
    example="what is exposed to the internet?",
    args=ScopeArgs,
    result=ExposureResult,
    render=render.render_exposure,
    permissions=SCAN_PERMISSIONS,
)
def security_public_exposure(ctx: ToolContext, args: ScopeArgs) -> ExposureResult:
    """Internet-exposed resources from the inventory.

    Args:
        ctx: tool context.
        args: region/account filter.
    """
    resources = list(service.ensure_inventory(ctx).resources())
    items = [e for e in public_exposure(resources) if (not args.region or e.region == args.region)]
    if args.account:
        accounts = {r.arn: r.account for r in resources}
        items = [e for e in items if accounts.get(e.arn) == args.account]
    return ExposureResult(items=items)


@tool(
    name="inventory.orphans",
    description=(
        "Find unused resources that cost money: unattached volumes, idle Elastic IPs, "
        "empty load balancers, old snapshots."
    ),
    example="what is unused and costing money?",
    args=OrphansArgs,
    result=OrphansResult,
    render=render.render_orphans,
    permissions=SCAN_PERMISSIONS,
)
def inventory_orphans(ctx: ToolContext, args: OrphansArgs) -> OrphansResult:
    """Orphans with their estimated monthly list-price cost.

    Args:
        ctx: tool context.
        args: region/account filter, snapshot age.
    """
    age = args.snapshot_max_age_days or ctx.settings.discovery_snapshot_max_age_days
    items = find_orphans(_scoped(ctx, args), age, ctx.clock.now())
    total = round(sum(o.monthly_cost or 0 for o in items), 2)
    return OrphansResult(items=items, monthly_total=total, prices_as_of=prices()["_meta"]["as_of"])


@tool(
    name="graph.diagram",
    description="Draw a VPC, or a resource and its neighbours, with AWS icons (PNG in the thread).",
    example="draw a diagram of prod-vpc",
    args=DiagramArgs,
    result=DiagramResult,
    render=render.render_diagram,
    permissions=SCAN_PERMISSIONS,
)
def graph_diagram(ctx: ToolContext, args: DiagramArgs) -> DiagramResult:
    """Draw the picture to a PNG under the data folder.

    Args:
        ctx: tool context.
        args: the resource, how far out to go and how much to show.
    """
    start = service.resolve(ctx, args.resource)
    members = service.contents(ctx, start) if start.type == "ec2:vpc" else None
    graph = service.current_graph(ctx).to_networkx()
    picture = diagram.select(graph, start.arn, members=members, depth=args.depth, limit=args.limit)
    path = diagram.draw(picture, ctx.new_file("diagrams", f"graph-{short_id(start.arn)}"))
    drawn = Counter(picture.type_of(n) or "other" for n in picture.nodes)
    return DiagramResult(
        start=Ref(arn=start.arn, label=start.label, type=start.type),
        files=[str(path)],
        shown=len(picture.nodes),
        links=len(picture.arrows()),
        by_type=dict(drawn.most_common()),
        left_out=dict(picture.left_out.most_common()),
    )
