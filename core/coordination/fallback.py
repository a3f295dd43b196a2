"""Locks on a primary backend (Redis) that fall back to another (PostgreSQL, or in-process)
while the primary cannot be reached."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

from core.coordination.base import BackendUnavailable, Locks

log = logging.getLogger(__name__)


class FallbackLocks:
    """``primary`` when it answers, else ``fallback``; decided each time a lock is taken.

    The switch is logged once per outage (and once when the primary answers again).
    """

    def __init__(self, primary: Locks, fallback: Locks, primary_name: str, fallback_name: str):
        """Combine two backends.

        Args:
            primary: tried first; raises ``BackendUnavailable`` when unreachable.
            fallback: used while the primary is unreachable.
            primary_name: the primary's name in log lines (``Redis``).
            fallback_name: the fallback's name in log lines (``PostgreSQL advisory locks``).
        """
        self.primary, self.fallback = primary, fallback
        self.names = (primary_name, fallback_name)
        self._degraded = False
        self._guard = threading.Lock()

    @property
    def degraded(self) -> bool:
        """True while the last attempt on the primary failed."""
        return self._degraded

    @contextmanager
    def hold(self, key: str, timeout: float) -> Iterator[None]:
        """Hold the lock of ``key`` on the primary, or on the fallback when it is unreachable.

        Args:
            key: what to exclude on.
            timeout: seconds to wait for it (on each backend tried).

        Raises:
            LockTimeout: the lock stayed held elsewhere for the whole wait.
        """
        with ExitStack() as stack:
            try:
                stack.enter_context(self.primary.hold(key, timeout))
            except BackendUnavailable as error:
                self._note(down=True, reason=str(error))
                stack.enter_context(self.fallback.hold(key, timeout))
            else:
                self._note(down=False)
            yield

    def _note(self, *, down: bool, reason: str = "") -> None:
        with self._guard:
            if down == self._degraded:
                return
            self._degraded = down
        primary, fallback = self.names
        if down:
            log.warning("%s is unreachable (%s); taking locks with %s", primary, reason, fallback)
        else:
            log.warning("%s answers again; taking locks with it", primary)

    def close(self) -> None:
        """Close both backends."""
        self.primary.close()
        self.fallback.close()
