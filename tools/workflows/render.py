"""Block Kit for the workflow tools: lists, one workflow, runs, templates, changes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from slack_sdk.models.blocks import Block

from tools import blocks
from tools.workflows.models import (
    ChangeResult,
    ListResult,
    RunsResult,
    ShowResult,
    TemplatesResult,
)
from tools.workflows.spec import WebhookTrigger
from tools.workflows.webhook import HOOK_PATH, SIGNATURE_HEADER

if TYPE_CHECKING:
    from tools.workflows.store import WorkflowRow, WorkflowRun  # SQL models: not at import

STATUS_ICONS = {
    "active": ":large_green_circle:",
    "paused": ":double_vertical_bar:",
    "deleted": ":wastebasket:",
    "succeeded": ":white_check_mark:",
    "failed": ":x:",
    "waiting_approval": ":hourglass:",
    "running": ":arrows_counterclockwise:",
    "pending": ":clock1:",
    "cancelled": ":no_entry_sign:",
}


def _icon(status: str) -> str:
    return STATUS_ICONS.get(status, ":grey_question:")


def render_list(result: ListResult) -> list[Block]:
    """The workflows as a table.

    Args:
        result: the list.
    """
    if not result.workflows:
        return [blocks.text("No workflows yet. Try `workflow.templates` for ready-made ones.")]
    rows = [
        [
            f"{_icon(w.status)} {w.name}",
            w.trigger[:50],
            w.channel or "-",
            f"{w.next_fire:%Y-%m-%d %H:%M} UTC" if w.next_fire else "-",
        ]
        for w in result.workflows
    ]
    return [
        blocks.header(f"Workflows ({len(rows)})"),
        *blocks.table(["workflow", "when", "channel", "next run"], rows),
    ]


def render_show(result: ShowResult) -> list[Block]:
    """One workflow: trigger, next fires, steps.

    Args:
        result: the workflow.
    """
    w = result.line
    return [
        blocks.header(f"{w.name} (v{result.version})"),
        blocks.fields(
            [
                ("Status", f"{_icon(w.status)} {w.status}"),
                ("Channel", w.channel or "-"),
                ("Created by", w.created_by),
                ("Approved by", result.approved_by or "-"),
            ]
        ),
        blocks.text("*Trigger*\n" + "\n".join(result.trigger_lines)),
        blocks.text("*Steps*\n" + "\n".join(f"• {s}" for s in result.step_lines)),
    ]


def render_runs(result: RunsResult) -> list[Block]:
    """The latest runs, each with its steps.

    Args:
        result: the runs.
    """
    if not result.runs:
        return [blocks.text(f"{result.name} has not run yet.")]
    out: list[Block] = [blocks.header(f"Runs of {result.name}")]
    for run in result.runs:
        detail = "\n".join(f"  {s}" for s in run.steps) or "  (no step ran)"
        error = f"\n_{run.error}_" if run.error else ""
        out.append(
            blocks.text(
                f"{_icon(run.status)} *Run {run.id}* ({run.status.replace('_', ' ')}), due "
                f"{run.fire_time:%Y-%m-%d %H:%M} UTC\n{detail}{error}"
            )
        )
    return out


def render_templates(result: TemplatesResult) -> list[Block]:
    """The ready-made workflows with a sentence that creates each.

    Args:
        result: the templates.
    """
    lines = []
    for t in result.templates:
        missing = f" _(needs {', '.join(t.missing)}, not available yet)_" if t.missing else ""
        lines.append(f"• *{t.title}*{missing}\n    “{t.sentence}”")
    return [blocks.header("Workflow templates"), blocks.text("\n".join(lines))]


def render_change(result: ChangeResult) -> list[Block]:
    """What a workflow change did.

    Args:
        result: the outcome.
    """
    return [blocks.text(f"{_icon(result.status)} {result.summary}")]


def webhook_notice(name: str, trigger: WebhookTrigger) -> str:
    """The private message telling a workflow's creator its webhook URL and signing secret.

    Args:
        name: the workflow.
        trigger: its stored webhook trigger.
    """
    return (
        f":key: *{name}* runs when its webhook receives a signed POST. Only you are shown this, "
        "once; CloudFabric will not show the secret again.\n"
        f"• URL: `<CloudFabric's HTTP address>{HOOK_PATH.format(token=trigger.token)}`\n"
        f"• Secret: `{trigger.secret}`\n"
        f"• Sign each body: header `{SIGNATURE_HEADER}: sha256=<hex HMAC-SHA256 of the raw body "
        "under the secret>`; optional header `X-CloudFabric-Delivery: <id>` makes a retried "
        "delivery run once.\n"
        "The JSON body is the run's `{event}`: steps read its fields as `{event.<field>}`."
    )


def run_line(name: str, run: WorkflowRun) -> str:
    """One run in one line, for the thread its workflow was made in.

    Args:
        name: the workflow.
        run: the run as it stands.
    """
    head = f"{_icon(run.status)} Run {run.id} of *{name}*"
    due = f"due {run.fire_time:%Y-%m-%d %H:%M} UTC"
    if run.status == "waiting_approval":
        return f"{head} is waiting for approval ({due}); the card is in this thread."
    if run.status == "succeeded":
        took = _took(run)
        return f"{head} succeeded ({due}{took})."
    if run.status == "failed":
        return f"{head} failed ({due}): {run.error or 'no reason recorded'}"
    if run.status == "cancelled":
        return f"{head} was stopped at its approval step ({due}): {run.error or 'declined'}"
    return f"{head} is {run.status.replace('_', ' ')} ({due})."


def _took(run: WorkflowRun) -> str:
    if run.started_at is None or run.finished_at is None:
        return ""
    seconds = (run.finished_at - run.started_at).total_seconds()
    return f", took {seconds:.1f} s"


def home_blocks(runs: list[tuple[WorkflowRow, WorkflowRun]]) -> list[Block]:
    """The workflow runs section of App Home: one line per run, newest first.

    Args:
        runs: recent runs with their workflow (``WorkflowStore.recent_runs``).
    """
    out: list[Block] = [blocks.divider(), blocks.header("Workflow runs")]
    if not runs:
        out.append(blocks.note("None yet: ask for one, e.g. “every weekday at 7pm stop dev”."))
        return out
    out.extend(blocks.text(run_line(row.name, run)) for row, run in runs)
    return out
