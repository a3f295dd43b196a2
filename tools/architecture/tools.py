"""The architecture tools the agent can call (deploy and destroy only run through approvals).

Specs live in CloudFabric's store, so most tools call no AWS API. ``propose`` may scan VPCs
(to avoid overlapping blocks), ``drift`` scans the stack's region, and the mutating tools call
CloudFormation; each declares exactly those calls. Deploys run under a CloudFormation service
role (``service_role.py``): CloudFabric needs ``iam:PassRole`` for it, the role needs the rest.
The services (templates, networks, the store, CloudFormation) are imported when a tool runs, so
loading the registry stays light.
"""

from __future__ import annotations

from tools.architecture import examples, examples_more, render
from tools.architecture.models import (
    DeployArgs,
    DeployResult,
    DestroyArgs,
    DriftResult,
    EstimateResult,
    ExportArgs,
    FilesResult,
    ListArgs,
    ListResult,
    NameArgs,
    ProposalResult,
    ProposeArgs,
    RefineArgs,
    ShowResult,
    ValidateResult,
)
from tools.context import ToolContext
from tools.discovery.tools import SCAN_PERMISSIONS
from tools.plan import ActionPlan
from tools.registry import tool

DEPLOY_PERMISSIONS = [
    "cloudformation:CreateChangeSet",
    "cloudformation:DescribeChangeSet",
    "cloudformation:ExecuteChangeSet",
    "cloudformation:DeleteChangeSet",
    "cloudformation:DescribeStacks",
    "cloudformation:DescribeStackEvents",
    "cloudformation:GetTemplate",
    "cloudformation:ListStackResources",
    "cloudformation:DeleteStack",
    "cloudformation:RollbackStack",
    "iam:PassRole",
    "sts:GetCallerIdentity",
]
DESTROY_PERMISSIONS = [
    "cloudformation:DescribeStacks",
    "cloudformation:DescribeStackEvents",
    "cloudformation:ListStackResources",
    "cloudformation:DeleteStack",
    "iam:PassRole",
    "rds:CreateDBSnapshot",
    "rds:DescribeDBSnapshots",
    "rds:CreateDBClusterSnapshot",
    "rds:DescribeDBClusterSnapshots",
    "dynamodb:CreateBackup",
    "elasticache:CreateSnapshot",
]


@tool(
    name="architecture.propose",
    description=(
        "Propose an AWS architecture from a description: components, a VPC from IPAM, "
        "findings, cost, a diagram and CloudFormation/Terraform."
    ),
    example="we need a web app with a Postgres database in eu-west-1 for prod, about 2k requests/s",
    examples=examples.PROPOSE,
    args=ProposeArgs,
    result=ProposalResult,
    render=render.render_proposal,
    permissions=SCAN_PERMISSIONS,
)
def propose(ctx: ToolContext, args: ProposeArgs) -> ProposalResult:
    """Propose a new architecture."""
    from tools.architecture import handlers

    return handlers.propose(ctx, args)


@tool(
    name="architecture.refine",
    description="Change a proposed architecture in words and show the diff and the cost change.",
    example="make the database Aurora",
    examples=examples.REFINE,
    args=RefineArgs,
    result=ProposalResult,
    render=render.render_proposal,
    permissions=[],
)
def refine(ctx: ToolContext, args: RefineArgs) -> ProposalResult:
    """Refine an architecture."""
    from tools.architecture import handlers

    return handlers.refine(ctx, args)


@tool(
    name="architecture.validate",
    description="Check an architecture's security and sizing rules and lint its CloudFormation.",
    example="is the prod-web architecture secure?",
    examples=examples.VALIDATE,
    args=NameArgs,
    result=ValidateResult,
    render=render.render_validate,
    permissions=[],
)
def validate(ctx: ToolContext, args: NameArgs) -> ValidateResult:
    """Validate an architecture."""
    from tools.architecture import handlers

    return handlers.check(ctx, args)


@tool(
    name="architecture.estimate",
    description="Monthly cost of an architecture with line items, assumptions and as-of dates.",
    example="how much would prod-web cost per month?",
    examples=examples.ESTIMATE,
    args=NameArgs,
    result=EstimateResult,
    render=render.render_estimate,
    permissions=[],
)
def estimate(ctx: ToolContext, args: NameArgs) -> EstimateResult:
    """Estimate an architecture."""
    from tools.architecture import handlers

    return handlers.price(ctx, args)


