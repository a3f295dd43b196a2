"""What replicas coordinate through: a set of taken keys (dedupe) and per-key locks."""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Protocol

DEFAULT_TTL_SECONDS = 3600


class LockTimeout(Exception):
    """Someone else held the lock for the whole wait."""

    def __init__(self, key: str, timeout: float) -> None:
        """Say which lock and how long it was waited for.

        Args:
            key: the lock's key.
            timeout: seconds waited.
        """
        super().__init__(
            f"{key} is held by another turn; gave up waiting for it after {timeout:g} seconds."
        )
        self.key = key
        self.timeout = timeout


class BackendUnavailable(Exception):
    """A lock's backend (e.g. Redis) cannot be reached; a fallback may take over."""


class Dedupe(Protocol):
    """A set of keys that forgets entries after a TTL."""

    def first(self, key: str) -> bool:
        """Record ``key``; True only the first time it is seen within the TTL."""
        ...


class Locks(Protocol):
    """Mutual exclusion per key, across every process that shares the backend."""

    def hold(self, key: str, timeout: float) -> AbstractContextManager[None]:
        """Hold the lock of ``key`` for the ``with`` block.

        Raises ``LockTimeout`` when it stays held elsewhere for ``timeout`` seconds.
        """
        ...

    def close(self) -> None:
        """Release the backend's connections."""
        ...
