"""The durable engine in this process: launch, runs, messages, listing (SQLite).

The engine is launched once for the whole session (``engine_settings``).
"""

from __future__ import annotations

import inspect
import subprocess
import sys
from pathlib import Path

import pytest

from core.clock import Clock
from core.db import Database
from core.durable import (
    RunExists,
    current,
    current_run_id,
    executor_id_for,
    launch,
    list_runs,
    receive,
    run_status,
    send,
    start_run,
    step,
    system_database_url,
    wait_for_run,
    workflow,
)
from core.settings import Settings

calls: list[str] = []


@step("test_engine.add")
def add(a: int, b: int) -> int:
    """A step that counts its calls."""
    calls.append(f"add {a} {b}")
    return a + b


@workflow("test_engine.adder")
def adder(a: int, b: int) -> dict[str, object]:
    """Add in a step, and say which run did it."""
    return {"sum": add(a, b), "run": current_run_id()}


@workflow("test_engine.asker")
def asker(question: str) -> str:
    """Wait for an answer on the 'decision' topic."""
    answer = receive("decision", timeout_seconds=30)
    return f"{question}: {answer}"


def test_a_run_returns_and_is_listed(engine_settings: Settings) -> None:
    assert start_run(adder, "run-add-1", 2, 3) == "run-add-1"
    status = wait_for_run("run-add-1", timeout_seconds=20)

    assert status.state == "SUCCESS" and status.finished
    assert status.output == {"sum": 5, "run": "run-add-1"}
    assert (status.workflow, status.app_version) == ("test_engine.adder", "cloudfabric-1")
    assert status.executor_id == "test-exec"
    listed = list_runs(workflow="test_engine.adder", prefix="run-add-")
    assert [run.run_id for run in listed] == ["run-add-1"]


def test_a_run_id_starts_once(engine_settings: Settings) -> None:
    start_run(adder, "run-add-2", 1, 1)
    wait_for_run("run-add-2", timeout_seconds=20)
    before = len(calls)

    with pytest.raises(RunExists) as refused:
        start_run(adder, "run-add-2", 1, 1)

    assert refused.value.state == "SUCCESS"
    assert len(calls) == before


def test_a_waiting_run_takes_the_message_sent_once(engine_settings: Settings) -> None:
    start_run(asker, "run-ask-1", "deploy?")
    assert run_status("run-ask-1").state == "PENDING"  # type: ignore[union-attr]

    send("run-ask-1", "approved", "decision", idempotency_key="click-1")
    send("run-ask-1", "rejected", "decision", idempotency_key="click-1")  # a repeat: ignored

    assert wait_for_run("run-ask-1", timeout_seconds=20).output == "deploy?: approved"


def test_an_unknown_run_has_no_status(engine_settings: Settings) -> None:
    assert run_status("no-such-run") is None
    with pytest.raises(TimeoutError):
        wait_for_run("no-such-run", timeout_seconds=0.1)


def test_launching_again_returns_the_engine_or_refuses_another(
    engine_settings: Settings,
) -> None:
    engine = current()
    assert launch(engine_settings, Clock(), maintain=False) is engine
    other = engine_settings.model_copy(update={"durable_executor_id": "someone-else"})
    with pytest.raises(RuntimeError, match="shut it down first"):
        launch(other, Clock())


def test_the_engine_writes_its_heartbeat(engine_settings: Settings) -> None:
    engine = current()
    seen = engine.heartbeats.beat()
    from core.durable.models import ExecutorHeartbeat

    with engine.db.session() as session:
        row = session.get(ExecutorHeartbeat, "test-exec")
    assert row is not None and row.last_seen_at == seen
    assert row.app_version == "cloudfabric-1"


def test_the_system_database_lives_beside_the_store(tmp_path: Path) -> None:
    embedded = Settings(_env_file=None, data_dir=tmp_path / "cf")  # type: ignore[call-arg]
    assert system_database_url(embedded) == f"sqlite:///{tmp_path}/cf/durable.sqlite"
    elsewhere = Settings(_env_file=None, database_url=f"sqlite:///{tmp_path}/x/y.db")  # type: ignore[call-arg]
    assert system_database_url(elsewhere) == f"sqlite:///{tmp_path}/x/durable.sqlite"
    postgres = Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url="postgresql+psycopg://cf@db:5432/cloudfabric",
    )
    assert system_database_url(postgres) == "postgresql://cf@db:5432/cloudfabric"


def test_the_executor_id_is_stable(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, data_dir=tmp_path)  # type: ignore[call-arg]
    assert executor_id_for(settings, "worker") == executor_id_for(settings, "worker")
    assert executor_id_for(settings, "worker") != executor_id_for(settings, "serve")
    named = settings.model_copy(update={"durable_executor_id": "pod-7"})
    assert executor_id_for(named, "worker") == "pod-7"


def test_declaring_workflows_does_not_import_dbos() -> None:
    code = (
        "import sys\nfrom core.durable import workflow, step\n"
        "@step('s')\ndef s() -> None: ...\n"
        "@workflow('w')\ndef w() -> None: s()\n"
        "print('dbos' in sys.modules)"
    )

    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_the_recovery_entry_point_keeps_its_signature() -> None:
    """``core.durable.recovery`` calls this private method; a DBOS upgrade changing it fails."""
    from dbos import DBOS

    signature = inspect.signature(DBOS._recover_pending_workflows)
    assert list(signature.parameters) == ["executor_ids"]
    assert signature.parameters["executor_ids"].default == ["local"]


def test_the_store_migrates_the_durable_tables(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'cf.db'}")
    db.migrate()
    from sqlalchemy import inspect as inspect_db

    tables = set(inspect_db(db.engine).get_table_names())
    assert {"durable_executor", "durable_schedule_cursor"} <= tables
    db.dispose()
