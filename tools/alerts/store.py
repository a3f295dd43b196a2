"""Accepted alerts are written to SQL, once each, and grouped, in a transaction that commits
before the sender is answered (so an alert acknowledged is never lost).

Deliveries that arrive together share one commit (group commit): the first caller writes
every delivery queued while it works, so a storm costs one commit per batch, not per alert,
and no one waits behind a queue of single-alert transactions. Each alert in it is a few
statements built once (insert, the grouping query and write, filing it under its incident):
no ORM object is loaded or flushed on the way to the 200.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy import bindparam, text, update
from sqlmodel import Session, col, select

from core.clock import Clock
from core.db import SQLITE_BUSY_MS, Database
from tools.alerts import silences, timeline
from tools.alerts.grouping import GroupingRules, Placement, place
from tools.alerts.models import Alert, AlertRow, IncidentRow

# PostgreSQL advisory lock grouping runs under, so replicas do not open twin incidents.
GROUPING_LOCK_ID = 0x43462D616C657274  # "CF-alert"
MOMENTS = {"opened": "fired", "reopened": "reopened", "resolved": "resolved"}
"""Placements that are a moment of the incident's timeline (a repeat is not)."""
_TABLE = AlertRow.__table__  # type: ignore[attr-defined]
_FILED = (
    update(_TABLE)
    .where(_TABLE.c.id == bindparam("alert_id"))
    .values(incident_id=bindparam("incident"))
)
"""Files a stored alert under its incident (built once, no ORM object loaded)."""


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
        self._queued: list[_Delivery] = []
        self._state = threading.Lock()
        self._writing = False
        self._insert = (  # built once: each alert is only its parameters
            db.insert(AlertRow)
            .on_conflict_do_nothing(index_elements=["dedupe_key"])
            .returning(_TABLE.c.id)
        )

    def accept(self, alerts: Sequence[Alert]) -> StoreResult:
        """Store each alert not stored before and put it into its incident; commit.

        Returns once the delivery's transaction committed (possibly shared with deliveries
        that arrived meanwhile).

        Args:
            alerts: the alerts of one delivery.

        Raises:
            Exception: whatever stopped this delivery's own transaction from committing.
        """
        delivery = _Delivery(list(alerts))
        with self._state:
            self._queued.append(delivery)
            leads, self._writing = not self._writing, True
        if not leads:
            delivery.wake.wait()  # written by the writer of the moment, or asked to write next
        if not delivery.written:
            self._write_queued()
        if delivery.error is not None:
            raise delivery.error
        return delivery.result

    def _write_queued(self) -> None:
        """Commit every queued delivery (this caller's included), then hand the pen on."""
        with self._state:
            batch, self._queued = self._queued, []
        try:
            self._write(batch)
        except Exception:  # noqa: BLE001 - one bad delivery must not fail the others
            for delivery in batch:
                try:
                    self._write([delivery])
                except Exception as error:  # noqa: BLE001 - raised to that sender alone
                    delivery.error = error
        with self._state:
            following = self._queued[0] if self._queued else None
            self._writing = following is not None
        for delivery in batch:
            delivery.written = True
            delivery.wake.set()
        if following is not None:  # deliveries that came meanwhile: their first one writes
            following.wake.set()

    def _write(self, batch: list[_Delivery]) -> None:
        """Store and group the batch's alerts in one transaction; fill each delivery's result."""
        results = [StoreResult() for _ in batch]
        with self.db.session() as session:
            if self.db.is_sqlite:
                _sqlite_write_lock(session.connection().connection.dbapi_connection)
            else:
                session.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": GROUPING_LOCK_ID})
            holding = silences.active(session, self.clock.now())
            for delivery, result in zip(batch, results, strict=True):
                for alert in delivery.alerts:
                    self._record(session, alert, result, holding)
        for delivery, result in zip(batch, results, strict=True):
            delivery.result = result

    def _record(
        self,
        session: Session,
        alert: Alert,
        result: StoreResult,
        holding: list[silences.SilenceRow],
    ) -> None:
        """Store and group one alert, counting it in ``result``."""
        placement = self._accept_one(session, alert)
        if placement is None:
            result.duplicates += 1
            return
        silence = silences.first_match(holding, alert)
        if silence is not None:  # stored and grouped, but kept off Slack
            session.execute(
                update(AlertRow)
                .where(col(AlertRow.dedupe_key) == alert.dedupe_key())
                .values(silence_id=silence.id)
            )
            placement = replace(placement, notify=False)
        result.accepted += 1
        _remember(result.incidents, placement.incident_id)
        if placement.notify:
            _remember(result.notify, placement.incident_id)

    def _accept_one(self, session: Session, alert: Alert) -> Placement | None:
        """Insert the alert (None when its dedupe key is taken), then group it."""
        now = self.clock.now()
        connection = session.connection()
        alert_id = connection.execute(self._insert, _row_values(alert, now)).scalar()
        if alert_id is None:
            return None
        placement = place(session, alert, now, self.rules)
        if placement.change in MOMENTS:
            at = (alert.ends_at if placement.change == "resolved" else alert.starts_at) or now
            kind = MOMENTS[placement.change]
            timeline.add(session, placement.incident_id, kind, at, None, alert.title)
        connection.execute(_FILED, {"alert_id": alert_id, "incident": placement.incident_id})
        return placement

    def alerts(self) -> list[AlertRow]:
        """Every stored alert, oldest first."""
        with self.db.session() as session:
            return list(session.exec(select(AlertRow).order_by(col(AlertRow.id))))

    def incidents(self) -> list[IncidentRow]:
        """Every incident, oldest first."""
        with self.db.session() as session:
            return list(session.exec(select(IncidentRow).order_by(col(IncidentRow.id))))


@dataclass
class _Delivery:
    """One sender's alerts waiting for their commit."""

    alerts: list[Alert]
    wake: threading.Event = field(default_factory=threading.Event)
    """Set when the delivery was written, or when it is its turn to write."""
    written: bool = False
    """Whether its transaction ended (committed, or failed with ``error``)."""
    result: StoreResult = field(default_factory=StoreResult)
    error: Exception | None = None


def _sqlite_write_lock(dbapi: Any, patience: float = 30.0) -> None:
    """Begin the transaction holding SQLite's write lock, polling for it every half millisecond.

    SQLite's own busy handler sleeps 1, 2, 5, 10, 15, 20, 25... ms between tries, so an intake
    that meets another writer's few-millisecond commit (the Slack outbox, in the same file)
    would sleep tens of milliseconds past it; polling finely takes the lock soon after it is
    free. Holding it from the start also keeps another process from grouping at the same time.

    Args:
        dbapi: the session's sqlite3 connection, not yet in a transaction.
        patience: seconds to wait for the lock before giving up ("database is locked").
    """
    cursor = dbapi.cursor()
    cursor.execute("PRAGMA busy_timeout=0")
    deadline = time.monotonic() + patience
    try:
        while True:
            try:
                cursor.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as locked:
                if "locked" not in str(locked) or time.monotonic() > deadline:
                    raise
                time.sleep(0.0005)
    finally:
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_MS}")
        cursor.close()


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
