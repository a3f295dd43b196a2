"""Per-key locks on every backend, the Redis-to-PostgreSQL fallback, and the factory."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

import pytest
import redis
from sqlalchemy import create_engine, text

from core.coordination import (
    BackendUnavailable,
    Coordination,
    FallbackLocks,
    Locks,
    LockTimeout,
    MemoryDedupe,
    MemoryLocks,
    PostgresLocks,
    RedisDedupe,
    RedisLocks,
    advisory_key,
    coordination_for,
)
from core.settings import Settings
from tests.core.private_redis import free_port, private_redis

KEY = "conversation:T1:C1:1700000000.1"
Replicas = Callable[[], Locks]


@pytest.fixture(params=["memory", "redis", "postgres"])
def replica(request: pytest.FixtureRequest) -> Iterator[Replicas]:
    """Builds the locks of one more replica (in-process: one shared set, as in one process)."""
    built: list[Locks] = []
    shared = MemoryLocks()

    def make() -> Locks:
        if request.param == "memory":
            return shared
        if request.param == "redis":
            locks: Locks = RedisLocks(request.getfixturevalue("redis_url"), lease_seconds=5)
        else:
            locks = PostgresLocks(request.getfixturevalue("postgres_url"))
        built.append(locks)
        return locks

    yield make
    for locks in built:
        locks.close()


def _in_thread(hold: Callable[[], AbstractContextManager[None]], release: threading.Event):
    """Hold a lock in another thread until ``release``; returns once it is held."""
    held = threading.Event()

    def run() -> None:
        with hold():
            held.set()
            release.wait(10)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    assert held.wait(10)
    return thread


def test_one_holder_at_a_time_across_replicas(replica: Replicas) -> None:
    replicas = [replica(), replica(), replica()]
    inside, most = [0], [0]
    guard = threading.Lock()

    def turn(n: int) -> None:
        with replicas[n % 3].hold(KEY, timeout=10):
            with guard:
                inside[0] += 1
                most[0] = max(most[0], inside[0])
            time.sleep(0.02)
            with guard:
                inside[0] -= 1

    threads = [threading.Thread(target=turn, args=(n,)) for n in range(9)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    assert most == [1] and inside == [0]


def test_a_held_lock_times_out_with_a_sentence_and_others_are_free(replica: Replicas) -> None:
    one, other = replica(), replica()
    release = threading.Event()
    holder = _in_thread(lambda: one.hold(KEY, timeout=5), release)

    started = time.monotonic()
    with pytest.raises(LockTimeout) as waited, other.hold(KEY, timeout=0.3):
        pass
    assert 0.2 <= time.monotonic() - started < 3
    assert str(waited.value) == (
        f"{KEY} is held by another turn; gave up waiting for it after 0.3 seconds."
    )
    with other.hold("conversation:T1:C2:1700000000.2", timeout=0.3):
        pass
    release.set()
    holder.join(10)
    with other.hold(KEY, timeout=2):
        pass


def test_a_lock_is_released_when_its_block_fails(replica: Replicas) -> None:
    one, other = replica(), replica()
    with pytest.raises(ValueError, match="turn failed"), one.hold(KEY, timeout=2):
        raise ValueError("turn failed")
    with other.hold(KEY, timeout=0.5):
        pass


def test_memory_locks_forget_keys_nobody_holds() -> None:
    locks = MemoryLocks()
    with locks.hold("a", timeout=1), locks.hold("b", timeout=1):
        assert len(locks) == 2
    assert len(locks) == 0


@pytest.mark.redis
def test_a_redis_lock_is_renewed_while_held_and_gone_after(redis_url: str) -> None:
    one, other = RedisLocks(redis_url, lease_seconds=0.3), RedisLocks(redis_url)
    server = redis.Redis.from_url(redis_url)
    with one.hold(KEY, timeout=1):
        time.sleep(0.8)  # well past the lease: renewed meanwhile
        assert 0 < server.pttl(f"cloudfabric:lock:{KEY}") <= 300
        with pytest.raises(LockTimeout), other.hold(KEY, timeout=0.1):
            pass
    assert not server.exists(f"cloudfabric:lock:{KEY}")
    one.close(), other.close()


@pytest.mark.redis
def test_a_redis_lock_left_by_a_dead_replica_frees_after_its_lease(redis_url: str) -> None:
    dead = redis.Redis.from_url(redis_url).lock(f"cloudfabric:lock:{KEY}", timeout=0.4)
    assert dead.acquire(blocking=False)
    locks = RedisLocks(redis_url)
    started = time.monotonic()
    with locks.hold(KEY, timeout=3):
        assert 0.2 < time.monotonic() - started < 2
    locks.close()


def test_an_unreachable_redis_is_reported_as_unavailable() -> None:
    locks = RedisLocks(f"redis://127.0.0.1:{free_port()}/0")
    with pytest.raises(BackendUnavailable, match="Redis did not answer"), locks.hold(KEY, 1):
        pass
    locks.close()


def _advisory_held(url: str, key: str) -> bool:
    """True when some session holds ``key``'s advisory lock (tried from a fresh session)."""
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.connect() as connection:
        free = connection.execute(
            text("SELECT pg_try_advisory_lock(:id)"), {"id": advisory_key(key)}
        )
        taken = bool(free.scalar())
        if taken:
            connection.execute(text("SELECT pg_advisory_unlock(:id)"), {"id": advisory_key(key)})
    engine.dispose()
    return not taken