@tool(
    name="architecture.diagram",
    description="Draw an architecture (AZs, tiers, connections) as a PNG with AWS icons.",
    example="draw the prod-web architecture",
    examples=examples.DIAGRAM,
    args=NameArgs,
    result=FilesResult,
    render=render.render_files,
    permissions=[],
)
def diagram(ctx: ToolContext, args: NameArgs) -> FilesResult:
    """Draw an architecture."""
    from tools.architecture import handlers

    return handlers.picture(ctx, args)


@tool(
    name="architecture.export",
    description="Export an architecture as CloudFormation YAML (linted) and Terraform HCL.",
    example="export prod-web as terraform",
    examples=examples.EXPORT,
    args=ExportArgs,
    result=FilesResult,
    render=render.render_files,
    permissions=[],
)
def export(ctx: ToolContext, args: ExportArgs) -> FilesResult:
    """Export an architecture."""
    from tools.architecture import handlers

    return handlers.export(ctx, args)


@tool(
    name="architecture.list",
    description="List the proposed architectures with their versions, deploy state and cost.",
    example="which architectures do we have?",
    examples=examples_more.LIST,
    args=ListArgs,
    result=ListResult,
    render=render.render_list,
    permissions=[],
)
def list_architectures(ctx: ToolContext, args: ListArgs) -> ListResult:
    """List architectures."""
    from tools.architecture import handlers

    return handlers.list_all(ctx, args)


@tool(
    name="architecture.show",
    description="Show one architecture in full with its version history.",
    example="show me the prod-web architecture",
    examples=examples_more.SHOW,
    args=NameArgs,
    result=ShowResult,
    render=render.render_show,
    permissions=[],
)
def show(ctx: ToolContext, args: NameArgs) -> ShowResult:
    """Show an architecture."""
    from tools.architecture import handlers

    return handlers.show(ctx, args)


@tool(
    name="architecture.drift",
    description="Compare a deployed architecture's stack with what discovery finds in AWS now.",
    example="has prod-web drifted?",
    examples=examples_more.DRIFT,
    args=NameArgs,
    result=DriftResult,
    render=render.render_drift,
    permissions=[*SCAN_PERMISSIONS, "cloudformation:ListStackResources"],
)
def drift(ctx: ToolContext, args: NameArgs) -> DriftResult:
    """Find drift."""
    from tools.architecture.drift import drift as find_drift

    return find_drift(ctx, args.name)


def _preview_deploy(ctx: ToolContext, args: DeployArgs) -> ActionPlan:
    from tools.architecture.deploy_plan import plan_deploy

    return plan_deploy(ctx, args.name, args.version)


def _preview_destroy(ctx: ToolContext, args: DestroyArgs) -> ActionPlan:
    from tools.architecture.deploy_plan import plan_destroy

    return plan_destroy(ctx, args.name)


@tool(
    name="architecture.deploy",
    description="Deploy an architecture version with a CloudFormation change set, after approval.",
    example="deploy prod-web",
    examples=examples_more.DEPLOY,
    args=DeployArgs,
    result=DeployResult,
    render=render.render_deploy,
    permissions=DEPLOY_PERMISSIONS,
    risk="medium",
    mutating=True,
    preview=_preview_deploy,
)
def deploy(ctx: ToolContext, plan: ActionPlan) -> DeployResult:
    """Create, check and execute the change set of the approved plan."""
    from tools.architecture.deploy_run import execute_deploy

    return execute_deploy(ctx, plan)


@tool(
    name="architecture.destroy",
    description="Delete a deployed architecture's stack after final snapshots of its data.",
    example="tear down the prod-web architecture",
    examples=examples_more.DESTROY,
    args=DestroyArgs,
    result=DeployResult,
    render=render.render_deploy,
    permissions=DESTROY_PERMISSIONS,
    risk="high",
    mutating=True,
    preview=_preview_destroy,
)
def destroy(ctx: ToolContext, plan: ActionPlan) -> DeployResult:
    """Snapshot and delete the stack of the approved plan."""
    from tools.architecture.destroy_run import execute_destroy

    return execute_destroy(ctx, plan)
