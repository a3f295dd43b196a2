"""How replicas coordinate: one interface for de-duplication and per-key locks.

``coordination_for(settings)`` picks the backends:

| Redis (``CF_REDIS_URL``) | database | dedupe | locks |
|---|---|---|---|
| unset | SQLite | in-process | in-process |
| unset | PostgreSQL | in-process | PostgreSQL advisory locks |
| set | SQLite | Redis | Redis, in-process while Redis is unreachable |
| set | PostgreSQL | Redis | Redis, PostgreSQL advisory locks while Redis is unreachable |

The composition root builds one ``Coordination`` per process; nothing is built at import.
"""

from __future__ import annotations

import logging
from contextlib import AbstractContextManager

from core.coordination.base import (
    DEFAULT_TTL_SECONDS,
    BackendUnavailable,
    Dedupe,
    Locks,
    LockTimeout,
)
from core.coordination.fallback import FallbackLocks
from core.coordination.memory import MemoryDedupe, MemoryLocks
from core.coordination.postgres import PostgresLocks, advisory_key
from core.coordination.redis_backend import RedisDedupe, RedisLocks
from core.settings import Settings

__all__ = [
    "DEFAULT_TTL_SECONDS",
    "BackendUnavailable",
    "Coordination",
    "Dedupe",
    "FallbackLocks",
    "LockTimeout",
    "Locks",
    "MemoryDedupe",
    "MemoryLocks",
    "PostgresLocks",
    "RedisDedupe",
    "RedisLocks",
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

    def __init__(self, dedupe: Dedupe, locks: Locks) -> None:
        """Combine a dedupe and a locks backend.

        Args:
            dedupe: the set of taken keys.
            locks: the per-key locks.
        """
        self.dedupe = dedupe
        self.locks = locks

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

    def close(self) -> None:
        """Release the backends' connections."""
        self.locks.close()
        close = getattr(self.dedupe, "close", None)
        if close is not None:
            close()


def dedupe_for(settings: Settings) -> Dedupe:
    """Redis when ``redis_url`` is set, in-process otherwise.

    Args:
        settings: runtime settings.
    """
    if settings.redis_url:
        return RedisDedupe(settings.redis_url)
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


def coordination_for(settings: Settings) -> Coordination:
    """The process's coordination, per ``settings`` (see the module doc for the choices).

    Args:
        settings: runtime settings.
    """
    return Coordination(dedupe_for(settings), locks_for(settings))


def _is_postgres(url: str) -> bool:
    return url.split(":", 1)[0].split("+", 1)[0] in ("postgresql", "postgres")
