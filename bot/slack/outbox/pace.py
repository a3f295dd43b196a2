"""Slack's per-channel rate, shared by the replicas: a generic cell rate algorithm on a row.

Each channel has a theoretical arrival time (TAT). A write may go when ``TAT - burst_window``
has passed; it moves the TAT one interval on. Taking a slot is a compare-and-set UPDATE on the
row, so two replicas never take the same slot. A 429 for the channel pushes its TAT past the
``Retry-After`` Slack gave.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import col

from bot.slack.outbox.tables import ChannelPace
from core.db import Database


class ChannelPacer:
    """Writes per channel: ``burst`` at once, then one per ``interval``."""

    def __init__(self, db: Database, interval: timedelta, burst: int) -> None:
        """Pace writes in ``db``'s ``slack_outbox_pace`` table.

        Args:
            db: the SQL store.
            interval: least time between two writes to a channel, once the burst is spent.
            burst: writes allowed at once.
        """
        self.db, self.interval = db, interval
        self.window = interval * (burst - 1)

    def take(self, channel: str, now: datetime) -> datetime | None:
        """Take a slot to write to ``channel`` now; None when taken, else when to come back.

        Args:
            channel: the channel (or user id) written to.
            now: the clock's now.
        """
        if self.interval <= timedelta(0):
            return None
        current = self._tat(channel, now)
        if current - self.window > now:
            return current - self.window
        following = max(current, now) + self.interval
        return None if self._move(channel, current, following) else now + self.interval

    def hold(self, channel: str, until: datetime) -> None:
        """No write to ``channel`` before ``until`` (Slack's ``Retry-After``).

        Args:
            channel: the channel.
            until: the instant Slack allows again.
        """
        with self.db.session() as session:
            session.execute(
                update(ChannelPace)
                .where(col(ChannelPace.channel) == channel, col(ChannelPace.next_at) < until)
                .values(next_at=until + self.window)
            )

    def _tat(self, channel: str, now: datetime) -> datetime:
        with self.db.session() as session:
            row = session.get(ChannelPace, channel)
            if row is not None:
                return row.next_at
        insert = self.db.insert(ChannelPace).values(channel=channel, next_at=now)
        with self.db.session() as session:
            session.execute(insert.on_conflict_do_nothing(index_elements=["channel"]))
            row = session.get(ChannelPace, channel)
            assert row is not None
            return row.next_at

    def _move(self, channel: str, current: datetime, following: datetime) -> bool:
        statement = (
            update(ChannelPace)
            .where(col(ChannelPace.channel) == channel, col(ChannelPace.next_at) == current)
            .values(next_at=following)
        )
        with self.db.session() as session:
            return bool(session.execute(statement).rowcount == 1)  # type: ignore[attr-defined]
