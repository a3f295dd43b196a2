"""A replica killed with SIGKILL between two steps of a workflow run: the replica restarted
under the same executor id finishes the run, and the first step's effect happened once."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from core.clock import Clock
from core.db import Database
from core.durable import run_id_for
from tests.core.durable.effects import effects
from tests.core.durable.support import Children
from tools.workflows.service import WorkflowStore
from tools.workflows.spec import ToolStep, WorkflowSpec
from tools.workflows.stepping import step_records

pytestmark = pytest.mark.slow

CHILD = "tests.tools.workflows.crash_child"
FIRE = datetime(2027, 3, 1, 2, 0, tzinfo=UTC)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Database]:
    """The replicas' SQL store, migrated, with the workflow ``crashy`` in it."""
    database = Database(f"sqlite:///{tmp_path / 'cf' / 'cloudfabric.db'}")
    database.migrate()
    spec = WorkflowSpec(
        name="crashy",
        trigger={"kind": "manual"},
        created_by="alice",
        steps=[
            ToolStep(id="count", tool="crash.count", args={"key": "crashy"}),
            ToolStep(id="after", tool="crash.after", args={"key": "crashy"}),
        ],
    )
    WorkflowStore(database, Clock()).create(spec, approved_by="bob")
    yield database
    database.dispose()


def test_kill_between_steps_finishes_the_run_and_counts_the_first_step_once(
    children: Children, store: Database, tmp_path: Path
) -> None:
    durable_id = run_id_for("crashy", FIRE)
    argv = (durable_id, "crashy", FIRE.isoformat())
    first = children.spawn("w1", "exec-w", *argv, module=CHILD)
    again = children.spawn("w2", "exec-w", *argv, preload=True, module=CHILD)
    first.wait_for("second began")  # the first step returned and was checkpointed
    first.kill()
    (tmp_path / "release").touch()

    again.go()
    assert again.finish() == 0, again.log()

    assert "recovered" in again.log() and "finished SUCCESS" in again.log()
    assert sorted(kind for _, kind in effects(store)) == ["first", "second"]
    (run,) = WorkflowStore(store, Clock()).runs("crashy")
    assert run.status == "succeeded"
    outputs = {r.id: (r.status, r.output) for r in step_records(run)}
    assert outputs == {
        "count": ("succeeded", {"kind": "first", "total": 1}),
        "after": ("succeeded", {"kind": "second", "total": 1}),
    }
