"""Acknowledge, silence and resolve an incident: CloudFabric's own state only, never AWS.

Each change is a moment of the incident's timeline; the caller audits it and shows the root.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from core.clock import Clock
from core.db import Database
from tools.alerts import timeline
from tools.alerts.errors import AlertRefused
from tools.alerts.models import IncidentRow

SILENCE = timedelta(hours=1)
"""How long the "Silence 1 h" button silences an incident."""


def incident_id_of(value: object) -> int:
    """The incident id a button carries.

    Args:
        value: the button's value.

    Raises:
        AlertRefused: 400 when it is not a positive whole number.
    """
    text = str(value or "").strip()
    if not text.isdigit() or int(text) <= 0:
        raise AlertRefused(400, "This button names no incident; nothing was changed.")
    return int(text)


class IncidentState:
    """Changes CloudFabric's own state of incidents.

    Args:
        db: the SQL store.
        clock: the one clock.
    """

    def __init__(self, db: Database, clock: Clock) -> None:
        """Keep the store and the clock."""
        self.db = db
        self.clock = clock

    def get(self, incident_id: int) -> IncidentRow:
        """The incident ``incident_id``.

        Args:
            incident_id: its id.

        Raises:
            AlertRefused: 404 when there is no such incident.
        """
        with self.db.session() as session:
            incident = session.get(IncidentRow, incident_id)
        if incident is None:
            raise AlertRefused(404, f"There is no alert incident #{incident_id}.")
        return incident

    def acknowledge(self, incident_id: int, user: str) -> IncidentRow:
        """Record that ``user`` is on it.

        Args:
            incident_id: the incident.
            user: who acknowledged.
        """
        now = self.clock.now()
        return self._change(incident_id, user, "acknowledged", acknowledged_by=user,
                            acknowledged_at=now)  # fmt: skip

    def silence(
        self,
        incident_id: int,
        user: str,
        length: timedelta = SILENCE,
        until: datetime | None = None,
    ) -> IncidentRow:
        """Silence the incident's repeats for ``length``, or until ``until`` (they are still
        counted).

        Args:
            incident_id: the incident.
            user: who silenced it.
            length: how long (the button's hour).
            until: when it ends, when said instead of a length (chat).
        """
        until = until or self.clock.now() + length
        return self._change(incident_id, user, "silenced", silenced_until=until,
                            detail=f"until {until:%Y-%m-%d %H:%M} UTC")  # fmt: skip

    def resolve(self, incident_id: int, user: str) -> IncidentRow:
        """Mark the incident resolved by hand (a later firing alert reopens it).

        Args:
            incident_id: the incident.
            user: who resolved it.
        """
        return self._change(incident_id, user, "resolved", status="resolved", resolved_by=user)

    def _change(self, incident_id: int, user: str, kind: str, **values: object) -> IncidentRow:
        detail = str(values.pop("detail", ""))
        now = self.clock.now()
        with self.db.session() as session:
            incident = session.get(IncidentRow, incident_id)
            if incident is None:
                raise AlertRefused(404, f"There is no alert incident #{incident_id}.")
            for name, value in values.items():
                setattr(incident, name, value)
            session.add(incident)
            timeline.add(session, incident_id, kind, now, user, detail)
            session.flush()
        return incident
