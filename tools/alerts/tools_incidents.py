"""The incident tools: list, show, investigate and postmortem (read-only), acknowledge and
resolve (CloudFabric's own incident state: not gated by approval, but audited, and only for
people in the incident's channel or approvers).

They are thin: references resolve in ``incident_ref``, the guard and the audited changes are
``incident_access`` (shared with the thread's buttons), the playbook and the fix's filing are
``incident_investigation`` (shared with the Investigate button). ``alerts.investigate`` never
runs a fix: it files it through the approval gate, like the button.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tools.alerts import examples_incidents as examples
from tools.alerts.incident_models import (
    ChangeResult,
    IncidentLine,
    IncidentRef,
    InvestigateResult,
    ListArgs,
    ListResult,
    Moment,
    PostmortemResult,
    ShowResult,
)
from tools.alerts.playbooks.permissions import PERMISSIONS as PLAYBOOK_PERMISSIONS
from tools.alerts.render import (
    ACK_ACTION,
    RESOLVE_ACTION,
    render_change,
    render_investigate,
    render_list,
    render_postmortem,
    render_show,
)
from tools.context import ToolContext
from tools.errors import ToolError
from tools.registry import tool

if TYPE_CHECKING:
    from tools.alerts.incident_access import IncidentAccess


def _access(ctx: ToolContext) -> IncidentAccess:
    from tools.alerts.incident_access import ACCESS_KEY, IncidentAccess

    access = ctx.extras.get(ACCESS_KEY)
    if not isinstance(access, IncidentAccess):
        raise ToolError("Acting on alert incidents is not set up in this process.")
    return access


@tool(
    name="alerts.list",
    description="List alert incidents, newest first, by status (open/resolved) and severity.",
    example="list the open alerts",
    args=ListArgs,
    result=ListResult,
    render=render_list,
    permissions=[],
    examples=examples.LIST,
)
def list_incidents(ctx: ToolContext, args: ListArgs) -> ListResult:
    """Incidents matching the filters, most recently seen first.

    Args:
        ctx: tool context.
        args: filters and how many.
    """
    from sqlmodel import col, func, select

    from tools.alerts.models import IncidentRow

    query = select(IncidentRow)
    if args.status:
        query = query.where(IncidentRow.status == args.status)
    if args.severity:
        query = query.where(IncidentRow.severity == args.severity)
    counted = select(func.count()).select_from(query.subquery())
    ordered = query.order_by(col(IncidentRow.last_seen).desc(), col(IncidentRow.id).desc())
    with ctx.db.session() as session:
        total = int(session.exec(counted).one())
        rows = list(session.exec(ordered.limit(args.limit)))
    return ListResult(
        incidents=[IncidentLine.of(row) for row in rows],
        status=args.status,
        severity=args.severity,
        more=max(total - len(rows), 0),
    )


@tool(
    name="alerts.show",
    description="Show one alert incident: what fired, its state, who is on it, its timeline.",
    example="show me alert incident 12",
    args=IncidentRef,
    result=ShowResult,
    render=render_show,
    permissions=[],
    examples=examples.SHOW,
)
def show(ctx: ToolContext, args: IncidentRef) -> ShowResult:
    """The incident the reference names, with its timeline.

    Args:
        ctx: tool context.
        args: which incident.
    """
    from tools.alerts import timeline
    from tools.alerts.incident_investigation import load
    from tools.alerts.incident_ref import find_incident

    incident_id = find_incident(ctx.db, args.incident).id
    assert incident_id is not None
    incident, alerts = load(ctx, incident_id)
    moments = [
        Moment(at=m.at, kind=m.kind, actor=m.actor, detail=m.detail)
        for m in timeline.events(ctx.db, incident_id)
    ]
    return ShowResult(
        incident=IncidentLine.of(incident),
        description=alerts[0].description if alerts else "",
        silenced_until=incident.silenced_until,
        timeline=moments,
    )


@tool(
    name="alerts.investigate",
    description=(
        "Investigate an alert incident with its read-only playbook; a suggested fix is filed "
        "for approval, never run."
    ),
    example="investigate the latest alert",
    args=IncidentRef,
    result=InvestigateResult,
    render=render_investigate,
    permissions=PLAYBOOK_PERMISSIONS,
    examples=examples.INVESTIGATE,
)
def investigate(ctx: ToolContext, args: IncidentRef) -> InvestigateResult:
    """Run the incident's playbook and file its suggested fix, like the Investigate button.

    Args:
        ctx: tool context (acting for the person who asked).
        args: which incident.

    Raises:
        NotAllowed: the person is neither in the incident's channel nor an approver.
    """
    from tools.alerts import incident_investigation as investigation
    from tools.alerts.incident_ref import find_incident
    from tools.alerts.signals import no_playbook_message
    from tools.registry import REGISTRY

    incident = find_incident(ctx.db, args.incident)
    assert incident.id is not None
    _access(ctx).check(ctx.actor, incident)
    line = IncidentLine.of(incident)
    result = investigation.run_playbook(ctx, incident.id)
    if result is None:
        return InvestigateResult(incident=line, no_playbook=no_playbook_message(incident.title))
    filing = investigation.FixFiling()
    if result.suggested_fix is not None:
        filer = ctx.extras.get(investigation.FILE_FIX_KEY)
        fix, where = result.suggested_fix, ctx.conversation
        filer = filer if callable(filer) else None
        filing = investigation.file_fix(ctx, REGISTRY, incident.id, fix, where, filer)
    return InvestigateResult(
        incident=line, investigation=result, filed=filing.filed, not_filed=filing.not_filed
    )


@tool(
    name="alerts.postmortem",
    description="Export an alert incident's timeline as a Markdown postmortem skeleton.",
    example="write the postmortem for incident 12",
    args=IncidentRef,
    result=PostmortemResult,
    render=render_postmortem,
    permissions=[],
    examples=examples.POSTMORTEM,
)
def postmortem(ctx: ToolContext, args: IncidentRef) -> PostmortemResult:
    """The incident's postmortem skeleton with its timeline filled in.

    Args:
        ctx: tool context.
        args: which incident.
    """
    from tools.alerts import timeline
    from tools.alerts.incident_ref import find_incident

    incident = find_incident(ctx.db, args.incident)
    assert incident.id is not None
    markdown = timeline.postmortem(incident, timeline.events(ctx.db, incident.id))
    return PostmortemResult(incident=IncidentLine.of(incident), markdown=markdown)


def _change(ctx: ToolContext, args: IncidentRef, action_id: str) -> ChangeResult:
    """Acknowledge or resolve, unless it is so already (then nothing is recorded)."""
    from tools.alerts.incident_ref import find_incident

    incident = find_incident(ctx.db, args.incident)
    access = _access(ctx)
    access.check(ctx.actor, incident)
    change = "acknowledged" if action_id == ACK_ACTION else "resolved"
    done = incident.status == "resolved" or (
        change == "acknowledged" and incident.acknowledged_by is not None
    )
    if done:
        return ChangeResult(incident=IncidentLine.of(incident), change=change, changed=False)
    changed = access.change(action_id, incident, ctx.actor)
    return ChangeResult(incident=IncidentLine.of(changed), change=change, changed=True)


@tool(
    name="alerts.ack",
    description=(
        "Acknowledge an alert incident (CloudFabric's own state, audited; changes nothing in AWS)."
    ),
    example="ack the web-1 cpu alert",
    args=IncidentRef,
    result=ChangeResult,
    render=render_change,
    permissions=[],
    examples=examples.ACK,
)
def ack(ctx: ToolContext, args: IncidentRef) -> ChangeResult:
    """Acknowledge the incident as the person who asked (audited, the thread root updated).

    Args:
        ctx: tool context.
        args: which incident.

    Raises:
        NotAllowed: the person is neither in the incident's channel nor an approver.
    """
    return _change(ctx, args, ACK_ACTION)


@tool(
    name="alerts.resolve",
    description=(
        "Mark an alert incident resolved (CloudFabric's own state, audited; changes nothing in "
        "AWS)."
    ),
    example="resolve incident 12",
    args=IncidentRef,
    result=ChangeResult,
    render=render_change,
    permissions=[],
    examples=examples.RESOLVE,
)
def resolve(ctx: ToolContext, args: IncidentRef) -> ChangeResult:
    """Resolve the incident by hand as the person who asked (audited; a new firing reopens it).

    Args:
        ctx: tool context.
        args: which incident.

    Raises:
        NotAllowed: the person is neither in the incident's channel nor an approver.
    """
    return _change(ctx, args, RESOLVE_ACTION)
