"""The workflow tools the agent can call; the ones that change workflows run through approvals.

Workflows live in CloudFabric's store, so these tools call no AWS API themselves (the steps'
tools declare their own permissions, shown on the create plan). The services are imported when
a tool runs, so loading the registry stays light.
"""

from __future__ import annotations

from typing import Any

from tools.context import ToolContext
from tools.plan import ActionPlan
from tools.registry import tool
from tools.workflows import examples, render
from tools.workflows.models import (
    ChangeResult,
    CreateArgs,
    GoOnArgs,
    ListArgs,
    ListResult,
    NameArgs,
    RunsArgs,
    RunsResult,
    ShowResult,
    TemplatesArgs,
    TemplatesResult,
    UpdateArgs,
)


def _preview_create(ctx: ToolContext, args: CreateArgs) -> ActionPlan:
    from tools.workflows.preview import preview_create

    return preview_create(ctx, args)


def _preview_update(ctx: ToolContext, args: UpdateArgs) -> ActionPlan:
    from tools.workflows.preview import preview_update

    return preview_update(ctx, args)


def _preview_run_now(ctx: ToolContext, args: NameArgs) -> ActionPlan:
    from tools.workflows.preview import preview_run_now

    return preview_run_now(ctx, args)


def _status_preview(name: str) -> Any:
    def preview(ctx: ToolContext, args: NameArgs) -> ActionPlan:
        from tools.workflows.preview import preview_status

        plan: ActionPlan = preview_status(name)(ctx, args)
        return plan

    return preview


@tool(
    name="workflow.create",
    description=(
        "Create a workflow from words: a schedule, event or webhook trigger and steps that "
        "call tools and post to Slack; steps that change things are approved per run."
    ),
    example="snapshot db-prod every night at 2am and tell #ops",
    examples=examples.CREATE,
    args=CreateArgs,
    result=ChangeResult,
    render=render.render_change,
    permissions=[],
    mutating=True,
    preview=_preview_create,
)
def create(ctx: ToolContext, plan: ActionPlan) -> ChangeResult:
    """Store the approved workflow(s)."""
    from tools.workflows import handlers

    return handlers.create(ctx, plan)


@tool(
    name="workflow.update",
    description="Change a workflow's schedule or channel (a new version, after approval).",
    example="change nightly-db-snapshot to run at 3am instead",
    examples=examples.UPDATE,
    args=UpdateArgs,
    result=ChangeResult,
    render=render.render_change,
    permissions=[],
    mutating=True,
    preview=_preview_update,
)
def update(ctx: ToolContext, plan: ActionPlan) -> ChangeResult:
    """Store the approved next version."""
    from tools.workflows import handlers

    return handlers.update(ctx, plan)


@tool(
    name="workflow.run_now",
    description="Run a workflow once now, outside its schedule.",
    example="run nightly-db-snapshot now",
    examples=examples.RUN_NOW,
    args=NameArgs,
    result=ChangeResult,
    render=render.render_change,
    permissions=[],
    mutating=True,
    preview=_preview_run_now,
)
def run_now(ctx: ToolContext, plan: ActionPlan) -> ChangeResult:
    """Start the approved run."""
    from tools.workflows import handlers

    return handlers.run_now(ctx, plan)


def _set_status(ctx: ToolContext, plan: ActionPlan, status: str, said: str) -> ChangeResult:
    """Move the planned workflow to ``status`` (pause, resume and delete differ only in it)."""
    from tools.workflows.service import WorkflowStore

    row = WorkflowStore(ctx.db, ctx.clock).set_status(plan.args["name"], status)
    return ChangeResult(names=[row.name], status=status, summary=f"{row.name} {said}.")


@tool(
    name="workflow.pause",
    description="Pause a workflow: it stops firing until resumed.",
    example="pause nightly-db-snapshot",
    examples=examples.PAUSE,
    args=NameArgs,
    result=ChangeResult,
    render=render.render_change,
    permissions=[],
    mutating=True,
    preview=_status_preview("workflow.pause"),
)
def pause(ctx: ToolContext, plan: ActionPlan) -> ChangeResult:
    """Pause the workflow."""
    return _set_status(ctx, plan, "paused", "is paused")


