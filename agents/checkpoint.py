"""Checkpointers: SQLite next to the embedded store, PostgreSQL when the store is PostgreSQL."""

from __future__ import annotations

import sqlite3
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from langgraph.checkpoint.base import BaseCheckpointSaver

from core.db import DEFAULT_POOL_SIZE

# Checkpoint ids are UUIDv6 (time-ordered): the greatest id of a thread is its latest.
LATEST_PER_THREAD = (
    "SELECT thread_id, MAX(checkpoint_id) AS latest FROM checkpoints GROUP BY thread_id"
)
UUID_EPOCH = 0x01B21DD213814000  # 1582-10-15 to 1970-01-01, in 100 ns steps


def checkpoint_time(checkpoint_id: str) -> datetime:
    """When a checkpoint was written, read from its UUIDv6 id (LangGraph's ``uuid6``).

    Args:
        checkpoint_id: the checkpoint's id.
    """
    from langgraph.checkpoint.base.id import UUID

    steps = UUID(checkpoint_id).time - UUID_EPOCH
    return datetime.fromtimestamp(steps / 10_000_000, UTC)


class Checkpoints(AbstractContextManager["Checkpoints"]):
    """Owns the checkpointer and its connection."""

    def __init__(self, saver: BaseCheckpointSaver[Any], closer: Any) -> None:
        """Keep the saver and what closes its connection.

        Args:
            saver: the LangGraph checkpointer.
            closer: object with ``close()``.
        """
        self.saver = saver
        self._closer = closer

    def prune(self, before: datetime) -> int:
        """Delete every conversation whose latest checkpoint is older than ``before``.

        A conversation idle that long starts afresh when someone writes in its thread
        again. Its checkpoints and pending writes go through the saver's ``delete_thread``.

        Args:
            before: conversations last checkpointed earlier than this go.

        Returns:
            How many conversations went.
        """
        idle = [thread for thread, latest in self._latest() if checkpoint_time(latest) < before]
        for thread in idle:
            self.saver.delete_thread(thread)
        return len(idle)

    def _latest(self) -> list[tuple[str, str]]:
        """(thread id, id of its latest checkpoint) for every conversation."""
        query = LATEST_PER_THREAD
        if isinstance(self._closer, sqlite3.Connection):
            return [(row[0], row[1]) for row in self._closer.execute(query).fetchall()]
        with self._closer.connection() as connection:  # PostgreSQL pool (dict rows)
            rows = connection.execute(query).fetchall()
        return [(row["thread_id"], row["latest"]) for row in rows]

    def close(self) -> None:
        """Close the underlying connection."""
        self._closer.close()

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_checkpoints(
    sql_url: str, data_dir: Path, pool_size: int = DEFAULT_POOL_SIZE
) -> Checkpoints:
    """A PostgresSaver for a PostgreSQL store, else a SqliteSaver under ``data_dir``.

    Args:
        sql_url: the SQL store URL (decides the backend).
        data_dir: folder for the SQLite checkpoint file.
        pool_size: most connections the PostgreSQL saver opens.
    """
    if sql_url.startswith("postgresql"):
        return _postgres(sql_url, pool_size)
    from langgraph.checkpoint.sqlite import SqliteSaver

    data_dir.mkdir(parents=True, exist_ok=True)
    connection = sqlite3.connect(data_dir / "checkpoints.db", check_same_thread=False)
    saver = SqliteSaver(connection)
    saver.setup()
    return Checkpoints(saver, connection)


def _postgres(sql_url: str, pool_size: int) -> Checkpoints:
    from langgraph.checkpoint.postgres import PostgresSaver
    from psycopg.rows import dict_row
    from psycopg_pool import ConnectionPool

    from core.db import schema_lock

    conninfo = "postgresql://" + sql_url.split("://", 1)[1]
    pool = ConnectionPool(
        conninfo,
        max_size=pool_size,
        kwargs={"autocommit": True, "prepare_threshold": 0, "row_factory": dict_row},
        open=True,
    )
    saver = PostgresSaver(pool)  # type: ignore[arg-type]
    with schema_lock(sql_url):  # replicas starting at once set the tables up one at a time
        saver.setup()
    return Checkpoints(saver, pool)
