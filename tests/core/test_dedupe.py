"""The de-duplication store: first sighting wins, in-process and on Redis."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from core.coordination import MemoryDedupe, RedisDedupe, dedupe_for
from core.settings import Settings


def test_memory_dedupe_takes_a_key_once_until_it_expires() -> None:
    dedupe = MemoryDedupe(ttl_seconds=0.2)
    assert dedupe.first("event:T1:Ev1") is True
    assert dedupe.first("event:T1:Ev1") is False
    assert dedupe.first("event:T1:Ev2") is True
    time.sleep(0.25)
    assert dedupe.first("event:T1:Ev1") is True


@pytest.mark.redis
def test_redis_dedupe_is_shared_between_instances(redis_url: str) -> None:
    one, other = RedisDedupe(redis_url, ttl_seconds=1), RedisDedupe(redis_url, ttl_seconds=1)
    assert one.first("event:T1:Ev1") is True
    assert other.first("event:T1:Ev1") is False
    time.sleep(1.1)
    assert other.first("event:T1:Ev1") is True


@pytest.mark.parametrize("kind", ["memory", "redis"])
def test_fifty_racing_deliveries_are_taken_once(kind: str, request: pytest.FixtureRequest) -> None:
    if kind == "redis":
        url = request.getfixturevalue("redis_url")
        stores = [RedisDedupe(url) for _ in range(5)]
    else:
        stores = [MemoryDedupe()] * 5
    with ThreadPoolExecutor(max_workers=10) as pool:
        taken = list(pool.map(lambda n: stores[n % 5].first("event:T1:race"), range(50)))
    assert taken.count(True) == 1


def test_settings_choose_the_store(tmp_path: Path) -> None:
    plain = Settings(_env_file=None, data_dir=tmp_path)  # type: ignore[call-arg]
    assert isinstance(dedupe_for(plain), MemoryDedupe)
    with_redis = plain.model_copy(update={"redis_url": "redis://127.0.0.1:6379/15"})
    assert isinstance(dedupe_for(with_redis), RedisDedupe)
