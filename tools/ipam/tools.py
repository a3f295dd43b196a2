"""The IPAM tools the agent can call (mutating ones only run through approvals)."""

from __future__ import annotations

from tools.context import ToolContext
from tools.ipam import operations, render
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
from tools.plan import ActionPlan
from tools.registry import tool


@tool(
    name="ipam.pools",
    description="List IPAM pools with their CIDRs and how full they are.",
    example="list the ipam pools in prod",
    args=PoolsArgs,
    result=PoolsResult,
    render=render.render_pools,
    permissions=[],
)
def pools(ctx: ToolContext, args: PoolsArgs) -> PoolsResult:
    """List pools."""
    return operations.list_pools(ctx, args)


@tool(
    name="ipam.show_pool",
    description="Show one IPAM pool: allocations, reservations, free blocks, recent changes.",
    example="show the prod-eu pool",
    args=ShowPoolArgs,
    result=ShowPoolResult,
    render=render.render_show_pool,
    permissions=[],
)
def show_pool(ctx: ToolContext, args: ShowPoolArgs) -> ShowPoolResult:
    """Show a pool."""
    return operations.show_pool(ctx, args)


@tool(
    name="ipam.create_pool",
    description="Create an IPAM pool (its CIDRs must lie free inside its parent pool).",
    example="create a pool prod-eu with 10.1.0.0/16 under the prod pool in eu-west-1",
    args=CreatePoolArgs,
    result=ChangeReport,
    render=render.render_change_report,
    permissions=[],
    risk="medium",
    mutating=True,
    preview=operations.plan_create_pool,
)
def create_pool(ctx: ToolContext, plan: ActionPlan) -> ChangeReport:
    """Create the approved pool."""
    return operations.execute_create_pool(ctx, plan)


@tool(
    name="ipam.allocate",
    description="Allocate or reserve the next free block of a size from a pool, or an exact CIDR.",
    example="give me a /22 for the payments VPC in eu-west-1",
    args=AllocateArgs,
    result=ChangeReport,
    render=render.render_change_report,
    permissions=[],
    risk="low",
    mutating=True,
    preview=operations.plan_allocate,
)
def allocate(ctx: ToolContext, plan: ActionPlan) -> ChangeReport:
    """Allocate the approved block."""
    return operations.execute_allocate(ctx, plan)


@tool(
    name="ipam.release",
    description="Release an allocated or reserved block back to its pool.",
    example="release 10.1.4.0/22",
    args=ReleaseArgs,
    result=ChangeReport,
    render=render.render_change_report,
    permissions=[],
    risk="medium",
    mutating=True,
    preview=operations.plan_release,
)
def release(ctx: ToolContext, plan: ActionPlan) -> ChangeReport:
    """Release the approved block."""
    return operations.execute_release(ctx, plan)
