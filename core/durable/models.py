"""The durable engine's own rows in the SQL store: replica heartbeats and schedule cursors.

DBOS keeps its runs in its system database; these two tables are CloudFabric's, migrated by
the ``durable`` Alembic branch, and every timestamp in them comes from the ``Clock``.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from core.db import utc_column


class ExecutorHeartbeat(SQLModel, table=True):
    """One replica of the durable engine: when it was last alive, and who took over its runs."""

    __tablename__ = "durable_executor"

    executor_id: str = Field(primary_key=True, max_length=200, description="DBOS executor id.")
    app_version: str = Field(max_length=100, description="Application version it runs.")
    started_at: datetime = Field(
        sa_column=utc_column(nullable=False), description="When it (last) launched."
    )
    last_seen_at: datetime = Field(
        sa_column=utc_column(nullable=False), description="Its latest heartbeat."
    )
    claimed_by: str | None = Field(
        default=None,
        max_length=200,
        description="The live replica recovering its runs after it died (None while alive).",
    )
    claimed_at: datetime | None = Field(
        default=None,
        sa_column=utc_column(nullable=True),
        description="When that claim was made; a claim older than the dead threshold lapses.",
    )
    recovered_at: datetime | None = Field(
        default=None,
        sa_column=utc_column(nullable=True),
        description="When its pending runs were handed to a live replica (None until then).",
    )


class ScheduleCursor(SQLModel, table=True):
    """How far the ticker has fired one schedule, shared by every replica."""

    __tablename__ = "durable_schedule_cursor"

    schedule_id: str = Field(primary_key=True, max_length=200, description="The schedule's id.")
    last_fire_at: datetime = Field(
        sa_column=utc_column(nullable=False),
        description="The latest fire time a run was started for (or skipped past).",
    )
