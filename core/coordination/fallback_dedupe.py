"""De-duplication on Redis that falls back to the SQL store while Redis cannot be reached.

While Redis is down, keys are taken in the database, so intake keeps working and every
replica still agrees on who took what. After an outage, and for one TTL, a key new to Redis is
also taken in the database: a Slack retry of an event taken during the outage is then still
recognised. After a failure Redis is not asked again for ``retry_seconds``, so an outage costs
the ack path one failed attempt, not one per event.
"""

from __future__ import annotations

import logging
import threading
import time

from core.coordination.base import BackendUnavailable, Dedupe

log = logging.getLogger(__name__)
RETRY_SECONDS = 5.0


class FallbackDedupe:
    """``primary`` (Redis) when it answers, else ``fallback`` (the SQL store)."""

    def __init__(
        self,
        primary: Dedupe,
        fallback: Dedupe,
        ttl_seconds: float,
        retry_seconds: float = RETRY_SECONDS,
    ) -> None:
        """Combine two sets of taken keys.

        Args:
            primary: tried first; raises ``BackendUnavailable`` when unreachable.
            fallback: the database's set, used during an outage and for one TTL after it.
            ttl_seconds: how long both remember a key.
            retry_seconds: how long to skip the primary after it failed.
        """
        self.primary, self.fallback = primary, fallback
        self.ttl = ttl_seconds
        self.retry = retry_seconds
        self._skip_until = 0.0
        self._fallback_until = 0.0
        self._down = False
        self._guard = threading.Lock()

    @property
    def degraded(self) -> bool:
        """True while the primary is skipped after a failure."""
        return time.monotonic() < self._skip_until

    def first(self, key: str) -> bool:
        """Record ``key``; True only the first time any replica saw it within the TTL.

        Args:
            key: e.g. ``event:T111:Ev111``.
        """
        if not self.degraded:
            try:
                new = self.primary.first(key)
            except BackendUnavailable as error:
                self._note_down(str(error))
            else:
                self._note_up()
                if not new or time.monotonic() >= self._fallback_until:
                    return new
                return self.fallback.first(key)  # taken during the outage?
        return self.fallback.first(key)

    def _note_down(self, reason: str) -> None:
        now = time.monotonic()
        with self._guard:
            was_up, self._down = not self._down, True
            self._skip_until = now + self.retry
            self._fallback_until = now + self.retry + self.ttl
        if was_up:
            log.warning("Redis is unreachable (%s); de-duplicating in the database", reason)

    def _note_up(self) -> None:
        if not self._down:
            return
        with self._guard:
            was_down, self._down = self._down, False
        if was_down:
            log.warning("Redis answers again; de-duplicating with it")

    def prune(self) -> int:
        """Forget the database's expired keys (Redis expires its own); how many went."""
        prune = getattr(self.fallback, "prune", None)
        return int(prune()) if prune is not None else 0

    def close(self) -> None:
        """Close both sets."""
        for part in (self.primary, self.fallback):
            close = getattr(part, "close", None)
            if close is not None:
                close()
