"""What each workflow tool does once approved (mutating) or asked (reads)."""

from __future__ import annotations

import json
from datetime import datetime

from tools.context import ToolContext
from tools.errors import InvalidInput
from tools.plan import ActionPlan
from tools.workflows.describe import fire_lines, step_words, trigger_expression, trigger_words
from tools.workflows.models import (
    ChangeResult,
    GoOnArgs,
    ListArgs,
    ListResult,
    NameArgs,
    RunLine,
    RunsArgs,
    RunsResult,
    ShowResult,
    TemplateLine,
    TemplatesResult,
    WorkflowLine,
)
from tools.workflows.preview import registry
from tools.workflows.render import webhook_notice
from tools.workflows.service import WorkflowStore
from tools.workflows.spec import CronTrigger, RateTrigger, WebhookTrigger, WorkflowSpec
from tools.workflows.stepping import step_records
from tools.workflows.store import WorkflowRow
from tools.workflows.templates import TEMPLATES
from tools.workflows.webhook import new_webhook

RUNNER_KEY = "workflow_runner"
"""``ctx.extras`` key of the composition root's ``Runner`` (``run_now`` starts runs on it)."""


def create(ctx: ToolContext, plan: ActionPlan) -> ChangeResult:
    """Store the approved spec(s) with who approved them and the thread they were asked in.

    A webhook trigger gets its token and secret now (never in the plan, which approvers and
    cards see), and the creator alone is told them (see ``tell_webhook``).

    Args:
        ctx: tool context (acting for the requester).
        plan: the approved plan.
    """
    store = WorkflowStore(ctx.db, ctx.clock)
    approval = ctx.approval
    approved_by = approval.approved_by if approval else None
    conversation = approval.conversation_id if approval else None
    names, private = [], []
    for data in plan.args["specs"]:
        spec = WorkflowSpec.model_validate(data)
        if isinstance(spec.trigger, WebhookTrigger) and not spec.trigger.secret:
            spec = spec.model_copy(update={"trigger": new_webhook()})
        row = store.create(spec, approved_by=approved_by, conversation_id=conversation)
        names.append(row.name)
        private.append(tell_webhook(ctx, store, row))
    summary = f"Workflow {' and '.join(names)} is active."
    if any(private):
        summary += " Its webhook URL and secret were sent to you in a direct message."
    return ChangeResult(names=names, status="active", summary=summary)


def tell_webhook(ctx: ToolContext, store: WorkflowStore, row: WorkflowRow) -> bool:
    """Tell the creator alone the webhook URL and secret of ``row``, exactly as stored.

    Args:
        ctx: tool context (acting for the creator).
        store: the workflows.
        row: the stored workflow.

    Returns:
        True when a surface took the message; False for other triggers or no surface.
    """
    trigger = store.spec(row).trigger
    if not isinstance(trigger, WebhookTrigger):
        return False
    return ctx.tell_privately(ctx.actor, webhook_notice(row.name, trigger))


def go_on(ctx: ToolContext, plan: ActionPlan) -> ChangeResult:
    """The approved decision of an approval step: its run may go on.

    Args:
        ctx: tool context.
        plan: the approved plan (``GoOnArgs``).

    Raises:
        InvalidInput: the run does not wait at that step any more.
    """
    args = GoOnArgs.model_validate(plan.args)
    run = WorkflowStore(ctx.db, ctx.clock).run(args.run_id)
    waiting = {r.id: r.status for r in step_records(run)}.get(args.step)
    if run.status != "waiting_approval" or waiting != "waiting_approval":
        raise InvalidInput(f"Run {args.run_id} of {args.workflow} is not waiting at {args.step}.")
    summary = f"Run {args.run_id} of {args.workflow} goes on after {args.step}."
    return ChangeResult(names=[args.workflow], status="going on", summary=summary, run_id=run.id)


def update(ctx: ToolContext, plan: ActionPlan) -> ChangeResult:
    """Store the approved next version.

    Args:
        ctx: tool context.
        plan: the approved plan.
    """
    store = WorkflowStore(ctx.db, ctx.clock)
    approved_by = ctx.approval.approved_by if ctx.approval else None
    spec = WorkflowSpec.model_validate(plan.args["spec"])
    row = store.update(plan.args["name"], spec, approved_by)
    return ChangeResult(
        names=[row.name], status=row.status, summary=f"{row.name} is now version {row.version}."
    )


