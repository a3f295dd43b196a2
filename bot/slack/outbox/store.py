"""What reads and writes the outbox's rows: queueing, the conditional claim, outcomes.

Every state change is a conditional UPDATE on the row, so several replicas draining the same
outbox never send one entry twice at once: a replica owns an entry while its lease runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, delete, func, or_, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased
from sqlmodel import col, select

from bot.slack.outbox.tables import DEAD, DELIVERED, PENDING, SUPERSEDED, OutboxEntry
from core.db import Database


@dataclass(frozen=True)
class Backlog:
    """The outbox at one instant, for metrics.

    Attributes:
        pending: entries not delivered yet.
        oldest_seconds: age of the oldest of them (0 when none).
        dead: entries that can never be delivered (until retried by hand).
    """

    pending: int
    oldest_seconds: float
    dead: int


class OutboxStore:
    """The ``slack_outbox`` table."""

    def __init__(self, db: Database) -> None:
        """Use ``db``.

        Args:
            db: the SQL store.
        """
        self.db = db

    def add(self, entry: OutboxEntry, supersede: bool = False) -> OutboxEntry:
        """Queue ``entry``; with ``supersede``, older unsent entries of its lane are dropped
        (a newer edit of a message replaces older ones not sent yet).

        Args:
            entry: the new row (no id yet).
            supersede: drop the lane's pending entries nobody is sending now.
        """
        with self.db.session() as session:
            if supersede:
                session.execute(
                    update(OutboxEntry)
                    .where(
                        col(OutboxEntry.lane) == entry.lane,
                        col(OutboxEntry.state) == PENDING,
                        or_(
                            col(OutboxEntry.lease_until).is_(None),
                            col(OutboxEntry.lease_until) < entry.created_at,
                        ),
                    )
                    .values(state=SUPERSEDED, finished_at=entry.created_at)
                )
            session.add(entry)
            session.flush()
            session.refresh(entry)
        return entry

    def add_once(self, entry: OutboxEntry, supersede: bool = False) -> OutboxEntry:
        """Queue ``entry`` unless an entry of the same ``origin`` was queued before; then
        that one is returned and nothing is added.

        Args:
            entry: the new row, its ``origin`` set.
            supersede: as for ``add``.
        """
        earlier = self.by_origin(str(entry.origin))
        if earlier is not None:
            return earlier
        try:
            return self.add(entry, supersede)
        except IntegrityError:  # queued by another process between the look and the insert
            found = self.by_origin(str(entry.origin))
            if found is None:
                raise
            return found

    def by_origin(self, origin: str) -> OutboxEntry | None:
        """The entry queued under ``origin``, if any.

        Args:
            origin: see ``OutboxEntry.origin``.
        """
        with self.db.session() as session:
            query = select(OutboxEntry).where(col(OutboxEntry.origin) == origin)
            return session.exec(query).first()

    def get(self, entry_id: int) -> OutboxEntry | None:
        """The entry ``entry_id``, if it exists.

        Args:
            entry_id: its id.
        """
        with self.db.session() as session:
            return session.get(OutboxEntry, entry_id)

    def posted_as(self, channel: str, ts: str) -> OutboxEntry | None:
        """The delivered post that made message ``ts`` in ``channel``, if the outbox made it.

        Args:
            channel: the message's channel (or the user id it was sent to).
            ts: its ts.
        """
        query = select(OutboxEntry).where(
            col(OutboxEntry.result_ts) == ts,
            or_(col(OutboxEntry.result_channel) == channel, col(OutboxEntry.channel) == channel),
        )
        with self.db.session() as session:
            return session.exec(query.limit(1)).first()

    def for_purpose(self, purpose: str) -> OutboxEntry | None:
        """The latest entry for ``purpose`` that is pending or delivered.

        Args:
            purpose: e.g. ``card:<approval id>``.
        """
        query = (
            select(OutboxEntry)
            .where(
                col(OutboxEntry.purpose) == purpose,
                col(OutboxEntry.state).in_((PENDING, DELIVERED)),
            )
            .order_by(col(OutboxEntry.id).desc())
        )
        with self.db.session() as session:
            return session.exec(query.limit(1)).first()

    def ready(self, now: datetime, limit: int = 50) -> list[OutboxEntry]:
        """Entries that may be sent now: due, not leased, first of their lane, and the post
        they wait for delivered.

        Args:
            now: the clock's now.
            limit: at most this many, oldest first.
        """
        entry, earlier, first = OutboxEntry, aliased(OutboxEntry), aliased(OutboxEntry)
        blocked = (
            select(earlier.id)
            .where(
                col(earlier.lane) == col(entry.lane),
                col(earlier.state) == PENDING,
                col(earlier.id) < col(entry.id),
            )
            .exists()
        )
        waiting = (
            select(first.id)
            .where(col(first.id) == col(entry.after_id), col(first.state) != DELIVERED)
            .exists()
        )
        query = (
            select(entry)
            .where(
                col(entry.state) == PENDING,
                col(entry.due_at) <= now,
                or_(col(entry.lease_until).is_(None), col(entry.lease_until) < now),
                ~blocked,
                ~waiting,
            )
            .order_by(col(entry.id))
            .limit(limit)
        )
        with self.db.session() as session:
            return list(session.exec(query).all())

    def claim(self, entry_id: int, now: datetime, lease: timedelta, replica: str) -> bool:
        """Take ``entry_id`` for sending; True for exactly one of the replicas trying.

        Args:
            entry_id: the entry.
            now: the clock's now.
            lease: how long this replica holds it.
            replica: this replica's id.
        """
        statement = (
            update(OutboxEntry)
            .where(
                and_(
                    col(OutboxEntry.id) == entry_id,
                    col(OutboxEntry.state) == PENDING,
                    or_(col(OutboxEntry.lease_until).is_(None), col(OutboxEntry.lease_until) < now),
                )
            )
            .values(lease_until=now + lease, claimed_by=replica)
        )
        return self._changed(statement)

    def delivered(self, entry_id: int, now: datetime, channel: str | None, ts: str | None) -> None:
        """Record that Slack said ok.

        Args:
            entry_id: the entry.
            now: the clock's now.
            channel: the channel Slack names in its answer.
            ts: the ts of the message it made (posts).
        """
        self._set(
            entry_id,
            state=DELIVERED,
            finished_at=now,
            lease_until=None,
            result_channel=channel,
            result_ts=ts,
            file_bytes=None,  # an uploaded file is not kept
            attempts=OutboxEntry.attempts + 1,
        )

    def retry_at(self, entry_id: int, due: datetime, error: str, counts: bool) -> None:
        """Give the entry back for another try at ``due``.

        Args:
            entry_id: the entry.
            due: not before then.
            error: Slack's error code.
            counts: it counts towards the entry's error limit (rate limits do not).
        """
        values: dict[str, Any] = {
            "due_at": due,
            "lease_until": None,
            "last_error": error[:200],
            "attempts": OutboxEntry.attempts + 1,
        }
        if counts:
            values["errors"] = OutboxEntry.errors + 1
        self._set(entry_id, **values)

    def kill(self, entry_id: int, now: datetime, error: str) -> list[OutboxEntry]:
        """Declare an entry dead, with every pending entry that needed it; returns those
        that depended on it (now dead too).

        Args:
            entry_id: the entry.
            now: the clock's now.
            error: why it can never be delivered.
        """
        self._set(
            entry_id,
            state=DEAD,
            finished_at=now,
            lease_until=None,
            last_error=error[:200],
            attempts=OutboxEntry.attempts + 1,
        )
        dependants = self._pending_after(entry_id)
        for dependant in dependants:
            assert dependant.id is not None
            self._set(dependant.id, state=DEAD, finished_at=now, last_error=f"needs #{entry_id}")
        return dependants

    def _pending_after(self, entry_id: int) -> list[OutboxEntry]:
        query = select(OutboxEntry).where(
            col(OutboxEntry.after_id) == entry_id, col(OutboxEntry.state) == PENDING
        )
        with self.db.session() as session:
            return list(session.exec(query).all())

    def withdraw(self, entry_id: int, now: datetime) -> bool:
        """Drop an entry nobody is sending (marked superseded); False when it is being sent
        or is no longer pending.

        Args:
            entry_id: the entry.
            now: the clock's now.
        """
        statement = (
            update(OutboxEntry)
            .where(
                col(OutboxEntry.id) == entry_id,
                col(OutboxEntry.state) == PENDING,
                or_(col(OutboxEntry.lease_until).is_(None), col(OutboxEntry.lease_until) < now),
            )
            .values(state=SUPERSEDED, finished_at=now)
        )
        return self._changed(statement)

    def revive(self, entry_id: int, now: datetime) -> bool:
        """Put a dead entry back in the queue (its error count reset), with the entries that
        died for needing it; False when it is not dead.

        Args:
            entry_id: the entry.
            now: the clock's now.
        """
        again = {"state": PENDING, "errors": 0, "due_at": now, "finished_at": None}
        statement = (
            update(OutboxEntry)
            .where(col(OutboxEntry.id) == entry_id, col(OutboxEntry.state) == DEAD)
            .values(lease_until=None, **again)
        )
        if not self._changed(statement):
            return False
        with self.db.session() as session:
            session.execute(
                update(OutboxEntry)
                .where(
                    col(OutboxEntry.after_id) == entry_id,
                    col(OutboxEntry.state) == DEAD,
                    col(OutboxEntry.last_error) == f"needs #{entry_id}",
                )
                .values(**again)
            )
        return True

    def purge(self, before: datetime) -> int:
        """Delete delivered and superseded entries finished before ``before`` (dead ones stay
        until retried or looked at); returns how many went. For a retention sweep.

        Args:
            before: the cut-off instant.
        """
        statement = delete(OutboxEntry).where(
            col(OutboxEntry.state).in_((DELIVERED, SUPERSEDED)),
            col(OutboxEntry.finished_at) < before,
        )
        with self.db.session() as session:
            return int(session.execute(statement).rowcount)  # type: ignore[attr-defined]

    def listing(self, state: str | None = None, limit: int = 100) -> list[OutboxEntry]:
        """Entries, newest first.

        Args:
            state: only this state, when given.
            limit: at most this many.
        """
        query = select(OutboxEntry).order_by(col(OutboxEntry.id).desc()).limit(limit)
        if state:
            query = query.where(col(OutboxEntry.state) == state)
        with self.db.session() as session:
            return list(session.exec(query).all())

    def backlog(self, now: datetime) -> Backlog:
        """How much is waiting, how old the oldest is, and how many are dead.

        Args:
            now: the clock's now.
        """
        counted = select(OutboxEntry.state, func.count(), func.min(OutboxEntry.created_at))
        with self.db.session() as session:
            rows = session.exec(counted.group_by(OutboxEntry.state)).all()
        found = {state: (count, oldest) for state, count, oldest in rows}
        pending, oldest = found.get(PENDING, (0, None))
        age = (now - as_aware(oldest)).total_seconds() if oldest is not None else 0.0
        return Backlog(pending, max(age, 0.0), found.get(DEAD, (0, None))[0])

    def _set(self, entry_id: int, **values: Any) -> None:
        with self.db.session() as session:
            session.execute(
                update(OutboxEntry).where(col(OutboxEntry.id) == entry_id).values(**values)
            )

    def _changed(self, statement: Any) -> bool:
        with self.db.session() as session:
            return bool(session.execute(statement).rowcount == 1)  # type: ignore[attr-defined]


def as_aware(moment: datetime) -> datetime:
    """An aggregate's datetime as aware UTC (``min`` bypasses the column's type on SQLite).

    Args:
        moment: a datetime or an SQLite text timestamp.
    """
    from core.clock import as_utc, parse_instant

    return parse_instant(moment) if isinstance(moment, str) else as_utc(moment)
