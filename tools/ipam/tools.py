"""The IPAM tools the agent can call (mutating ones only run through approvals).

Pools and allocations live in CloudFabric's own store, so most tools need no AWS permission at
all; tools that read VPCs, subnets or Amazon VPC IPAM declare exactly the AWS calls they make.
The services (and with them the SQL tables) are imported when a tool runs, not with the registry.
"""

from __future__ import annotations

from tools.context import ToolContext
from tools.ipam import aws_networks, examples, examples_more, render, vpc_ipam
from tools.ipam.models import (
    AllocateArgs,
    ChangeReport,
    CreatePoolArgs,
    PoolsArgs,
    PoolsResult,
    ReleaseArgs,
    ShowPoolArgs,
    ShowPoolResult,
)
from tools.ipam.report_models import (
    AdoptArgs,
    AnalyzeArgs,
    AnalyzeResult,
    CheckPeeringArgs,
    ExportArgs,
    ExportResult,
    FindConflictsArgs,
    FindConflictsResult,
    ImportArgs,
    PeeringView,
    PictureArgs,
    PictureResult,
    PlanSubnetsArgs,
    PlanSubnetsResult,
    ReconcileArgs,
    ReconcileResult,
    TemplateArgs,
)
from tools.plan import ActionPlan
from tools.registry import tool


def _plan_create_pool(ctx: ToolContext, args: CreatePoolArgs) -> ActionPlan:
    from tools.ipam import pool_service

    return pool_service.plan_create_pool(ctx, args)


def _plan_allocate(ctx: ToolContext, args: AllocateArgs) -> ActionPlan:
    from tools.ipam import allocation_service

    return allocation_service.plan_allocate(ctx, args)


def _plan_release(ctx: ToolContext, args: ReleaseArgs) -> ActionPlan:
    from tools.ipam import allocation_service

    return allocation_service.plan_release(ctx, args)


def _plan_adopt(ctx: ToolContext, args: AdoptArgs) -> ActionPlan:
    from tools.ipam import insights

    return insights.plan_adopt(ctx, args)


def _plan_template(ctx: ToolContext, args: TemplateArgs) -> ActionPlan:
    from tools.ipam import bulk

    return bulk.plan_template(ctx, args)


def _plan_import(ctx: ToolContext, args: ImportArgs) -> ActionPlan:
    from tools.ipam import bulk

    return bulk.plan_import(ctx, args)


@tool(
    name="ipam.pools",
    description="List IPAM pools with their CIDRs and how full they are.",
    example="list the ipam pools in prod",
    examples=examples.POOLS,
    args=PoolsArgs,
    result=PoolsResult,
    render=render.render_pools,
    permissions=[],
)
def pools(ctx: ToolContext, args: PoolsArgs) -> PoolsResult:
    """List pools."""
    from tools.ipam import pool_service

    return pool_service.list_pools(ctx, args)


@tool(
    name="ipam.show_pool",
    description="Show one IPAM pool: allocations, reservations, free blocks, recent changes.",
    example="show the prod-eu pool",
    examples=examples.SHOW_POOL,
    args=ShowPoolArgs,
    result=ShowPoolResult,
    render=render.render_show_pool,
    permissions=[],
)
def show_pool(ctx: ToolContext, args: ShowPoolArgs) -> ShowPoolResult:
    """Show a pool."""
    from tools.ipam import pool_service

    return pool_service.show_pool(ctx, args)


@tool(
    name="ipam.create_pool",
    description="Create an IPAM pool (its CIDRs must lie free inside its parent pool).",
    example="create a pool prod-eu with 10.1.0.0/16 under the prod pool in eu-west-1",
    examples=examples.CREATE_POOL,
    args=CreatePoolArgs,
    result=ChangeReport,
    render=render.render_change_report,
    permissions=[],
    risk="medium",
    mutating=True,
    preview=_plan_create_pool,
)
def create_pool(ctx: ToolContext, plan: ActionPlan) -> ChangeReport:
    """Create the approved pool."""
    from tools.ipam import pool_service

    return pool_service.execute_create_pool(ctx, plan)


@tool(
    name="ipam.allocate",
    description="Allocate or reserve the next free block of a size from a pool, or an exact CIDR.",
    example="give me a /22 for the payments VPC in eu-west-1",
    examples=examples.ALLOCATE,
    args=AllocateArgs,
    result=ChangeReport,
    render=render.render_change_report,
    permissions=[],
    risk="low",
    mutating=True,
    preview=_plan_allocate,
)
def allocate(ctx: ToolContext, plan: ActionPlan) -> ChangeReport:
    """Allocate the approved block."""
    from tools.ipam import allocation_service

    return allocation_service.execute_allocate(ctx, plan)


@tool(
    name="ipam.release",
    description="Release an allocated or reserved block back to its pool.",
    example="release 10.1.4.0/22",
    examples=examples.RELEASE,
    args=ReleaseArgs,
    result=ChangeReport,
    render=render.render_change_report,
    permissions=[],
    risk="medium",
    mutating=True,
    preview=_plan_release,
)
def release(ctx: ToolContext, plan: ActionPlan) -> ChangeReport:
    """Release the approved block."""
    from tools.ipam import allocation_service

    return allocation_service.execute_release(ctx, plan)


@tool(
    name="ipam.analyze",
    description="Analyse a pool: utilisation, free blocks, fragmentation, runway, compliance.",
    example="how full is the prod pool?",
    examples=examples.ANALYZE,
    args=AnalyzeArgs,
    result=AnalyzeResult,
    render=render.render_analysis,
    permissions=[],
)
def analyze(ctx: ToolContext, args: AnalyzeArgs) -> AnalyzeResult:
    """Analyse a pool."""
    from tools.ipam import insights

    return insights.analyze(ctx, args)