def run_now(ctx: ToolContext, plan: ActionPlan) -> ChangeResult:
    """Start a run now on the composition root's runner.

    Args:
        ctx: tool context.
        plan: the approved plan.
    """
    from tools.workflows.runner import Runner

    runner = ctx.extras.get(RUNNER_KEY)
    if not isinstance(runner, Runner):
        raise InvalidInput("Workflow runs are not set up in this process.")
    run = runner.fire(plan.args["name"], ctx.clock.now(), {"requested_by": ctx.actor})
    return ChangeResult(
        names=[plan.args["name"]],
        status=run.status,
        summary=f"Run {run.id} of {plan.args['name']}: {run.status.replace('_', ' ')}.",
        run_id=run.id,
    )


def line(store: WorkflowStore, row: WorkflowRow, now: datetime) -> WorkflowLine:
    """One workflow's summary line.

    Args:
        store: the workflows.
        row: the workflow.
        now: the clock's now.
    """
    spec = store.spec(row)
    next_fire = None
    if isinstance(spec.trigger, CronTrigger | RateTrigger) and row.status == "active":
        from core.recurrence import next_fire as first_after

        next_fire = first_after(spec.trigger.recurrence, now, created=row.created_at)
    return WorkflowLine(
        name=row.name,
        status=row.status,
        trigger=trigger_words(spec.trigger),
        steps=len(spec.steps),
        channel=row.channel,
        created_by=row.created_by,
        next_fire=next_fire,
    )


def list_all(ctx: ToolContext, args: ListArgs) -> ListResult:
    """Every workflow (not deleted).

    Args:
        ctx: tool context.
        args: filter.
    """
    store = WorkflowStore(ctx.db, ctx.clock)
    rows = [r for r in store.all() if args.status in (None, r.status)]
    return ListResult(workflows=[line(store, r, ctx.clock.now()) for r in rows])


def show(ctx: ToolContext, args: NameArgs) -> ShowResult:
    """One workflow in full (secrets left out).

    Args:
        ctx: tool context.
        args: which.
    """
    store = WorkflowStore(ctx.db, ctx.clock)
    row = store.get(args.name)
    spec = store.spec(row)
    data = spec.model_dump(mode="json")
    if isinstance(spec.trigger, WebhookTrigger):
        data["trigger"] = {"kind": "webhook", "url": "/workflows/hooks/<secret token>"}
    trigger = [
        trigger_words(spec.trigger),
        f"`{trigger_expression(spec.trigger)}`",
        *fire_lines(spec.trigger, ctx.clock.now(), row.created_at),
    ]
    return ShowResult(
        line=line(store, row, ctx.clock.now()),
        spec=data,
        version=row.version,
        approved_by=row.approved_by,
        trigger_lines=trigger,
        step_lines=[step_words(step, registry()) for step in spec.steps],
    )


def runs(ctx: ToolContext, args: RunsArgs) -> RunsResult:
    """The latest runs with each step's outcome.

    Args:
        ctx: tool context.
        args: which workflow, how many.
    """
    store = WorkflowStore(ctx.db, ctx.clock)
    lines = []
    for run in store.runs(args.name, args.limit):
        steps = [
            f"{r.id}: {r.status}"
            + (f" in {r.seconds:.1f}s" if r.seconds is not None else "")
            + (f" ({r.error})" if r.error else "")
            for r in step_records(run)
        ]
        lines.append(
            RunLine(
                id=run.id or 0,
                status=run.status,
                fire_time=run.fire_time,
                finished_at=run.finished_at,
                steps=steps,
                error=run.error,
            )
        )
    return RunsResult(name=args.name, runs=lines)


def templates() -> TemplatesResult:
    """Every template, with what it needs that is missing."""
    tools = registry()
    return TemplatesResult(
        templates=[
            TemplateLine(
                key=t.key,
                title=t.title,
                sentence=t.sentence,
                missing=[n for n in t.needs if n not in tools],
            )
            for t in TEMPLATES.values()
        ]
    )


def trigger_json(data: dict[str, object]) -> str:
    """Stable JSON of an event (for a run's record).

    Args:
        data: the event.
    """
    return json.dumps(data, sort_keys=True, default=str)
