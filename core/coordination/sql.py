"""De-duplication in the SQL store: the record every replica sharing the database sees.

A key is a row of ``coordination_dedupe``; taking it is one ``INSERT ... ON CONFLICT`` that
only succeeds for a new key or one whose row is older than the TTL, so of several replicas
taking a key at once exactly one wins. Expired rows are pruned by the retention sweep.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Field, SQLModel, col, delete

from core.clock import Clock
from core.coordination.base import DEFAULT_TTL_SECONDS
from core.db import Database, utc_column


class DedupeKey(SQLModel, table=True):
    """One taken key (a Slack event, a message), shared by every replica."""

    __tablename__ = "coordination_dedupe"

    key: str = Field(primary_key=True, max_length=300, description="e.g. event:T1:Ev1.")
    taken_at: datetime = Field(
        sa_column=utc_column(nullable=False, index=True),
        description="When it was (last) taken; a row older than the TTL counts as free.",
    )


class SqlDedupe:
    """A TTL set in the SQL store (``INSERT ... ON CONFLICT DO UPDATE WHERE expired``)."""

    def __init__(self, db: Database, clock: Clock, ttl_seconds: float = DEFAULT_TTL_SECONDS):
        """Use ``db`` (migrated) for the keys.

        Args:
            db: the SQL store.
            clock: where "now" comes from.
            ttl_seconds: how long a key is remembered.
        """
        self.db = db
        self.clock = clock
        self.ttl = timedelta(seconds=ttl_seconds)

    def first(self, key: str) -> bool:
        """Record ``key``; True only the first time it is seen within the TTL.

        Args:
            key: e.g. ``event:T111:Ev111``.
        """
        now = self.clock.now()
        table = DedupeKey.__table__  # type: ignore[attr-defined]
        statement = self.db.insert(DedupeKey).values(key=key, taken_at=now)
        statement = statement.on_conflict_do_update(
            index_elements=["key"],
            set_={"taken_at": now},
            where=table.c.taken_at < now - self.ttl,
        ).returning(table.c.key)
        with self.db.session() as session:
            return session.execute(statement).first() is not None

    def prune(self) -> int:
        """Delete the keys older than the TTL; how many went."""
        cutoff = self.clock.now() - self.ttl
        with self.db.session() as session:
            result = session.execute(delete(DedupeKey).where(col(DedupeKey.taken_at) < cutoff))
            return int(result.rowcount)  # type: ignore[attr-defined]

    def close(self) -> None:
        """Nothing to release (the store is the app's)."""
