"""A daily budget of hosted model calls per workspace, counted per UTC day on the app's clock.

Each call to a hosted model spends one from its workspace's budget for the day; once it is
spent, that workspace's turns are answered by the offline model (with a note) until the next
UTC day. The count is kept in the SQL store, or in Redis when one is configured, so every
replica shares it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Protocol

from sqlalchemy import update
from sqlmodel import Field, SQLModel, col

from core.clock import Clock
from core.db import Database
from core.settings import Settings

log = logging.getLogger(__name__)
REDIS_KEEP = timedelta(days=2)


class ModelCallCount(SQLModel, table=True):
    """Hosted model calls a workspace made on one UTC day."""

    __tablename__ = "model_call_count"

    workspace: str = Field(primary_key=True, description="Slack team id (or 'console').")
    day: date = Field(primary_key=True, description="The UTC day counted.")
    calls: int = Field(default=0, description="Model calls made that day.")


class CallCounter(Protocol):
    """Where the counts live."""

    def spend(self, workspace: str, day: date, limit: int) -> bool:
        """Count one call unless ``limit`` calls were made already; True when counted.

        Args:
            workspace: whose budget.
            day: the UTC day.
            limit: calls allowed that day.
        """
        ...


class SqlCallCounter:
    """Counts in the ``model_call_count`` table: one conditional UPDATE per call."""

    def __init__(self, db: Database) -> None:
        """Use ``db``.

        Args:
            db: the SQL store (migrated).
        """
        self.db = db

    def spend(self, workspace: str, day: date, limit: int) -> bool:
        """Count one call unless ``limit`` calls were made already; True when counted.

        Args:
            workspace: whose budget.
            day: the UTC day.
            limit: calls allowed that day.
        """
        row = ModelCallCount
        with self.db.engine.begin() as connection:
            connection.execute(self._create_row(workspace, day))
            counted = connection.execute(
                update(row)
                .where(col(row.workspace) == workspace, col(row.day) == day, col(row.calls) < limit)
                .values(calls=col(row.calls) + 1)
            )
        return bool(counted.rowcount == 1)

    def _create_row(self, workspace: str, day: date) -> Any:
        """An INSERT of the day's row at zero that does nothing when it exists."""
        statement = self.db.insert(ModelCallCount).values(workspace=workspace, day=day, calls=0)
        return statement.on_conflict_do_nothing(index_elements=["workspace", "day"])


class RedisCallCounter:
    """Counts in Redis: ``INCR`` of one key per workspace and day, kept two days."""

    def __init__(self, url: str) -> None:
        """Connect lazily to ``url``, giving up on a silent server within seconds (a model
        call must not hang on the counter).

        Args:
            url: Redis URL.
        """
        from core.coordination.redis_backend import redis_client

        self.redis = redis_client(url)

    def spend(self, workspace: str, day: date, limit: int) -> bool:
        """Count one call unless ``limit`` calls were made already; True when counted.

        Args:
            workspace: whose budget.
            day: the UTC day.
            limit: calls allowed that day.
        """
        key = f"cloudfabric:model-calls:{day.isoformat()}:{workspace}"
        pipeline = self.redis.pipeline()
        pipeline.incr(key)
        pipeline.expire(key, REDIS_KEEP)
        calls, _ = pipeline.execute()
        return int(calls) <= limit


@dataclass
class ModelBudget:
    """Hosted model calls per workspace per UTC day.

    Attributes:
        limit: calls a workspace may make per UTC day (0 = unlimited).
        counter: where the counts live.
        clock: the app's clock (the day is its UTC day).
    """

    limit: int
    counter: CallCounter
    clock: Clock

    @classmethod
    def build(cls, settings: Settings, db: Database, clock: Clock) -> ModelBudget:
        """The budget from settings, counted in Redis when configured, else in SQL.

        Args:
            settings: ``model_daily_calls_per_workspace`` and ``redis_url``.
            db: the SQL store.
            clock: the app's clock.
        """
        counter: CallCounter = (
            RedisCallCounter(settings.redis_url) if settings.redis_url else SqlCallCounter(db)
        )
        return cls(settings.model_daily_calls_per_workspace, counter, clock)

    def spend(self, workspace: str | None) -> bool:
        """Count one call for ``workspace``; False when its budget for today is spent.

        Calls outside a workspace (``cloudfabric explain``) are not counted. When the count
        cannot be kept (the store is down) the call goes ahead: a budget never blocks answers.

        Args:
            workspace: the workspace of the conversation, if any.
        """
        if self.limit <= 0 or workspace is None:
            return True
        try:
            return self.counter.spend(workspace, self.clock.today(), self.limit)
        except Exception:  # an unreachable store leaves the call uncounted
            log.warning("model call budget not counted for %s", workspace, exc_info=True)
            return True
