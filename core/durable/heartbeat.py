"""Replica heartbeats, and the sweep that hands a dead replica's runs to a live one.

Every replica upserts its row in ``durable_executor`` every ``durable_heartbeat_seconds``
(timestamps from the ``Clock``). A replica whose row is older than ``durable_dead_after_seconds``
is dead. Each live replica sweeps on the same beat; taking over a dead replica is a conditional
UPDATE that claims its row, so when two live replicas sweep at once exactly one recovers it.
A claim that was never finished (the claimer died too) lapses after the same threshold. A dead
replica that comes back resets its own row with its next heartbeat.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, or_, update
from sqlmodel import col, select

from core.clock import Clock
from core.db import Database
from core.durable.models import ExecutorHeartbeat

log = logging.getLogger(__name__)

Recover = Callable[[str], list[str]]
"""Hands a dead executor's pending runs to the live ones; returns their ids."""


@dataclass(frozen=True)
class Takeover:
    """One dead replica this replica took over.

    Attributes:
        executor_id: the dead replica.
        run_ids: its pending runs, now resumed by live replicas.
    """

    executor_id: str
    run_ids: list[str]


class Heartbeats:
    """Writes this replica's heartbeat and takes over dead replicas of the same version.

    Args:
        db: the SQL store (migrated).
        clock: the source of every timestamp.
        executor_id: this replica.
        app_version: the application version it runs.
        dead_after: how old a heartbeat is when its replica counts as dead.
    """

    def __init__(
        self,
        db: Database,
        clock: Clock,
        executor_id: str,
        app_version: str,
        dead_after: timedelta,
    ) -> None:
        """Keep what the beat and the sweep need."""
        self.db = db
        self.clock = clock
        self.executor_id = executor_id
        self.app_version = app_version
        self.dead_after = dead_after

    def beat(self, *, starting: bool = False) -> datetime:
        """Record that this replica is alive now (its row is created on the first beat).

        Args:
            starting: the replica is (re)launching: its start time is now too.
        """
        now = self.clock.now()
        with self.db.session() as session:
            row = session.get(ExecutorHeartbeat, self.executor_id)
            if row is None:
                row = ExecutorHeartbeat(
                    executor_id=self.executor_id,
                    app_version=self.app_version,
                    started_at=now,
                    last_seen_at=now,
                )
            if starting:
                row.started_at = now
            row.app_version, row.last_seen_at = self.app_version, now
            row.claimed_by = row.claimed_at = row.recovered_at = None
            session.add(row)
        return now

    def last_seen(self) -> datetime | None:
        """This replica's latest recorded heartbeat (None before the first)."""
        with self.db.session() as session:
            row = session.get(ExecutorHeartbeat, self.executor_id)
            return None if row is None else row.last_seen_at

    def dead(self) -> list[str]:
        """Replicas of this version whose heartbeat is too old and whose runs nobody holds."""
        now = self.clock.now()
        cutoff = now - self.dead_after
        query = select(ExecutorHeartbeat.executor_id).where(
            ExecutorHeartbeat.executor_id != self.executor_id,
            ExecutorHeartbeat.app_version == self.app_version,
            col(ExecutorHeartbeat.last_seen_at) < cutoff,
            col(ExecutorHeartbeat.recovered_at).is_(None),
            or_(
                col(ExecutorHeartbeat.claimed_at).is_(None),
                col(ExecutorHeartbeat.claimed_at) < cutoff,
            ),
        )
        with self.db.session() as session:
            return list(session.exec(query).all())

    def claim(self, executor_id: str) -> bool:
        """Claim the dead replica ``executor_id``; True for exactly one claimer.

        Args:
            executor_id: a replica ``dead()`` returned.
        """
        now = self.clock.now()
        cutoff = now - self.dead_after
        statement = (
            update(ExecutorHeartbeat)
            .where(
                and_(
                    col(ExecutorHeartbeat.executor_id) == executor_id,
                    col(ExecutorHeartbeat.last_seen_at) < cutoff,
                    col(ExecutorHeartbeat.recovered_at).is_(None),
                    or_(
                        col(ExecutorHeartbeat.claimed_at).is_(None),
                        col(ExecutorHeartbeat.claimed_at) < cutoff,
                    ),
                )
            )
            .values(claimed_by=self.executor_id, claimed_at=now)
        )
        with self.db.session() as session:
            return session.execute(statement).rowcount == 1  # type: ignore[attr-defined]

    def finish(self, executor_id: str) -> None:
        """Mark the claimed replica's runs as handed over.

        Args:
            executor_id: a replica this replica claimed.
        """
        with self.db.session() as session:
            session.execute(
                update(ExecutorHeartbeat)
                .where(
                    col(ExecutorHeartbeat.executor_id) == executor_id,
                    col(ExecutorHeartbeat.claimed_by) == self.executor_id,
                )
                .values(recovered_at=self.clock.now())
            )

    def sweep(self, recover: Recover) -> list[Takeover]:
        """Take over every dead replica this replica can claim.

        Args:
            recover: hands one dead executor's pending runs to the live executors.
        """
        taken: list[Takeover] = []
        for executor_id in self.dead():
            if not self.claim(executor_id):
                continue
            run_ids = recover(executor_id)
            self.finish(executor_id)
            log.info("took over %d run(s) of dead replica %s", len(run_ids), executor_id)
            taken.append(Takeover(executor_id, run_ids))
        return taken
