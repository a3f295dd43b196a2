"""Locks as PostgreSQL advisory locks, for replicas that share a database but no Redis.

Each held lock is a session-level ``pg_advisory_lock`` on a 64-bit hash of its key, taken on a
connection of this module's own small pool and kept for the ``with`` block; the connection is
idle (no open transaction) meanwhile. PostgreSQL drops the lock when that session ends, so a
replica that dies lets go at once.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, create_engine, text
from sqlalchemy.exc import DBAPIError, OperationalError

from core.coordination.base import LockTimeout

log = logging.getLogger(__name__)
LOCK_NOT_AVAILABLE = "55P03"


def advisory_key(key: str) -> int:
    """The signed 64-bit advisory-lock id of ``key`` (a stable hash, the same in every process).

    Args:
        key: the lock's key.
    """
    digest = hashlib.blake2b(f"cloudfabric:lock:{key}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


class PostgresLocks:
    """Advisory locks on a PostgreSQL database, each on a connection of its own."""

    def __init__(self, url: str, pool_size: int = 5) -> None:
        """Open (lazily) a pool for lock sessions.

        Args:
            url: SQLAlchemy URL of the database (``postgresql+psycopg://...``).
            pool_size: connections kept open; more are opened while more locks are held.
        """
        if url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
        self._engine = create_engine(url, pool_size=pool_size, max_overflow=50, pool_pre_ping=True)

    @contextmanager
    def hold(self, key: str, timeout: float) -> Iterator[None]:
        """Hold the advisory lock of ``key`` for the ``with`` block.

        Args:
            key: what to exclude on.
            timeout: seconds to wait for it (PostgreSQL's ``lock_timeout`` for the wait).

        Raises:
            LockTimeout: another session held it for the whole wait.
        """
        lock_id = advisory_key(key)
        with self._engine.connect() as connection:
            _acquire(connection, lock_id, key, timeout)
            try:
                yield
            finally:
                _release(connection, lock_id, key)

    def close(self) -> None:
        """Close the pool's connections."""
        self._engine.dispose()


def _acquire(connection: Connection, lock_id: int, key: str, timeout: float) -> None:
    """Wait at most ``timeout`` for the lock; the setting is local to the transaction, and the
    commit ends the transaction, not the session's lock."""
    wait = f"{max(int(timeout * 1000), 1)}ms"
    try:
        connection.execute(text("SELECT set_config('lock_timeout', :wait, true)"), {"wait": wait})
        connection.execute(text("SELECT pg_advisory_lock(:id)"), {"id": lock_id})
    except OperationalError as error:
        connection.rollback()
        if getattr(error.orig, "sqlstate", None) == LOCK_NOT_AVAILABLE:
            raise LockTimeout(key, timeout) from None
        raise
    connection.commit()


def _release(connection: Connection, lock_id: int, key: str) -> None:
    """Unlock before the connection goes back to the pool; a broken session is dropped
    (PostgreSQL already let go of its locks)."""
    try:
        unlock = text("SELECT pg_advisory_unlock(:id)")
        released = connection.execute(unlock, {"id": lock_id}).scalar()
        connection.commit()
    except DBAPIError as error:
        log.warning("could not unlock %s (%s); dropping its session", key, error)
        connection.invalidate()
        return
    if not released:
        log.warning("advisory lock of %s was not held when released", key)
