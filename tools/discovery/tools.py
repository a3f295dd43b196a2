"""Agent-facing read-only tools: discovery.*, inventory.*, graph.* and security.*.

Every one of them reads the inventory, which a first question fills with a scan, so each needs
what a scan needs (``tools.discovery.scan.PERMISSIONS``, declared by the collectors' readers).
The services are imported when a tool runs, so loading the registry stays light.
"""

from __future__ import annotations

from tools.context import ToolContext
from tools.discovery import examples, examples_more, render
from tools.discovery.models import (
    BlastArgs,
    ChangesArgs,
    ChangesResult,
    DescribeResult,
    DiagramArgs,
    DiagramResult,
    ExposureResult,
    GraphArgs,
    GraphResult,
    MigrationArgs,
    MigrationResult,
    ResourceArgs,
    RiskArgs,
    RiskResult,
    RiskyGroupsArgs,
    RiskyGroupsResult,
    ScanArgs,
    ScanSummary,
    ScopeArgs,
    SearchArgs,
    SearchResult,
)
from tools.discovery.scan import PERMISSIONS as SCAN_PERMISSIONS
from tools.registry import tool


@tool(
    name="discovery.scan",
    description="Scan the AWS accounts and regions and refresh the inventory and dependency graph.",
    example="scan our aws accounts",
    examples=examples.SCAN,
    args=ScanArgs,
    result=ScanSummary,
    render=render.render_scan,
    permissions=SCAN_PERMISSIONS,
)
def scan(ctx: ToolContext, args: ScanArgs) -> ScanSummary:
    """Scan, store the result, and say what was found and missed.

    Args:
        ctx: tool context.
        args: regions, accounts, services.
    """
    from tools.discovery import inventory_service

    return inventory_service.scan(ctx, args)


@tool(
    name="inventory.search",
    description="Find or count inventoried resources by type, region, account, tag, name or state.",
    example="what do we run in eu-west-1?",
    examples=examples.SEARCH,
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
    from tools.discovery import inventory_service

    return inventory_service.search(ctx, args)


@tool(
    name="inventory.describe",
    description="Describe an inventoried resource: config, tags, relations, first/last seen.",
    example="describe db-prod",
    examples=examples.DESCRIBE,
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
    from tools.discovery import inventory_service

    return inventory_service.describe(ctx, args)


@tool(
    name="inventory.changes",
    description="List resources created, changed or deleted since a time or in the latest scan.",
    example="what changed since the last scan?",
    examples=examples.CHANGES,
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
    from tools.discovery import inventory_service

    return inventory_service.changes(ctx, args)


@tool(
    name="graph.dependencies",
    description=(
        "Show what a resource depends on, or what depends on it, with the reason for each link."
    ),
    example="what does web-1 depend on?",
    examples=examples_more.DEPENDENCIES,
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
    from tools.discovery import graph_service

    return graph_service.neighbours(ctx, args)


@tool(
    name="graph.blast_radius",
    description="Say what breaks if a resource fails, with the path explaining each one.",
    example="what breaks if db-prod fails?",
    examples=examples_more.BLAST_RADIUS,
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
    from tools.discovery import graph_service

    return graph_service.blast(ctx, args)


@tool(
    name="graph.migration_order",
    description="Order a VPC's resources for migration: dependencies first, cycles moved together.",
    example="in what order could we migrate prod-vpc?",
    examples=examples_more.MIGRATION_ORDER,
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
    from tools.discovery import graph_service

    return graph_service.migration(ctx, args)


@tool(
    name="graph.migration_risk",
    description=(
        "Score how risky migrating resources is (dependencies, state, data size, "
        "exposure), with reasons."
    ),
    example="how risky is it to migrate db-prod?",
    examples=examples_more.MIGRATION_RISK,
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
    from tools.discovery import graph_service

    return graph_service.migration_risk(ctx, args)


@tool(
    name="security.risky_security_groups",
    description=(
        "List security groups open to the internet on SSH, RDP, database or all ports, "
        "and unused groups."
    ),
    example="which security groups are open to the world?",
    examples=examples.RISKY_SECURITY_GROUPS,
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
    from tools.discovery import inventory_service

    return inventory_service.risky_groups(ctx, args)


@tool(
    name="security.public_exposure",
    description=(
        "List resources reachable from the internet: public instances, buckets, load "
        "balancers, databases."
    ),
    example="what is exposed to the internet?",
    examples=examples.PUBLIC_EXPOSURE,
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
    from tools.discovery import inventory_service

    return inventory_service.exposure(ctx, args)


@tool(
    name="graph.diagram",
    description="Draw a VPC, or a resource and its neighbours, with AWS icons (PNG in the thread).",
    example="draw a diagram of prod-vpc",
    examples=examples_more.DIAGRAM,
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
    from tools.discovery import graph_service

    return graph_service.draw(ctx, args)
