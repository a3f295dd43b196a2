"""De-duplication in the database, and Redis falling back to it while Redis is down."""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine

from core.clock import Clock
from core.coordination import (
    BackendUnavailable,
    FallbackDedupe,
    MemoryDedupe,
    RedisDedupe,
    SqlDedupe,
    coordination_for,
    dedupe_for,
)
from core.db import Database
from core.settings import Settings
from tests.core.private_redis import private_redis


def _settings(tmp_path: Path, **values: object) -> Settings:
    return Settings(_env_file=None, data_dir=tmp_path, **values)  # type: ignore[call-arg]


def test_database_dedupe_takes_a_key_once_until_its_ttl_passes(db: Database) -> None:
    with time_machine.travel(Clock().now(), tick=False) as traveller:
        dedupe = SqlDedupe(db, Clock(), ttl_seconds=60)
        assert dedupe.first("event:T1:Ev1") is True
        assert dedupe.first("event:T1:Ev1") is False
        traveller.shift(timedelta(seconds=61))
        assert dedupe.first("event:T1:Ev2") is True
        assert dedupe.prune() == 1  # Ev1 is forgotten, Ev2 is kept
        assert dedupe.first("event:T1:Ev1") is True
        assert dedupe.first("event:T1:Ev2") is False


@pytest.mark.postgres
def test_fifty_replicas_racing_on_postgres_take_a_key_once(postgres_url: str) -> None:
    database = Database(postgres_url)
    database.migrate()
    stores = [SqlDedupe(database, Clock()) for _ in range(5)]
    with ThreadPoolExecutor(max_workers=10) as pool:
        taken = list(pool.map(lambda n: stores[n % 5].first("event:T1:pg-race"), range(50)))
    assert taken.count(True) == 1
    database.dispose()


class _Switchable:
    """A primary set whose server can be taken down and brought back (Redis stands here)."""

    def __init__(self) -> None:
        self.up = True
        self.keys = MemoryDedupe()

    def first(self, key: str) -> bool:
        if not self.up:
            raise BackendUnavailable("connection refused")
        return self.keys.first(key)


def test_keys_taken_during_an_outage_are_still_known_once_redis_is_back(db: Database) -> None:
    primary = _Switchable()
    dedupe = FallbackDedupe(primary, SqlDedupe(db, Clock()), ttl_seconds=3600, retry_seconds=0)
    assert dedupe.first("event:T1:before") is True
    primary.up = False
    assert dedupe.first("event:T1:during") is True
    assert dedupe.first("event:T1:during") is False
    primary.up = True
    assert dedupe.first("event:T1:during") is False  # a Slack retry after the outage
    assert dedupe.first("event:T1:after") is True
    assert dedupe.first("event:T1:after") is False
    assert dedupe.first("event:T1:before") is False


def test_redis_stopped_mid_run_dedupes_in_the_database(
    tmp_path: Path, db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    with private_redis(tmp_path) as (url, process):
        settings = _settings(tmp_path, redis_url=url)
        coordination = coordination_for(settings, db, Clock())
        assert isinstance(coordination.dedupe, FallbackDedupe)
        assert coordination.first("event:T1:Ev1") is True
        assert coordination.degraded() == []
        process.kill()
        process.wait(timeout=10)
        with caplog.at_level(logging.WARNING, logger="core.coordination.fallback_dedupe"):
            taken = [coordination.first(f"event:T1:Ev{n}") for n in (2, 3, 2, 3, 4)]
        assert taken == [True, True, False, False, True]
        assert caplog.text.count("Redis is unreachable") == 1
        assert coordination.degraded() == [
            "Redis unreachable: de-duplication and locks fall back to the database"
        ]
        coordination.close()


@pytest.mark.parametrize(
    ("redis", "postgres", "expected"),
    [
        (False, False, MemoryDedupe),
        (False, True, SqlDedupe),
        (True, False, FallbackDedupe),
        (True, True, FallbackDedupe),
    ],
)
def test_settings_and_the_store_choose_the_dedupe(
    tmp_path: Path, db: Database, redis: bool, postgres: bool, expected: type
) -> None:
    settings = _settings(
        tmp_path,
        redis_url="redis://127.0.0.1:6379/15" if redis else None,
        database_url="postgresql+psycopg://postgres@127.0.0.1:5432/nowhere" if postgres else None,
    )
    dedupe = dedupe_for(settings, db, Clock())  # connects to nothing until used
    assert isinstance(dedupe, expected)
    if isinstance(dedupe, FallbackDedupe):
        assert isinstance(dedupe.primary, RedisDedupe) and isinstance(dedupe.fallback, SqlDedupe)