@pytest.mark.postgres
def test_a_postgres_lock_is_an_advisory_lock_that_ends_with_its_session(postgres_url: str) -> None:
    locks = PostgresLocks(postgres_url)
    with locks.hold(KEY, timeout=1):
        assert _advisory_held(postgres_url, KEY)
    assert not _advisory_held(postgres_url, KEY)
    with locks.hold(KEY, timeout=1):  # the pooled session came back unlocked and usable
        pass

    dead = create_engine(postgres_url).connect()
    dead.execute(text("SELECT pg_advisory_lock(:id)"), {"id": advisory_key(KEY)})
    dead.commit()
    dead.close()  # back to its pool, still holding; disposing the pool ends the session
    dead.engine.dispose()
    with locks.hold(KEY, timeout=2):
        pass
    locks.close()


class _Down:
    """A primary whose backend does not answer (or answers again once ``up``)."""

    def __init__(self) -> None:
        self.up = False
        self.held: list[str] = []

    @contextmanager
    def hold(self, key: str, timeout: float) -> Iterator[None]:
        if not self.up:
            raise BackendUnavailable("Redis did not answer (connection refused)")
        self.held.append(key)
        yield

    def close(self) -> None:
        pass


def test_fallback_takes_over_while_the_primary_is_down_and_says_so_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    primary, fallback = _Down(), MemoryLocks()
    locks = FallbackLocks(primary, fallback, "Redis", "PostgreSQL advisory locks")
    with caplog.at_level(logging.WARNING, logger="core.coordination.fallback"):
        for _ in range(3):
            with locks.hold(KEY, timeout=1):
                assert locks.degraded and len(fallback) == 1
        primary.up = True
        with locks.hold(KEY, timeout=1):
            assert not locks.degraded and len(fallback) == 0
    assert primary.held == [KEY]
    assert [r.getMessage() for r in caplog.records] == [
        "Redis is unreachable (Redis did not answer (connection refused)); "
        "taking locks with PostgreSQL advisory locks",
        "Redis answers again; taking locks with it",
    ]


@pytest.mark.postgres
def test_redis_going_down_hands_the_locks_to_postgres(
    tmp_path: Path, postgres_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    with private_redis(tmp_path) as (url, process):
        settings = Settings(
            _env_file=None,  # type: ignore[call-arg]
            data_dir=tmp_path,
            redis_url=url,
            database_url=postgres_url,
        )
        coordination = coordination_for(settings)
        with coordination.hold(KEY, timeout=1):
            assert redis.Redis.from_url(url).exists(f"cloudfabric:lock:{KEY}")
            assert not _advisory_held(postgres_url, KEY)
        process.kill()
        process.wait(timeout=10)
        with caplog.at_level(logging.WARNING, logger="core.coordination.fallback"):
            for _ in range(2):
                with coordination.hold(KEY, timeout=1):
                    assert _advisory_held(postgres_url, KEY)
        assert len(caplog.records) == 1 and "Redis is unreachable" in caplog.text
        coordination.close()


@pytest.mark.parametrize(
    ("redis_url", "postgres", "dedupe", "locks", "fallback"),
    [
        (None, False, MemoryDedupe, MemoryLocks, None),
        (None, True, MemoryDedupe, PostgresLocks, None),
        ("redis://127.0.0.1:6379/15", False, RedisDedupe, FallbackLocks, MemoryLocks),
        ("redis://127.0.0.1:6379/15", True, RedisDedupe, FallbackLocks, PostgresLocks),
    ],
)
def test_settings_choose_the_backends(
    tmp_path: Path,
    redis_url: str | None,
    postgres: bool,
    dedupe: type,
    locks: type,
    fallback: type | None,
) -> None:
    database = "postgresql+psycopg://postgres@127.0.0.1:5432/nowhere" if postgres else None
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        data_dir=tmp_path,
        redis_url=redis_url,
        database_url=database,
    )
    coordination = coordination_for(settings)  # connects to nothing until used
    assert isinstance(coordination, Coordination)
    assert isinstance(coordination.dedupe, dedupe) and isinstance(coordination.locks, locks)
    if fallback is not None:
        assert isinstance(coordination.locks, FallbackLocks)
        assert isinstance(coordination.locks.primary, RedisLocks)
        assert isinstance(coordination.locks.fallback, fallback)
    coordination.close()
