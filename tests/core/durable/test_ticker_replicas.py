"""Two worker processes tick the same schedule on PostgreSQL: each fire time runs once.

Both replicas read one test clock (an instant in a shared file, moved by the test) and tick
as fast as they can; the engine refuses the second start of every run id, so five fire times
give exactly five runs, whichever replica wins each race.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from core.db import Database
from tests.core.durable.effects import effects, set_instant
from tests.core.durable.support import Children, wait_until

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

CREATED = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
"""When the schedule (every minute) was created, on the shared test clock."""
FIRES = 5


@pytest.fixture
def store(own_postgres_url: str) -> Iterator[Database]:
    """The replicas' PostgreSQL store (a database of this test alone), migrated first."""
    database = Database(own_postgres_url)
    database.migrate()
    yield database
    database.dispose()


def test_two_workers_start_each_fire_time_once(store: Database, tmp_path: Path) -> None:
    clock_file = tmp_path / "now.txt"
    set_instant(clock_file, CREATED)
    children = Children(tmp_path, store.url)
    env = {"CREATED": CREATED.isoformat()}
    try:
        first = children.spawn("w1", "worker-1", "tick", preload=True, **env)
        second = children.spawn("w2", "worker-2", "tick", preload=True, **env)
        first.go().wait_for("launched", timeout=60)  # one at a time: DBOS migrates its schema
        second.go().wait_for("launched", timeout=60)
        for minute in range(1, FIRES + 1):
            set_instant(clock_file, CREATED + timedelta(minutes=minute, seconds=1))
            wait_until(lambda n=minute: len(effects(store)) >= n, 30, f"fire {minute}")
        (tmp_path / "stop").touch()
        assert first.finish() == 0 and second.finish() == 0
    finally:
        children.kill_all()

    runs = sorted(run for run, _ in effects(store, "report"))
    expected = [f"wf-report-2027-03-01T09:0{m}:00Z" for m in range(1, FIRES + 1)]
    assert runs == expected
    tallies = [child.log().rsplit("ticked: ", 1)[-1].split() for child in children.started]
    started = sum(int(words[1]) for words in tallies)
    assert started == FIRES, tallies
