"""Investigating an incident: run its read-only playbook, then file the suggested fix through
the approval gate as the person who asked. One piece serves the Investigate button and the
``alerts.investigate`` tool.

The fix is only ever filed: the approval executor runs it once someone else approves. Filing
is the composition root's (the approval service lives above ``tools``): it puts a ``FileFix``
in ``ToolContext.extras`` under ``FILE_FIX_KEY``. The timeline records "investigated" and
"proposed"; the origin key ``alert-incident:<id>:<plan digest>`` makes a second filing of the
same fix return the first request.
"""

from __future__ import annotations

from pydantic import BaseModel, Field
from sqlmodel import col, select

from tools.alerts import timeline
from tools.alerts.incident_models import FiledFix, FileFix
from tools.alerts.models import AlertRow, IncidentRow
from tools.alerts.playbooks.fixes import SuggestedFix
from tools.alerts.playbooks.models import Investigation
from tools.alerts.playbooks.service import investigate
from tools.alerts.render import fix_not_filed
from tools.alerts.signals import signal_for_incident
from tools.context import ToolContext
from tools.errors import AlreadyDone, ToolError
from tools.registry import Registry

ORIGIN_PREFIX = "alert-incident:"
"""Origin key prefix of fixes filed from an incident: ``alert-incident:<id>:<plan digest>``."""
FILE_FIX_KEY = "alert_file_fix"
"""``ToolContext.extras`` key of the composition root's ``FileFix``."""


class FixFiling(BaseModel):
    """What became of an investigation's suggested fix."""

    filed: FiledFix | None = Field(default=None, description="The request, when filed.")
    not_filed: str | None = Field(default=None, description="Why it was not filed, in words.")


def incident_of(origin_key: str | None) -> int | None:
    """The incident a request was filed for (from its origin key), or None for any other.

    Args:
        origin_key: an approval request's origin key.
    """
    key = origin_key or ""
    if not key.startswith(ORIGIN_PREFIX):
        return None
    number = key.removeprefix(ORIGIN_PREFIX).split(":", 1)[0]
    return int(number) if number.isdigit() else None


def load(ctx: ToolContext, incident_id: int) -> tuple[IncidentRow, list[AlertRow]]:
    """The incident and its stored alerts, oldest first.

    Args:
        ctx: tool context (its store).
        incident_id: the incident.

    Raises:
        ToolError: there is no such incident.
    """
    query = select(AlertRow).where(AlertRow.incident_id == incident_id)
    with ctx.db.session() as session:
        incident = session.get(IncidentRow, incident_id)
        rows = list(session.exec(query.order_by(col(AlertRow.id))))
    if incident is None:
        raise ToolError(f"There is no alert incident #{incident_id}.")
    return incident, rows


def run_playbook(ctx: ToolContext, incident_id: int) -> Investigation | None:
    """Run the incident's playbook (read-only) and record it on the timeline.

    Args:
        ctx: tool context acting for the person who asked.
        incident_id: the incident.

    Returns:
        The investigation, or None when no playbook covers the incident's alerts.
    """
    _, rows = load(ctx, incident_id)
    signal = signal_for_incident(rows)
    if signal is None:
        return None
    result = investigate(ctx, signal)
    found = f"{result.title}; {len(result.findings)} finding(s)"
    timeline.record(ctx.db, incident_id, "investigated", result.investigated_at,
                    actor=ctx.actor, detail=found)  # fmt: skip
    return result


def file_fix(
    ctx: ToolContext,
    registry: Registry,
    incident_id: int,
    fix: SuggestedFix,
    conversation: str | None,
    filer: FileFix | None,
) -> FixFiling:
    """Preview the fix with its own tool and file the plan through the gate as ``ctx.actor``.

    Args:
        ctx: tool context acting for the person who asked.
        registry: the tools (the fix's tool builds the plan).
        incident_id: the incident the fix answers.
        fix: the playbook's suggestion.
        conversation: where the request reports back (its card shows there).
        filer: files the plan (the composition root's, from ``extras[FILE_FIX_KEY]``).
    """
    name, args = fix.call()
    tool = registry.get(name)
    if tool.preview is None or filer is None:
        return FixFiling(not_filed=fix_not_filed("unfiled", name))
    try:
        plan = tool.preview(ctx, tool.args_model.model_validate(args))
    except AlreadyDone as done:
        return FixFiling(not_filed=fix_not_filed("in_place", str(done)))
    except ToolError as error:
        return FixFiling(not_filed=fix_not_filed("unprepared", str(error)))
    note = f"Suggested by the investigation of alert incident #{incident_id}: {fix.why}"
    plan = plan.model_copy(update={"notes": [*plan.notes, note]})
    key = f"{ORIGIN_PREFIX}{incident_id}:{plan.digest()[:24]}"
    try:
        filed: FiledFix = filer(plan, ctx.actor, conversation, key)
    except ToolError as refused:
        return FixFiling(not_filed=fix_not_filed("refused", str(refused)))
    timeline.record(ctx.db, incident_id, "proposed", ctx.clock.now(), actor=ctx.actor,
                    detail=f"{plan.summary} (approval {filed.approval_id})")  # fmt: skip
    return FixFiling(filed=filed)
