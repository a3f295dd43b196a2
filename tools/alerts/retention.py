"""The retention sweep's part for alerts: resolved incidents long past, with their alerts.

An incident resolved and last seen before the cut-off goes with its timeline and its alerts
(their payloads included); so do alerts grouped into no incident that arrived before it, and
storm digests that no longer list any incident. Open incidents stay whatever their age, with
every alert they hold.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, exists, select

from core.db import Database
from tools.alerts.models import AlertRow, DigestRow, IncidentRow, TimelineRow

_ALERTS = AlertRow.__table__  # type: ignore[attr-defined]
_INCIDENTS = IncidentRow.__table__  # type: ignore[attr-defined]
_TIMELINE = TimelineRow.__table__  # type: ignore[attr-defined]
_DIGESTS = DigestRow.__table__  # type: ignore[attr-defined]


def prune_alerts(db: Database, before: datetime) -> int:
    """Forget resolved incidents last seen before ``before`` (see the module docstring).

    Args:
        db: the SQL store.
        before: the cut-off instant.

    Returns:
        How many alerts (payloads) were deleted.
    """
    gone = (
        select(_INCIDENTS.c.id)
        .where(_INCIDENTS.c.status == "resolved", _INCIDENTS.c.last_seen < before)
        .scalar_subquery()
    )
    with db.engine.begin() as connection:
        connection.execute(delete(_TIMELINE).where(_TIMELINE.c.incident_id.in_(gone)))
        alerts = connection.execute(
            delete(_ALERTS).where(
                _ALERTS.c.incident_id.in_(gone)
                | (_ALERTS.c.incident_id.is_(None) & (_ALERTS.c.received_at < before))
            )
        ).rowcount
        connection.execute(delete(_INCIDENTS).where(_INCIDENTS.c.id.in_(gone)))
        listed = exists().where(_INCIDENTS.c.digest_id == _DIGESTS.c.id)
        connection.execute(delete(_DIGESTS).where(_DIGESTS.c.last_at < before, ~listed))
    return int(alerts)
