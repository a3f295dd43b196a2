"""Dedupe and locks in Redis, shared by every replica that points at the same server.

``redis`` is imported when one of these is built, not with the module.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from core.coordination.base import DEFAULT_TTL_SECONDS, BackendUnavailable, LockTimeout

if TYPE_CHECKING:
    from redis import Redis
    from redis.lock import Lock

log = logging.getLogger(__name__)
DEFAULT_LEASE_SECONDS = 30.0
POLL_SECONDS = 0.05
LOCK_PREFIX = "cloudfabric:lock:"


def redis_client(url: str, timeout: float = 5.0) -> Redis:
    """A client for ``url`` that gives up on a silent server within seconds.

    Args:
        url: Redis URL.
        timeout: seconds to wait for an answer (connecting waits at most 2).
    """
    import redis

    connect = min(2.0, timeout)
    return redis.Redis.from_url(url, socket_connect_timeout=connect, socket_timeout=timeout)


class RedisDedupe:
    """Redis-backed set shared by every replica (``SET NX EX``)."""

    def __init__(
        self, url: str, ttl_seconds: int = DEFAULT_TTL_SECONDS, *, probe: bool = False
    ) -> None:
        """Connect lazily to Redis.

        Args:
            url: Redis URL.
            ttl_seconds: how long a key is remembered.
            probe: give up after one second (a health check), not five.
        """
        self.ttl = ttl_seconds
        self._redis = redis_client(url, 1.0 if probe else 5.0)

    def first(self, key: str) -> bool:
        """Record ``key``; True only the first time it is seen within the TTL.

        Args:
            key: e.g. ``event:T111:Ev111``.

        Raises:
            BackendUnavailable: Redis did not answer.
        """
        import redis

        try:
            return bool(self._redis.set(f"cloudfabric:dedupe:{key}", b"1", nx=True, ex=self.ttl))
        except (redis.ConnectionError, redis.TimeoutError) as error:
            raise BackendUnavailable(f"Redis did not answer ({error})") from error

    def ping(self) -> bool:
        """True when Redis answers now."""
        import redis

        try:
            return bool(self._redis.ping())
        except redis.RedisError:
            return False

    def close(self) -> None:
        """Close the connection pool."""
        self._redis.close()


class RedisLocks:
    """A lock per key: a random token under ``cloudfabric:lock:<key>`` with a lease.

    The lease is renewed every third of it while the lock is held, so a turn longer than the
    lease keeps its lock, and a replica that dies lets go within one lease. Only the token's
    owner can release it (redis-py's ``Lock``, a compare-and-delete script).
    """

    def __init__(self, url: str, lease_seconds: float = DEFAULT_LEASE_SECONDS) -> None:
        """Connect lazily to Redis.

        Args:
            url: Redis URL.
            lease_seconds: how long a lock outlives a holder that stopped renewing it.
        """
        self.lease = lease_seconds
        self._redis = redis_client(url)

    @contextmanager
    def hold(self, key: str, timeout: float) -> Iterator[None]:
        """Hold the lock of ``key`` for the ``with`` block, renewing its lease meanwhile.

        Args:
            key: what to exclude on.
            timeout: seconds to wait for it.

        Raises:
            LockTimeout: another holder kept it for the whole wait.
            BackendUnavailable: Redis did not answer.
        """
        lock = self._redis.lock(
            LOCK_PREFIX + key, timeout=self.lease, sleep=POLL_SECONDS, thread_local=False
        )
        if not _acquire(lock, timeout):
            raise LockTimeout(key, timeout)
        renewal = _Renewal(lock, self.lease / 3)
        try:
            yield
        finally:
            renewal.stop()
            _release(lock)

    def close(self) -> None:
        """Close the connection pool."""
        self._redis.close()


def _acquire(lock: Lock, timeout: float) -> bool:
    import redis

    try:
        return bool(lock.acquire(blocking_timeout=max(timeout, 0)))
    except (redis.ConnectionError, redis.TimeoutError) as error:
        raise BackendUnavailable(f"Redis did not answer ({error})") from error


def _release(lock: Lock) -> None:
    import redis

    try:
        lock.release()
    except redis.exceptions.LockNotOwnedError:
        log.warning("lock %s had expired before it was released", _name(lock))
    except redis.RedisError as error:
        log.warning("could not release lock %s (%s); it expires with its lease", _name(lock), error)


def _name(lock: Lock) -> Any:
    name = lock.name
    return name.decode() if isinstance(name, bytes) else name


class _Renewal:
    """Extends a held lock's lease every ``every`` seconds, in a thread, until stopped."""

    def __init__(self, lock: Lock, every: float) -> None:
        self._lock = lock
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._run, args=(every,), name="lock-renewal", daemon=True
        )
        self._thread.start()

    def _run(self, every: float) -> None:
        import redis

        while not self._stop.wait(every):
            try:
                self._lock.reacquire()
            except redis.exceptions.LockNotOwnedError:
                log.error("lost lock %s: its lease ran out before renewal", _name(self._lock))
                return
            except redis.RedisError as error:
                log.warning("could not renew lock %s (%s)", _name(self._lock), error)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()
