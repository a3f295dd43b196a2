"""How replicas coordinate: one interface for de-duplication and per-key locks.

``coordination_for(settings)`` picks the backends:

| Redis (``CF_REDIS_URL``) | database | dedupe | locks |
|---|---|---|---|
| unset | SQLite | in-process | in-process |
| unset | PostgreSQL | the database | PostgreSQL advisory locks |
| set | SQLite | Redis, else the database | Redis, else in-process |
| set | PostgreSQL | Redis, else the database | Redis, else PostgreSQL advisory locks |

"Else" is while Redis is unreachable: intake keeps working, and ``/readyz`` says degraded.

The database's dedupe needs the store (``db``) and the clock; without them (tools and tests
that only lock) the dedupe is Redis alone or in-process.

The composition root builds one ``Coordination`` per process; nothing is built at import.
"""

from __future__ import annotations

import logging
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING

from core.coordination.base import (
    DEFAULT_TTL_SECONDS,
    BackendUnavailable,
    Dedupe,
    Locks,
    LockTimeout,
)
from core.coordination.fallback import FallbackLocks
from core.coordination.fallback_dedupe import FallbackDedupe
from core.coordination.memory import MemoryDedupe, MemoryLocks
from core.coordination.postgres import PostgresLocks, advisory_key
from core.coordination.redis_backend import RedisDedupe, RedisLocks
from core.coordination.sql import SqlDedupe
from core.settings import Settings

if TYPE_CHECKING:
    from core.clock import Clock
    from core.db import Database

__all__ = [
    "DEFAULT_TTL_SECONDS",
    "BackendUnavailable",
    "Coordination",
    "Dedupe",
    "FallbackDedupe",
    "FallbackLocks",
    "LockTimeout",
    "Locks",
    "MemoryDedupe",
    "MemoryLocks",
    "PostgresLocks",
    "RedisDedupe",
    "RedisLocks",
    "SqlDedupe",
    "advisory_key",
    "coordination_for",
    "dedupe_for",
    "locks_for",
]
log = logging.getLogger(__name__)


class Coordination:
    """De-duplication (``first``) and per-key locks (``hold``) behind one object.

    It is a ``Dedupe`` and a ``Locks`` itself, so a surface that only de-duplicates and a
    service that only locks both take it.
    """

    def __init__(self, dedupe: Dedupe, locks: Locks, redis_url: str | None = None) -> None:
        """Combine a dedupe and a locks backend.

        Args:
            dedupe: the set of taken keys.
            locks: the per-key locks.
            redis_url: the Redis both use first, when configured (checked by ``degraded``).
        """
        self.dedupe = dedupe
        self.locks = locks
        self.redis_url = redis_url
        self._probe: RedisDedupe | None = None

    def degraded(self) -> list[str]:
        """What runs on its fallback now, as sentences for ``/readyz`` (empty when all is well).

        Redis is pinged (a second at most); while it does not answer, dedupe and locks use
        the database (or this process), which keeps intake working.
        """
        if not self.redis_url:
            return []
        if self._probe is None:
            self._probe = RedisDedupe(self.redis_url, probe=True)
        if self._probe.ping():
            return []
        return ["Redis unreachable: de-duplication and locks fall back to the database"]

    def first(self, key: str) -> bool:
        """Record ``key``; True only the first time it is seen within the dedupe's TTL.

        Args:
            key: e.g. ``event:T111:Ev111``.
        """
        return self.dedupe.first(key)

    def hold(self, key: str, timeout: float) -> AbstractContextManager[None]:
        """Hold the lock of ``key`` for the ``with`` block.

        Args:
            key: what to exclude on, e.g. ``conversation:T1:C1:1700000000.1``.
            timeout: seconds to wait for it.

        Raises:
            LockTimeout: it stayed held elsewhere for the whole wait.
        """
        return self.locks.hold(key, timeout)

    def prune(self) -> int:
        """Forget expired keys kept in the database (the retention sweep calls this)."""
        prune = getattr(self.dedupe, "prune", None)
        return int(prune()) if prune is not None else 0

    def close(self) -> None:
        """Release the backends' connections."""
        self.locks.close()
        if self._probe is not None:
            self._probe.close()
        close = getattr(self.dedupe, "close", None)
        if close is not None:
            close()


def dedupe_for(
    settings: Settings, db: Database | None = None, clock: Clock | None = None
) -> Dedupe:
    """Redis falling back to the database, the database alone, Redis alone, or in-process.

    Args:
        settings: runtime settings (``redis_url``, ``sql_url``).
        db: the migrated SQL store, for the database's dedupe.
        clock: the app's clock (the database's rows are stamped with it).
    """
    sql = SqlDedupe(db, clock) if db is not None and clock is not None else None
    if settings.redis_url:
        redis = RedisDedupe(settings.redis_url)
        return redis if sql is None else FallbackDedupe(redis, sql, DEFAULT_TTL_SECONDS)
    if sql is not None and _is_postgres(settings.sql_url):
        return sql
    return MemoryDedupe()


def locks_for(settings: Settings) -> Locks:
    """Redis locks falling back to the database's, or the database's alone (see module doc).

    Args:
        settings: runtime settings (``redis_url``, ``sql_url``, ``lock_lease_seconds``).
    """
    local: Locks = MemoryLocks()
    local_name = "in-process locks (this replica only)"
    if _is_postgres(settings.sql_url):
        local, local_name = PostgresLocks(settings.sql_url), "PostgreSQL advisory locks"
    if not settings.redis_url:
        return local
    redis = RedisLocks(settings.redis_url, settings.lock_lease_seconds)
    return FallbackLocks(redis, local, "Redis", local_name)


def coordination_for(
    settings: Settings, db: Database | None = None, clock: Clock | None = None
) -> Coordination:
    """The process's coordination, per ``settings`` (see the module doc for the choices).

    Args:
        settings: runtime settings.
        db: the migrated SQL store (the dedupe's record when Redis is absent or down).
        clock: the app's clock.
    """
    dedupe = dedupe_for(settings, db, clock)
    return Coordination(dedupe, locks_for(settings), settings.redis_url)


def _is_postgres(url: str) -> bool:
    return url.split(":", 1)[0].split("+", 1)[0] in ("postgresql", "postgres")
