"""Making and lifting silences from chat, audited, by people allowed to act on the alerts.

Only approvers, or members of the channels the matched incidents' threads are in, may
silence (with no such incident open: members of one of the alert channels). A silence of one
incident is the "Silence 1 h" button's silence with another length (``IncidentState``).
Every change is written to the audit log like the buttons' (``alert_silenced`` ...).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from pydantic import BaseModel, Field, model_validator
from sqlmodel import Session, col, select

from core.clock import Clock, as_utc
from core.db import Database
from tools.alerts import render_routes as words
from tools.alerts import timeline
from tools.alerts.errors import AlertRefused
from tools.alerts.incident_state import IncidentState
from tools.alerts.models import AlertRow, IncidentRow
from tools.alerts.route_models import SilenceView
from tools.alerts.silences import SilenceRow, active, resolve_resource
from tools.errors import ToolError

SILENCER_KEY = "alerts_silencer"
"""``ToolContext.extras`` key of the ``Silencer`` (set by the composition root)."""
LONGEST = timedelta(days=14)
"""The longest silence; longer ones are refused (a forgotten silence hides real outages)."""
RECENT_ALERTS = 2000
Audit = Callable[[str, str, dict[str, object]], None]
"""Appends (actor, action, detail) to the audit log."""
MayAct = Callable[[str, str | None], bool]
"""Whether a user may act on alerts of a channel (None: approvers only)."""


class Matchers(BaseModel):
    """Which alerts a silence is for: every matcher given must hold."""

    resource: str = Field(default="", max_length=300, description="Name tag, id or ARN.")
    words: list[str] = Field(
        default_factory=list, max_length=10, description="Words the alert title contains."
    )
    labels: dict[str, str] = Field(default_factory=dict, description="Labels it carries.")
    fingerprint: str | None = Field(default=None, max_length=200, description="Exactly this.")

    @model_validator(mode="after")
    def _something(self) -> Matchers:
        """A silence of everything is refused: it would hide every alert."""
        self.words = [word.strip().lower() for word in self.words if word.strip()]
        self.resource = self.resource.strip()
        if not (self.resource or self.words or self.labels or self.fingerprint):
            raise ValueError(words.NO_MATCHERS)
        return self


def view_of(row: SilenceRow) -> SilenceView:
    """The view of a stored silence.

    Args:
        row: the silence.
    """
    assert row.id is not None
    return SilenceView(id=row.id, resource=row.resource, words=row.words, labels=row.labels,
                       fingerprint=row.fingerprint, starts_at=as_utc(row.starts_at),
                       ends_at=as_utc(row.ends_at), created_by=row.created_by,
                       reason=row.reason)  # fmt: skip


class Silencer:
    """Makes, lifts and lists silences.

    Args:
        db: the SQL store.
        clock: the one clock.
        audit: the audit log's append.
        may_act: who may act on a channel's alerts (approvers are allowed anywhere).
        channels: the alert channels (routes' and the fallback).
        show: re-renders incident thread roots (after a change of one incident).
    """

    def __init__(
        self,
        db: Database,
        clock: Clock,
        audit: Audit,
        may_act: MayAct,
        channels: Callable[[], list[str]],
        show: Callable[[list[int]], None] | None = None,
    ) -> None:
        """Keep the store, the clock and the hooks."""
        self.db, self.clock, self.audit = db, clock, audit
        self.may_act, self.channels, self.show = may_act, channels, show

    def silence(self, user: str, matchers: Matchers, ends: datetime, reason: str) -> SilenceRow:
        """Silence the alerts ``matchers`` describe from now until ``ends``; audited.

        Args:
            user: who asks.
            matchers: which alerts.
            ends: when the silence ends (after now).
            reason: why, in their words.

        Raises:
            ToolError: ``user`` may not act on those alerts.
        """
        now = self.clock.now()
        row = SilenceRow(
            resource=matchers.resource,
            resource_ids_json=json.dumps(resolve_resource(self.db, matchers.resource)),
            words_json=json.dumps(matchers.words),
            labels_json=json.dumps(matchers.labels, sort_keys=True),
            fingerprint=matchers.fingerprint,
            starts_at=now,
            ends_at=ends,
            created_by=user,
            reason=reason[:300],
        )
        affected = self.affected(row)
        self._check(user, affected)
        with self.db.session() as session:
            session.add(row)
            session.flush()
            session.refresh(row)
            said = f"silence #{row.id} until {ends:%Y-%m-%d %H:%M} UTC"
            _on_timelines(session, affected, "silenced", now, user, said)
        self.audit(user, "alert_silence_created", row.detail())
        return row

    def silence_incident(self, user: str, incident_id: int, ends: datetime) -> IncidentRow:
        """Silence one incident's repeats until ``ends`` (the button's silence); audited.

        Args:
            user: who asks.
            incident_id: the incident.
            ends: when it ends.
        """
        state = IncidentState(self.db, self.clock)
        self._check(user, [_found(state, incident_id)])
        incident = state.silence(incident_id, user, until=ends)
        until = incident.silenced_until
        detail: dict[str, object] = {"incident": incident_id, "status": incident.status}
        detail["silenced_until"] = until.isoformat() if until else None
        self.audit(user, "alert_silenced", detail)
        if self.show is not None:
            self.show([incident_id])
        return incident

    def lift(self, user: str, silence_id: int) -> SilenceRow:
        """End silence ``silence_id`` now; audited.

        Args:
            user: who asks.
            silence_id: the silence.

        Raises:
            ToolError: no such silence holding, or ``user`` may not act on its alerts.
        """
        now = self.clock.now()
        with self.db.session() as session:
            row = session.get(SilenceRow, silence_id)
        if row is None or not row.holds(now):
            raise ToolError(words.no_such_silence(silence_id))
        affected = self.affected(row)
        self._check(user, affected)
        with self.db.session() as session:
            row = session.get(SilenceRow, silence_id)
            assert row is not None
            row.lifted_by, row.lifted_at = user, now
            session.add(row)
            session.flush()
            session.refresh(row)
            said = f"silence #{silence_id} lifted"
            _on_timelines(session, affected, "silence_lifted", now, user, said)
        self.audit(user, "alert_silence_lifted", row.detail())
        return row

    def holding(self) -> list[SilenceRow]:
        """The silences that hold now, oldest first."""
        with self.db.session() as session:
            return active(session, self.clock.now())

    def affected(self, silence: SilenceRow) -> list[IncidentRow]:
        """Open incidents with a recent alert the silence matches.

        Args:
            silence: the silence (stored or not).
        """
        query = (
            select(AlertRow, IncidentRow)
            .join(IncidentRow, col(AlertRow.incident_id) == col(IncidentRow.id))
            .where(IncidentRow.status == "open")
            .order_by(col(AlertRow.id).desc())
            .limit(RECENT_ALERTS)
        )
        with self.db.session() as session:
            pairs = list(session.exec(query))
        found = {incident.id: incident for alert, incident in pairs if silence.matches(alert)}
        return sorted(found.values(), key=lambda incident: incident.id or 0)

    def _check(self, user: str, incidents: Sequence[IncidentRow]) -> None:
        """Refuse unless ``user`` may act on every incident (or on some alert channel)."""
        channels = sorted({i.channel for i in incidents if i.channel})
        if channels:
            allowed = all(self.may_act(user, channel) for channel in channels)
        else:
            everywhere = self.channels()
            allowed = any(self.may_act(user, c) for c in everywhere) or self.may_act(user, None)
            channels = everywhere
        if not allowed:
            raise ToolError(words.not_allowed(channels))


def _on_timelines(
    session: Session,
    incidents: Sequence[IncidentRow],
    kind: str,
    at: datetime,
    user: str,
    detail: str,
) -> None:
    """Record one moment on the timeline of each of ``incidents``, in ``session``."""
    for incident in incidents:
        if incident.id is not None:
            timeline.add(session, incident.id, kind, at, user, detail)


def _found(state: IncidentState, incident_id: int) -> IncidentRow:
    try:
        return state.get(incident_id)
    except AlertRefused as refused:
        raise ToolError(str(refused)) from None
