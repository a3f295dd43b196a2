"""Alerts into incidents: an alert joins the incident of the same fingerprint, the same
Alertmanager groupKey or the same resource seen within the window; otherwise it opens one.

An incident is resolved when every alert in it is. An alert that flips between firing and
resolved more than ``flap_flips`` times within the flap window marks its incident flapping:
its flips are still recorded but no longer notify, until the flips age out of the window.
Time is the clock's (the time alerts are received), never the sender's.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy import ColumnElement, or_
from sqlmodel import Session, col, select

from core.clock import as_utc, parse_instant
from core.settings import Settings
from tools.alerts.models import SEVERITY_RANK, Alert, AlertRow, IncidentRow

Change = Literal["opened", "repeated", "resolved", "reopened"]


@dataclass(frozen=True)
class GroupingRules:
    """How alerts are grouped and when an incident flaps.

    Attributes:
        window: alerts this close (to the incident's last alert) join it.
        flap_flips: more flips than this within ``flap_window`` is flapping.
        flap_window: how far back flips are counted.
    """

    window: timedelta
    flap_flips: int
    flap_window: timedelta

    @classmethod
    def from_settings(cls, settings: Settings) -> GroupingRules:
        """The rules the settings give.

        Args:
            settings: runtime settings (``alerts_group_window_seconds``, ``alerts_flap_*``).
        """
        return cls(
            window=timedelta(seconds=settings.alerts_group_window_seconds),
            flap_flips=settings.alerts_flap_flips,
            flap_window=timedelta(seconds=settings.alerts_flap_window_seconds),
        )


@dataclass(frozen=True)
class Placement:
    """Where an alert went and whether people should hear about it.

    Attributes:
        incident_id: the incident it joined or opened.
        change: opened, repeated, resolved or reopened.
        notify: False while the incident flaps or is silenced (or for a resolve of nothing
            seen firing).
        flapping: the incident is flapping.
    """

    incident_id: int
    change: Change
    notify: bool
    flapping: bool


def place(session: Session, alert: Alert, now: datetime, rules: GroupingRules) -> Placement:
    """Put ``alert`` (already stored, not a duplicate) into its incident.

    Args:
        session: the transaction the alert was stored in.
        alert: the alert.
        now: when it was received (the clock's now).
        rules: grouping rules.
    """
    incident = _related(session, alert, now - rules.window)
    if incident is None:
        return _open(session, alert, now)
    return _join(session, incident, alert, now, rules)


def _related(session: Session, alert: Alert, since: datetime) -> IncidentRow | None:
    """The newest incident seen since ``since`` sharing the fingerprint, groupKey or resource."""
    same_fingerprint = select(AlertRow.incident_id).where(
        AlertRow.fingerprint == alert.fingerprint, col(AlertRow.incident_id).is_not(None)
    )
    matches: list[ColumnElement[bool]] = [col(IncidentRow.id).in_(same_fingerprint)]
    if alert.group_key:
        matches.append(col(IncidentRow.group_key) == alert.group_key)
    if alert.resource:
        matches.append(col(IncidentRow.resource) == alert.resource)
    query = (
        select(IncidentRow)
        .where(IncidentRow.last_seen >= since, or_(*matches))
        .order_by(col(IncidentRow.last_seen).desc())
        .limit(1)
    )
    return session.exec(query).first()


def _open(session: Session, alert: Alert, now: datetime) -> Placement:
    """A new incident for ``alert``; a lone resolve is recorded but not announced."""
    incident = IncidentRow(
        status="open" if alert.status == "firing" else "resolved",
        severity=alert.severity,
        title=alert.title,
        fingerprint=alert.fingerprint,
        group_key=alert.group_key,
        resource=alert.resource,
        account=alert.account,
        region=alert.region,
        first_seen=now,
        last_seen=now,
        count=1,
        members_json=json.dumps({alert.fingerprint: alert.status}),
    )
    session.add(incident)
    session.flush()
    assert incident.id is not None
    firing = alert.status == "firing"
    return Placement(incident.id, "opened", notify=firing, flapping=False)


def _join(
    session: Session, incident: IncidentRow, alert: Alert, now: datetime, rules: GroupingRules
) -> Placement:
    """Add ``alert`` to ``incident``: count, last seen, worst severity, flips and state."""
    members: dict[str, str] = json.loads(incident.members_json)
    flipped = alert.fingerprint in members and members[alert.fingerprint] != alert.status
    members[alert.fingerprint] = alert.status
    flips = _recent_flips(incident.flips_json, now - rules.flap_window)
    if flipped:
        flips.append(now)
    was_open = incident.status == "open"
    incident.status = "open" if "firing" in members.values() else "resolved"
    incident.flapping = len(flips) > rules.flap_flips
    incident.flips_json = json.dumps([moment.isoformat() for moment in flips])
    incident.members_json = json.dumps(members)
    incident.count += 1
    incident.last_seen = now
    if SEVERITY_RANK[alert.severity] > SEVERITY_RANK[incident.severity]:
        incident.severity = alert.severity
    session.add(incident)
    assert incident.id is not None
    change = _change(was_open, incident.status == "open")
    damped = flipped and incident.flapping
    silenced = change == "repeated" and is_silenced(incident, now)
    return Placement(
        incident.id, change, notify=not (damped or silenced), flapping=incident.flapping
    )


def is_silenced(incident: IncidentRow, now: datetime) -> bool:
    """True while someone's "Silence 1 h" holds: repeats are counted but not shown.

    Args:
        incident: the incident.
        now: the clock's now.
    """
    until = incident.silenced_until
    return until is not None and as_utc(until) > now


def _recent_flips(stored: str, since: datetime) -> list[datetime]:
    """The stored flip instants that are still inside the flap window."""
    moments = (parse_instant(text) for text in json.loads(stored))
    return [moment for moment in moments if moment >= since]


def _change(was_open: bool, is_open: bool) -> Change:
    if was_open and not is_open:
        return "resolved"
    if is_open and not was_open:
        return "reopened"
    return "repeated"
