"""Heartbeats and the dead-replica sweep: who is dead, and exactly one claimer per dead replica."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from core.db import Database
from core.durable import Heartbeats
from core.durable.models import ExecutorHeartbeat
from tests.core.durable.effects import SetClock

T0 = datetime(2027, 3, 1, 12, 0, tzinfo=UTC)
DEAD_AFTER = timedelta(seconds=60)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store(request: pytest.FixtureRequest, settings: object) -> Iterator[Database]:
    """A migrated store: the test's SQLite file, or a PostgreSQL database of this test alone."""
    if request.param == "postgres":
        url = str(request.getfixturevalue("own_postgres_url"))
    else:
        url = request.getfixturevalue("settings").sql_url
    database = Database(url)
    database.migrate()
    yield database
    database.dispose()


def replica(db: Database, clock: SetClock, name: str, version: str = "v1") -> Heartbeats:
    """Replica ``name``'s heartbeats on ``db``."""
    return Heartbeats(db, clock, name, version, DEAD_AFTER)


def test_a_replica_is_dead_once_its_heartbeat_is_too_old(store: Database) -> None:
    clock = SetClock(T0)
    a, b = replica(store, clock, "a"), replica(store, clock, "b")
    a.beat(starting=True)
    b.beat(starting=True)

    clock.instant = T0 + DEAD_AFTER
    b.beat()
    assert b.dead() == []  # exactly the threshold: not yet

    clock.instant = T0 + DEAD_AFTER + timedelta(seconds=1)
    assert b.dead() == ["a"]
    assert a.dead() == []  # b beat a second ago; a never counts itself


def test_only_replicas_of_the_same_version_are_taken_over(store: Database) -> None:
    clock = SetClock(T0)
    replica(store, clock, "old", version="v0").beat()
    clock.instant = T0 + 2 * DEAD_AFTER
    assert replica(store, clock, "new").dead() == []


def test_two_sweepers_at_once_take_a_dead_replica_over_once(store: Database) -> None:
    clock = SetClock(T0)
    replica(store, clock, "dead").beat(starting=True)
    clock.instant = T0 + 2 * DEAD_AFTER
    recovered: list[str] = []
    barrier = threading.Barrier(4)

    def sweep(name: str) -> None:
        live = replica(store, clock, name)
        barrier.wait()
        live.sweep(lambda executor: recovered.append(f"{name}:{executor}") or ["run-1"])

    threads = [threading.Thread(target=sweep, args=(f"live-{n}",)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(recovered) == 1 and recovered[0].endswith(":dead")
    with store.session() as session:
        row = session.get(ExecutorHeartbeat, "dead")
    assert row is not None and row.claimed_by == recovered[0].split(":")[0]
    assert row.recovered_at == clock.instant
    assert replica(store, clock, "late").sweep(lambda executor: ["again"]) == []


def test_a_claim_whose_claimer_died_lapses(store: Database) -> None:
    clock = SetClock(T0)
    replica(store, clock, "dead").beat()
    clock.instant = T0 + 2 * DEAD_AFTER
    assert replica(store, clock, "claimer").claim("dead")  # ... and dies before recovering

    assert replica(store, clock, "other").dead() == []
    clock.instant += DEAD_AFTER + timedelta(seconds=1)
    taken = replica(store, clock, "other").sweep(lambda executor: ["run-9"])
    assert [(t.executor_id, t.run_ids) for t in taken] == [("dead", ["run-9"])]


def test_a_replica_that_comes_back_can_be_taken_over_again(store: Database) -> None:
    clock = SetClock(T0)
    back = replica(store, clock, "flaky")
    back.beat()
    clock.instant = T0 + 2 * DEAD_AFTER
    assert len(replica(store, clock, "live").sweep(lambda executor: [])) == 1

    back.beat()  # it restarted
    clock.instant += 2 * DEAD_AFTER
    assert len(replica(store, clock, "live").sweep(lambda executor: [])) == 1
