"""Checkpointers: SQLite next to the embedded store, PostgreSQL when the store is PostgreSQL."""

from __future__ import annotations

import sqlite3
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

from langgraph.checkpoint.base import BaseCheckpointSaver


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

    def close(self) -> None:
        """Close the underlying connection."""
        self._closer.close()

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_checkpoints(sql_url: str, data_dir: Path) -> Checkpoints:
    """A PostgresSaver for a PostgreSQL store, else a SqliteSaver under ``data_dir``.

    Args:
        sql_url: the SQL store URL (decides the backend).
        data_dir: folder for the SQLite checkpoint file.
    """
    if sql_url.startswith("postgresql"):
        return _postgres(sql_url)
    from langgraph.checkpoint.sqlite import SqliteSaver

    data_dir.mkdir(parents=True, exist_ok=True)
    connection = sqlite3.connect(data_dir / "checkpoints.db", check_same_thread=False)
    saver = SqliteSaver(connection)
    saver.setup()
    return Checkpoints(saver, connection)


def _postgres(sql_url: str) -> Checkpoints:
    from langgraph.checkpoint.postgres import PostgresSaver
    from psycopg.rows import dict_row
    from psycopg_pool import ConnectionPool

    from core.db import schema_lock

    conninfo = "postgresql://" + sql_url.split("://", 1)[1]
    pool = ConnectionPool(
        conninfo,
        max_size=10,
        kwargs={"autocommit": True, "prepare_threshold": 0, "row_factory": dict_row},
        open=True,
    )
    saver = PostgresSaver(pool)  # type: ignore[arg-type]
    with schema_lock(sql_url):  # replicas starting at once set the tables up one at a time
        saver.setup()
    return Checkpoints(saver, pool)