@tool(
    name="workflow.resume",
    description="Resume a paused workflow.",
    example="resume nightly-db-snapshot",
    examples=examples.RESUME,
    args=NameArgs,
    result=ChangeResult,
    render=render.render_change,
    permissions=[],
    mutating=True,
    preview=_status_preview("workflow.resume"),
)
def resume(ctx: ToolContext, plan: ActionPlan) -> ChangeResult:
    """Resume the workflow."""
    return _set_status(ctx, plan, "active", "is active again")


@tool(
    name="workflow.delete",
    description="Delete a workflow (its runs are kept for the record).",
    example="delete nightly-db-snapshot",
    examples=examples.DELETE,
    args=NameArgs,
    result=ChangeResult,
    render=render.render_change,
    permissions=[],
    mutating=True,
    preview=_status_preview("workflow.delete"),
)
def delete(ctx: ToolContext, plan: ActionPlan) -> ChangeResult:
    """Delete the workflow."""
    return _set_status(ctx, plan, "deleted", "is deleted")


@tool(
    name="workflow.list",
    description="List the workflows with their triggers, channels and next runs.",
    example="which workflows do we have?",
    examples=examples.LIST,
    args=ListArgs,
    result=ListResult,
    render=render.render_list,
    permissions=[],
)
def list_workflows(ctx: ToolContext, args: ListArgs) -> ListResult:
    """List workflows."""
    from tools.workflows import handlers

    return handlers.list_all(ctx, args)


@tool(
    name="workflow.show",
    description="Show one workflow: trigger, next fire times, steps and permissions.",
    example="show me the nightly-db-snapshot workflow",
    examples=examples.SHOW,
    args=NameArgs,
    result=ShowResult,
    render=render.render_show,
    permissions=[],
)
def show(ctx: ToolContext, args: NameArgs) -> ShowResult:
    """Show a workflow."""
    from tools.workflows import handlers

    return handlers.show(ctx, args)


@tool(
    name="workflow.runs",
    description="A workflow's latest runs with each step's outcome, timing and error.",
    example="how did the last runs of nightly-db-snapshot go?",
    examples=examples.RUNS,
    args=RunsArgs,
    result=RunsResult,
    render=render.render_runs,
    permissions=[],
)
def runs(ctx: ToolContext, args: RunsArgs) -> RunsResult:
    """Show runs."""
    from tools.workflows import handlers

    return handlers.runs(ctx, args)


@tool(
    name="workflow.templates",
    description="Ready-made workflows, each with a sentence that creates it.",
    example="what workflow templates are there?",
    examples=examples.TEMPLATES,
    args=TemplatesArgs,
    result=TemplatesResult,
    render=render.render_templates,
    permissions=[],
)
def templates(ctx: ToolContext, args: TemplatesArgs) -> TemplatesResult:
    """List templates."""
    from tools.workflows import handlers

    return handlers.templates()


def _preview_go_on(ctx: ToolContext, args: GoOnArgs) -> ActionPlan:
    """The plan an approval step files: approving it lets the run go on."""
    return ActionPlan(
        tool="workflow.go_on",
        args=args.model_dump(mode="json"),
        summary=f"Let run {args.run_id} of {args.workflow} go on: {args.prompt}",
        risk="low",
        notes=["Rejecting it (or letting it expire) stops the run here."],
    )


@tool(
    name="workflow.go_on",
    description="Let a workflow run go on past its approval step (filed by the run itself).",
    example="let the waiting run go on",
    args=GoOnArgs,
    result=ChangeResult,
    render=render.render_change,
    permissions=[],
    mutating=True,
    preview=_preview_go_on,
    offered=False,
)
def go_on(ctx: ToolContext, plan: ActionPlan) -> ChangeResult:
    """Record the decision; the run itself goes on when told its request was approved."""
    from tools.workflows import handlers

    return handlers.go_on(ctx, plan)