@tool(
    name="ipam.find_conflicts",
    description="Find overlapping blocks within and across pools and compliance violations.",
    example="find ipam conflicts",
    examples=examples.FIND_CONFLICTS,
    args=FindConflictsArgs,
    result=FindConflictsResult,
    render=render.render_conflicts,
    permissions=[],
)
def find_conflicts(ctx: ToolContext, args: FindConflictsArgs) -> FindConflictsResult:
    """Find conflicts."""
    from tools.ipam import insights

    return insights.find_conflicts(ctx, args)


@tool(
    name="ipam.reconcile",
    description="Compare IPAM with the VPCs and subnets in AWS: unmanaged, stale, conflicting.",
    example="what in AWS is not in our IPAM?",
    examples=examples.RECONCILE,
    args=ReconcileArgs,
    result=ReconcileResult,
    render=render.render_reconcile,
    permissions=aws_networks.PERMISSIONS,
)
def reconcile(ctx: ToolContext, args: ReconcileArgs) -> ReconcileResult:
    """Reconcile IPAM with AWS."""
    from tools.ipam import insights

    return insights.reconcile_tool(ctx, args)


@tool(
    name="ipam.check_peering",
    description="Check whether two VPCs can be peered (their CIDRs must not overlap).",
    example="can we peer prod-vpc and analytics-vpc?",
    examples=examples.CHECK_PEERING,
    args=CheckPeeringArgs,
    result=PeeringView,
    render=render.render_peering,
    permissions=aws_networks.PERMISSIONS,
)
def check_peering(ctx: ToolContext, args: CheckPeeringArgs) -> PeeringView:
    """Check peering."""
    from tools.ipam import insights

    return insights.check_peering(ctx, args)


@tool(
    name="ipam.plan_subnets",
    description="Plan subnets for a VPC block: tiers x AZs sized by host counts.",
    example="plan subnets for 10.1.0.0/20 across 3 AZs with public, private and data tiers",
    examples=examples.PLAN_SUBNETS,
    args=PlanSubnetsArgs,
    result=PlanSubnetsResult,
    render=render.render_subnet_plan,
    permissions=[],
)
def plan_subnets(ctx: ToolContext, args: PlanSubnetsArgs) -> PlanSubnetsResult:
    """Plan subnets."""
    from tools.ipam import subnet_plan

    return subnet_plan.plan_subnets(args)


@tool(
    name="ipam.adopt",
    description="Bring unmanaged AWS VPCs/subnets into IPAM as allocations in the right pool.",
    example="adopt the unmanaged VPCs into ipam",
    examples=examples.ADOPT,
    args=AdoptArgs,
    result=ChangeReport,
    render=render.render_change_report,
    permissions=aws_networks.PERMISSIONS,
    risk="low",
    mutating=True,
    preview=_plan_adopt,
)
def adopt(ctx: ToolContext, plan: ActionPlan) -> ChangeReport:
    """Adopt the approved blocks."""
    from tools.ipam import insights

    return insights.execute_adopt(ctx, plan)


@tool(
    name="ipam.apply_template",
    description="Create a pool tree from a template (flat, regional, hierarchical, cloud-native, "
    "hybrid); the preview shows the tree.",
    example="set up a hierarchical ipam for 10.0.0.0/8 across us-east-1 and eu-west-1",
    examples=examples_more.APPLY_TEMPLATE,
    args=TemplateArgs,
    result=ChangeReport,
    render=render.render_change_report,
    permissions=[],
    risk="medium",
    mutating=True,
    preview=_plan_template,
)
def apply_template(ctx: ToolContext, plan: ActionPlan) -> ChangeReport:
    """Create the approved tree."""
    from tools.ipam import bulk

    return bulk.execute_template(ctx, plan)


@tool(
    name="ipam.import",
    description="Import pools and allocations from CSV or JSON (dry run lists every bad row).",
    example="import these pools: name,parent,cidr ...",
    examples=examples_more.IMPORT,
    args=ImportArgs,
    result=ChangeReport,
    render=render.render_change_report,
    permissions=vpc_ipam.PERMISSIONS,
    risk="medium",
    mutating=True,
    preview=_plan_import,
)
def import_pools(ctx: ToolContext, plan: ActionPlan) -> ChangeReport:
    """Import the approved file."""
    from tools.ipam import bulk

    return bulk.execute_import(ctx, plan)


@tool(
    name="ipam.export",
    description="Export pools and allocations as CSV, JSON or Terraform.",
    example="export the ipam pools as terraform",
    examples=examples_more.EXPORT,
    args=ExportArgs,
    result=ExportResult,
    render=render.render_export,
    permissions=[],
)
def export_pools(ctx: ToolContext, args: ExportArgs) -> ExportResult:
    """Export pools."""
    from tools.ipam import bulk

    return bulk.export_pools(ctx, args)


@tool(
    name="ipam.picture",
    description="Draw a pool's address space (allocated, reserved, free) as a PNG.",
    example="draw the prod pool",
    examples=examples_more.PICTURE,
    args=PictureArgs,
    result=PictureResult,
    render=render.render_picture,
    permissions=[],
)
def picture(ctx: ToolContext, args: PictureArgs) -> PictureResult:
    """Draw a pool."""
    from tools.ipam import bulk

    return bulk.picture(ctx, args)
