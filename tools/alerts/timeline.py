"""An incident's timeline (fired, investigated, fix proposed, approved by whom, executed,
resolved...) and its export as a Markdown postmortem skeleton.

Moments are rows of ``alert_timeline``; details quoted from alerts are data and are rendered
inert (no mentions, no Markdown that could pass for the report's own structure).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlmodel import Session, col, select

from core.clock import as_utc
from core.db import Database
from tools.alerts.models import IncidentRow, TimelineRow, cap

LABELS: dict[str, str] = {
    "fired": "Fired",
    "investigated": "Investigated",
    "proposed": "Fix proposed",
    "approved": "Fix approved",
    "rejected": "Fix rejected",
    "executed": "Fix executed",
    "failed": "Fix failed",
    "acknowledged": "Acknowledged",
    "silenced": "Silenced",
    "silence_lifted": "Silence lifted",
    "resolved": "Resolved",
    "reopened": "Reopened",
    "recovered": "Recovered",
    "not_recovered": "Not recovered",
}
"""What each kind of moment is called in the postmortem."""


def add(
    session: Session,
    incident_id: int,
    kind: str,
    at: datetime,
    actor: str | None = None,
    detail: str = "",
) -> None:
    """Record one moment of ``incident_id`` in the caller's transaction.

    Args:
        session: an open transaction.
        incident_id: the incident.
        kind: a key of ``LABELS``.
        at: when it happened (from the clock).
        actor: who, when a person did it.
        detail: one line (capped).
    """
    row = TimelineRow(
        incident_id=incident_id, at=at, kind=kind, actor=actor, detail=cap(detail, 500)
    )
    session.add(row)


def record(db: Database, incident_id: int, kind: str, at: datetime, **extra: str | None) -> None:
    """Record one moment in a transaction of its own.

    Args:
        db: the SQL store.
        incident_id: the incident.
        kind: a key of ``LABELS``.
        at: when it happened.
        **extra: ``actor`` and ``detail``.
    """
    with db.session() as session:
        add(session, incident_id, kind, at, extra.get("actor"), extra.get("detail") or "")


def events(db: Database, incident_id: int) -> list[TimelineRow]:
    """The incident's moments, oldest first.

    Args:
        db: the SQL store.
        incident_id: the incident.
    """
    query = (
        select(TimelineRow)
        .where(TimelineRow.incident_id == incident_id)
        .order_by(col(TimelineRow.at), col(TimelineRow.id))
    )
    with db.session() as session:
        return list(session.exec(query))


def inert(text: str) -> str:
    """``text`` as one line that cannot mention anyone or start Markdown structure.

    Args:
        text: untrusted text.
    """
    line = " ".join(text.split())
    for raw, safe in (("<", "&lt;"), (">", "&gt;"), ("`", "'"), ("|", "/")):
        line = line.replace(raw, safe)
    return line.lstrip("#-*> ")


def postmortem(incident: IncidentRow, moments: Sequence[TimelineRow]) -> str:
    """A Markdown postmortem skeleton: summary, timeline, and sections left to fill in.

    Args:
        incident: the incident.
        moments: its timeline, oldest first.
    """
    lines = [
        f"# Postmortem: alert incident #{incident.id}",
        "",
        "## Summary",
        "",
        f"- What fired: {inert(incident.title)}",
        f"- Resource: {inert(incident.resource or 'unknown')}",
        f"- Severity: {incident.severity}; alerts: {incident.count}; state: {incident.status}",
        "",
        "## Timeline (UTC)",
        "",
        "| When | What | Who | Detail |",
        "| --- | --- | --- | --- |",
    ]
    for moment in moments:
        when = f"{as_utc(moment.at):%Y-%m-%d %H:%M:%S}"
        label = LABELS.get(moment.kind, inert(moment.kind))
        who = inert(moment.actor) if moment.actor else ""
        lines.append(f"| {when} | {label} | {who} | {inert(moment.detail)} |")
    lines += ["", "## Impact", "", "_To fill in._", "", "## Root cause", "", "_To fill in._"]
    lines += ["", "## Follow-ups", "", "- [ ] _To fill in._", ""]
    return "\n".join(lines)
