"""In-process dedupe and locks: the embedded default (one process only)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from core.coordination.base import DEFAULT_TTL_SECONDS, LockTimeout


class MemoryDedupe:
    """In-process TTL set (one process only)."""

    def __init__(self, ttl_seconds: float = DEFAULT_TTL_SECONDS) -> None:
        """Create an empty set.

        Args:
            ttl_seconds: how long a key is remembered.
        """
        self.ttl = ttl_seconds
        self._seen: dict[str, float] = {}
        self._lock = threading.Lock()

    def first(self, key: str) -> bool:
        """Record ``key``; True only the first time it is seen within the TTL.

        Args:
            key: e.g. ``event:T111:Ev111``.
        """
        now = time.monotonic()
        with self._lock:
            self._forget_older_than(now - self.ttl)
            if key in self._seen:
                return False
            self._seen[key] = now
            return True

    def _forget_older_than(self, cutoff: float) -> None:
        """Drop expired keys: they are in insertion (time) order, so stop at a live one."""
        while self._seen:
            oldest = next(iter(self._seen))
            if self._seen[oldest] >= cutoff:
                return
            del self._seen[oldest]

    def close(self) -> None:
        """Nothing to release."""


@dataclass
class _Entry:
    lock: threading.Lock = field(default_factory=threading.Lock)
    users: int = 0


class MemoryLocks:
    """One ``threading.Lock`` per key, forgotten once nobody holds or waits for it."""

    def __init__(self) -> None:
        """No key is held."""
        self._guard = threading.Lock()
        self._entries: dict[str, _Entry] = {}

    @contextmanager
    def hold(self, key: str, timeout: float) -> Iterator[None]:
        """Hold the lock of ``key`` for the ``with`` block.

        Args:
            key: what to exclude on, e.g. ``conversation:T1:C1:1700000000.1``.
            timeout: seconds to wait for it.

        Raises:
            LockTimeout: another thread held it for the whole wait.
        """
        entry = self._enter(key)
        try:
            if not entry.lock.acquire(timeout=max(timeout, 0)):
                raise LockTimeout(key, timeout)
            try:
                yield
            finally:
                entry.lock.release()
        finally:
            self._leave(key, entry)

    def _enter(self, key: str) -> _Entry:
        with self._guard:
            entry = self._entries.setdefault(key, _Entry())
            entry.users += 1
            return entry

    def _leave(self, key: str, entry: _Entry) -> None:
        with self._guard:
            entry.users -= 1
            if entry.users == 0:
                del self._entries[key]

    def __len__(self) -> int:
        """How many keys are held or waited for."""
        with self._guard:
            return len(self._entries)

    def close(self) -> None:
        """Nothing to release."""
