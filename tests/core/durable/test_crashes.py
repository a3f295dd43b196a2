"""Real replicas of the durable engine killed with SIGKILL, and what the next one makes of it.

Each test runs ``tests.core.durable.child`` processes over one SQL store (SQLite here, so the
DBOS system database is ``durable.sqlite`` beside it) and counts side effects in a table.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from core.db import Database
from tests.core.durable.effects import effects
from tests.core.durable.support import Children, wait_until

pytestmark = pytest.mark.slow


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Database]:
    """The replicas' SQL store, migrated before any of them starts."""
    database = Database(f"sqlite:///{tmp_path / 'cf' / 'cloudfabric.db'}")
    database.migrate()
    yield database
    database.dispose()


def kinds(store: Database) -> list[str]:
    """Every counted effect's kind, sorted."""
    return sorted(kind for _, kind in effects(store))


def test_kill_between_steps_resumes_at_the_next_step(
    children: Children, store: Database, tmp_path: Path
) -> None:
    first = children.spawn("a1", "exec-a", "steps", "run-steps")
    again = children.spawn("a2", "exec-a", "steps", "run-steps", preload=True)
    first.wait_for("between steps")
    first.kill()
    (tmp_path / "release").touch()

    again.go()
    assert again.finish() == 0, again.log()

    assert "finished SUCCESS done" in again.log()
    assert kinds(store) == ["first", "second"]  # the first step was not repeated


def test_kill_inside_a_step_reruns_only_that_step_and_charges_once(
    children: Children, store: Database, tmp_path: Path
) -> None:
    first = children.spawn("a1", "exec-a", "charge", "run-charge")
    again = children.spawn("a2", "exec-a", "charge", "run-charge", preload=True)
    first.wait_for("charged")  # the effect happened; the checkpoint did not
    first.kill()
    (tmp_path / "release").touch()

    again.go()
    assert again.finish() == 0, again.log()

    assert "finished SUCCESS charged" in again.log()
    assert kinds(store) == ["attempt", "attempt", "charged"]


def test_new_code_of_the_same_version_resumes_a_run_waiting_for_a_message(
    children: Children, store: Database
) -> None:
    old = children.spawn("v1", "exec-a", "approval", "run-approval")
    argv = ("approval", "run-approval", "--send", "approve")
    new = children.spawn("v2", "exec-a", *argv, preload=True, CODE_VERSION="v2")
    old.wait_for("waiting for a decision")
    old.kill()

    new.go()
    assert new.finish() == 0, new.log()

    assert "finished SUCCESS v2:approve" in new.log()
    assert kinds(store) == ["finish-v2:approve", "prepare"]


def test_a_live_replica_takes_over_a_dead_ones_run_exactly_once(
    children: Children, store: Database, tmp_path: Path
) -> None:
    beat = {"CF_DURABLE_HEARTBEAT_SECONDS": "0.2", "CF_DURABLE_DEAD_AFTER_SECONDS": "1.5"}
    dead = children.spawn("a", "a", "slow", "run-slow", **beat)
    sweepers = [children.spawn(name, name, "serve", **beat) for name in ("b", "c")]
    dead.wait_for("begun")
    for sweeper in sweepers:
        sweeper.wait_for("launched")
    dead.kill()
    (tmp_path / "release").touch()

    wait_until(lambda: len(effects(store)) == 2, 30, "a live replica to end the run")
    (tmp_path / "stop").touch()
    for sweeper in sweepers:
        assert sweeper.finish() == 0, sweeper.log()

    done = kinds(store)
    assert done[0] == "begin" and done[1] in {"end-b", "end-c"}, done
    assert len(done) == 2
    with store.engine.begin() as connection:
        claimed = connection.execute(
            text("SELECT claimed_by, recovered_at FROM durable_executor WHERE executor_id = 'a'")
        ).one()
    # one sweeper claimed the dead replica; its run went back on the queue, from which any
    # live replica (the claimer or the other) resumed it, once
    assert claimed[0] in {"b", "c"} and claimed[1] is not None
