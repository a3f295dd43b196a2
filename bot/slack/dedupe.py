"""Remembers which Slack events were already taken, so a retried event never runs twice.

Redis (``SET NX EX``) when ``CF_REDIS_URL`` is set, shared by every replica; an in-process
TTL set otherwise.
"""

from __future__ import annotations

import threading
import time
from typing import Protocol

from core.settings import Settings

DEFAULT_TTL_SECONDS = 3600


class Dedupe(Protocol):
    """A set of keys that forgets entries after a TTL."""

    def first(self, key: str) -> bool:
        """Record ``key``; True only the first time it is seen within the TTL."""
        ...


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


class RedisDedupe:
    """Redis-backed set shared by every replica."""

    def __init__(self, url: str, ttl_seconds: int = DEFAULT_TTL_SECONDS) -> None:
        """Connect lazily to Redis.

        Args:
            url: Redis URL.
            ttl_seconds: how long a key is remembered.
        """
        import redis

        self.ttl = ttl_seconds
        self._redis = redis.Redis.from_url(url)

    def first(self, key: str) -> bool:
        """Record ``key``; True only the first time it is seen within the TTL.

        Args:
            key: e.g. ``event:T111:Ev111``.
        """
        return bool(self._redis.set(f"cloudfabric:dedupe:{key}", b"1", nx=True, ex=self.ttl))


def dedupe_for(settings: Settings) -> Dedupe:
    """Redis when ``redis_url`` is set, in-process otherwise.

    Args:
        settings: runtime settings.
    """
    if settings.redis_url:
        return RedisDedupe(settings.redis_url)
    return MemoryDedupe()
