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
from typing import Any, Literal

from sqlalchemy import ColumnElement, Connection, Select, bindparam, or_
from sqlalchemy import insert as sa_insert
from sqlalchemy import select as sa_select
from sqlalchemy import update as sa_update
from sqlmodel import Session

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


@dataclass(frozen=True)
class _Current:
    """The columns of an incident that grouping reads (one Core row, no ORM object)."""

    id: int
    status: str
    severity: str
    members_json: str
    flips_json: str
    silenced_until: datetime | None


# Built once on the tables, executed with parameters on the session's connection: an alert
# costs no statement construction, no ORM object and no ORM bookkeeping.
_INCIDENTS = IncidentRow.__table__  # type: ignore[attr-defined]
_ALERTS = AlertRow.__table__  # type: ignore[attr-defined]
_CURRENT = [_INCIDENTS.c[name] for name in _Current.__dataclass_fields__]
_OPEN = sa_insert(_INCIDENTS).returning(_INCIDENTS.c.id)
_JOIN = (
    sa_update(_INCIDENTS)
    .where(_INCIDENTS.c.id == bindparam("incident_id"))
    .values(count=_INCIDENTS.c.count + 1)
)


def _related_query(by_group: bool, by_resource: bool) -> Select[Any]:
    """The newest incident seen since ``:since`` sharing the fingerprint, groupKey or resource.

    Each branch of the OR is served by an index (alerts' fingerprint, the incidents' group
    key and resource; SQLite plans it as a MULTI-INDEX OR), so only candidates are read.
    """
    same_fingerprint = sa_select(_ALERTS.c.incident_id).where(
        _ALERTS.c.fingerprint == bindparam("fingerprint"), _ALERTS.c.incident_id.is_not(None)
    )
    matches: list[ColumnElement[bool]] = [_INCIDENTS.c.id.in_(same_fingerprint)]
    if by_group:
        matches.append(_INCIDENTS.c.group_key == bindparam("group_key"))
    if by_resource:
        matches.append(_INCIDENTS.c.resource == bindparam("resource"))
    return (
        sa_select(*_CURRENT)
        .where(_INCIDENTS.c.last_seen >= bindparam("since"), or_(*matches))
        .order_by(_INCIDENTS.c.last_seen.desc())
        .limit(1)
    )


_RELATED = {(g, r): _related_query(g, r) for g in (False, True) for r in (False, True)}


def place(session: Session, alert: Alert, now: datetime, rules: GroupingRules) -> Placement:
    """Put ``alert`` (already stored, not a duplicate) into its incident: one indexed query
    finds it, one INSERT or UPDATE writes it.

    Args:
        session: the transaction the alert was stored in.
        alert: the alert.
        now: when it was received (the clock's now).
        rules: grouping rules.
    """
    connection = session.connection()
    incident = _related(connection, alert, now - rules.window)
    if incident is None:
        return _open(connection, alert, now)
    return _join(connection, incident, alert, now, rules)


def _related(connection: Connection, alert: Alert, since: datetime) -> _Current | None:
    """The incident ``alert`` joins, if one was seen since ``since``."""
    query = _RELATED[(bool(alert.group_key), bool(alert.resource))]
    params = {"since": since, "fingerprint": alert.fingerprint,
              "group_key": alert.group_key, "resource": alert.resource}  # fmt: skip
    row = connection.execute(query, params).first()
    return None if row is None else _Current(**row._mapping)


def _open(connection: Connection, alert: Alert, now: datetime) -> Placement:
    """A new incident for ``alert``; a lone resolve is recorded but not announced."""
    values = {
        "status": "open" if alert.status == "firing" else "resolved",
        "severity": alert.severity,
        "title": alert.title,
        "fingerprint": alert.fingerprint,
        "group_key": alert.group_key,
        "resource": alert.resource,
        "account": alert.account,
        "region": alert.region,
        "first_seen": now,
        "last_seen": now,
        "count": 1,
        "members_json": json.dumps({alert.fingerprint: alert.status}),
        "flips_json": "[]",
        "flapping": False,
    }
    incident_id = int(connection.execute(_OPEN, values).scalar_one())
    firing = alert.status == "firing"
    return Placement(incident_id, "opened", notify=firing, flapping=False)


def _join(
    connection: Connection, incident: _Current, alert: Alert, now: datetime, rules: GroupingRules
) -> Placement:
    """Add ``alert`` to ``incident``: count, last seen, worst severity, flips and state."""
    members: dict[str, str] = json.loads(incident.members_json)
    flipped = alert.fingerprint in members and members[alert.fingerprint] != alert.status
    members[alert.fingerprint] = alert.status
    flips = _recent_flips(incident.flips_json, now - rules.flap_window)
    if flipped:
        flips.append(now)
    status = "open" if "firing" in members.values() else "resolved"
    flapping = len(flips) > rules.flap_flips
    worse = SEVERITY_RANK[alert.severity] > SEVERITY_RANK[incident.severity]
    connection.execute(
        _JOIN,
        {
            "incident_id": incident.id,
            "status": status,
            "flapping": flapping,
            "flips_json": json.dumps([moment.isoformat() for moment in flips]),
            "members_json": json.dumps(members),
            "last_seen": now,
            "severity": alert.severity if worse else incident.severity,
        },
    )
    change = _change(incident.status == "open", status == "open")
    damped = flipped and flapping
    silenced = change == "repeated" and is_silenced(incident, now)
    return Placement(incident.id, change, notify=not (damped or silenced), flapping=flapping)


def is_silenced(incident: IncidentRow | _Current, now: datetime) -> bool:
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
