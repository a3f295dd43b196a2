"""Storms: how many incidents may open a thread of their own in a channel, and the digest that
lists the others.

The rule: within any ``window`` (``alerts_storm_window_seconds``), at most ``threads``
(``alerts_storm_threads``) incidents queue a thread root in one channel. An incident beyond
that is listed in the channel's current digest instead: one message per channel and storm,
edited as incidents join it and as their alerts repeat or resolve. A digest stays current
while incidents keep joining it (each within ``window`` of the last) and until it lists
``DIGEST_CAPACITY`` incidents. Nothing is dropped: every incident has a root or a digest line.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func
from sqlmodel import col, select, update

from core.db import Database
from core.settings import Settings
from tools.alerts.models import DigestRow, IncidentRow

DIGEST_CAPACITY = 300
"""Incidents one digest lists before the next storm incident starts another digest."""


@dataclass(frozen=True)
class StormRules:
    """How many threads a channel gets per window.

    Attributes:
        threads: incidents that may open their own thread within ``window``.
        window: how far back threads (and digest joins) are counted.
    """

    threads: int
    window: timedelta

    @classmethod
    def from_settings(cls, settings: Settings) -> StormRules:
        """The rules the settings give.

        Args:
            settings: ``alerts_storm_threads`` and ``alerts_storm_window_seconds``.
        """
        window = timedelta(seconds=settings.alerts_storm_window_seconds)
        return cls(threads=settings.alerts_storm_threads, window=window)


def recent_threads(db: Database, channel: str, since: datetime) -> int:
    """Incidents that queued their own thread root in ``channel`` since ``since``.

    Args:
        db: the SQL store.
        channel: the channel.
        since: the start of the window.
    """
    query = select(func.count(col(IncidentRow.id))).where(
        IncidentRow.channel == channel, col(IncidentRow.root_at) >= since
    )
    with db.session() as session:
        return int(session.exec(query).one())


def digest_for(db: Database, channel: str, now: datetime, rules: StormRules) -> int | None:
    """The digest a new incident in ``channel`` is listed in; None when it gets its own thread.

    A storm's digest is made when the first incident goes beyond the limit.

    Args:
        db: the SQL store.
        channel: the channel.
        now: the clock's now.
        rules: the storm rules.
    """
    if recent_threads(db, channel, now - rules.window) < rules.threads:
        return None
    listed = (
        select(func.count(col(IncidentRow.id)))
        .where(IncidentRow.digest_id == DigestRow.id)
        .scalar_subquery()
    )
    current = (
        select(DigestRow.id)
        .where(
            DigestRow.channel == channel,
            col(DigestRow.last_at) >= now - rules.window,
            listed < DIGEST_CAPACITY,
        )
        .order_by(col(DigestRow.id).desc())
        .limit(1)
    )
    with db.session() as session:
        found = session.exec(current).first()
        if found is not None:
            return found
        digest = DigestRow(channel=channel, opened_at=now, last_at=now)
        session.add(digest)
        session.flush()
        assert digest.id is not None
        return digest.id


def list_in(db: Database, incident_id: int, digest_id: int, channel: str, now: datetime) -> bool:
    """Record that the digest lists the incident (unless it has a root or a digest already).

    Args:
        db: the SQL store.
        incident_id: the incident.
        digest_id: the digest.
        channel: the digest's channel.
        now: the clock's now.
    """
    listed = (
        update(IncidentRow)
        .where(
            col(IncidentRow.id) == incident_id,
            col(IncidentRow.message_ts).is_(None),
            col(IncidentRow.digest_id).is_(None),
        )
        .values(digest_id=digest_id, channel=channel)
    )
    touched = update(DigestRow).where(col(DigestRow.id) == digest_id).values(last_at=now)
    with db.session() as session:
        done = bool(session.execute(listed).rowcount)  # type: ignore[attr-defined]
        if done:
            session.execute(touched)
        return done


def digest_of(db: Database, digest_id: int) -> tuple[DigestRow, list[IncidentRow]] | None:
    """The digest and the incidents it lists, oldest first.

    Args:
        db: the SQL store.
        digest_id: the digest.
    """
    query = (
        select(IncidentRow).where(IncidentRow.digest_id == digest_id).order_by(col(IncidentRow.id))
    )
    with db.session() as session:
        digest = session.get(DigestRow, digest_id)
        if digest is None:
            return None
        return digest, list(session.exec(query))


def record_digest_message(db: Database, digest_id: int, ref: str) -> bool:
    """Remember where the digest's message is, unless it was recorded already.

    Args:
        db: the SQL store.
        digest_id: the digest.
        ref: its ts or outbox name.
    """
    statement = (
        update(DigestRow)
        .where(col(DigestRow.id) == digest_id, col(DigestRow.message_ts).is_(None))
        .values(message_ts=ref)
    )
    with db.session() as session:
        return bool(session.execute(statement).rowcount)  # type: ignore[attr-defined]
