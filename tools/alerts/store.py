"""Accepted alerts are written to SQL, once each, and grouped, in one transaction that commits
before the sender is answered (so an alert acknowledged is never lost)."""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence

from pydantic import BaseModel, Field
from sqlalchemy import text
from sqlmodel import Session, col, select

from core.clock import Clock
from core.db import Database
from tools.alerts import timeline
from tools.alerts.grouping import GroupingRules, Placement, place
from tools.alerts.models import Alert, AlertRow, IncidentRow

# PostgreSQL advisory lock grouping runs under, so replicas do not open twin incidents.
GROUPING_LOCK_ID = 0x43462D616C657274  # "CF-alert"
MOMENTS = {"opened": "fired", "reopened": "reopened", "resolved": "resolved"}
"""Placements that are a moment of the incident's timeline (a repeat is not)."""


class StoreResult(BaseModel):
    """What happened to the alerts of one delivery."""

    accepted: int = Field(default=0, description="Alerts stored now.")
    duplicates: int = Field(default=0, description="Alerts already stored (dropped).")
    incidents: list[int] = Field(default_factory=list, description="Incidents they went to.")
    notify: list[int] = Field(
        default_factory=list, description="Incidents whose thread should hear of it."
    )


class AlertStore:
    """Stores and groups alerts.

    Args:
        db: the SQL store.
        clock: the one clock (received times, grouping windows).
        rules: grouping rules.
    """

    def __init__(self, db: Database, clock: Clock, rules: GroupingRules) -> None:
        """Keep the store, the clock and the rules."""
        self.db = db
        self.clock = clock
        self.rules = rules
        self._lock = threading.Lock()

    def accept(self, alerts: Sequence[Alert]) -> StoreResult:
        """Store each alert not stored before and put it into its incident; commit.

        Args:
            alerts: the alerts of one delivery.
        """
        result = StoreResult()
        with self._lock, self.db.session() as session:
            if not self.db.is_sqlite:
                session.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": GROUPING_LOCK_ID})
            for alert in alerts:
                placement = self._accept_one(session, alert)
                if placement is None:
                    result.duplicates += 1
                    continue
                result.accepted += 1
                _remember(result.incidents, placement.incident_id)
                if placement.notify:
                    _remember(result.notify, placement.incident_id)
        return result

    def _accept_one(self, session: Session, alert: Alert) -> Placement | None:
        """Insert the alert (None when its dedupe key is taken), then group it."""
        now = self.clock.now()
        statement = (
            self.db.insert(AlertRow)
            .values(**_row_values(alert, now))
            .on_conflict_do_nothing(index_elements=["dedupe_key"])
            .returning(col(AlertRow.id))
        )
        alert_id = session.execute(statement).scalar()
        if alert_id is None:
            return None
        placement = place(session, alert, now, self.rules)
        if placement.change in MOMENTS:
            at = (alert.ends_at if placement.change == "resolved" else alert.starts_at) or now
            kind = MOMENTS[placement.change]
            timeline.add(session, placement.incident_id, kind, at, None, alert.title)
        row = session.get(AlertRow, alert_id)
        assert row is not None
        row.incident_id = placement.incident_id
        session.add(row)
        session.flush()
        return placement

    def alerts(self) -> list[AlertRow]:
        """Every stored alert, oldest first."""
        with self.db.session() as session:
            return list(session.exec(select(AlertRow).order_by(col(AlertRow.id))))

    def incidents(self) -> list[IncidentRow]:
        """Every incident, oldest first."""
        with self.db.session() as session:
            return list(session.exec(select(IncidentRow).order_by(col(IncidentRow.id))))


def _remember(ids: list[int], incident_id: int) -> None:
    if incident_id not in ids:
        ids.append(incident_id)


def _row_values(alert: Alert, now: object) -> dict[str, object]:
    """Column values of the alert's row."""
    return {
        "dedupe_key": alert.dedupe_key(),
        "source": alert.source,
        "fingerprint": alert.fingerprint,
        "status": alert.status,
        "severity": alert.severity,
        "title": alert.title,
        "description": alert.description,
        "resource": alert.resource,
        "labels_json": json.dumps(alert.labels, sort_keys=True),
        "account": alert.account,
        "region": alert.region,
        "starts_at": alert.starts_at,
        "ends_at": alert.ends_at,
        "group_key": alert.group_key,
        "received_at": now,
        "raw_json": json.dumps(alert.raw, sort_keys=True, default=str),
    }
