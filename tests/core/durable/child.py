"""A replica of the durable engine for crash tests: ``python -m tests.core.durable.child <mode>``.

Configured by ``CF_*`` variables (data dir, database, executor id, heartbeat) and
``DURABLE_TEST_DIR`` (where release and stop files appear). Side effects are counted in the
``test_effect`` table of the project database. Modes:

- ``steps <run>``: step ``first``, wait for ``release``, step ``second``;
- ``charge <run>``: one step that charges once per idempotency key, then waits for ``release``
  before its checkpoint;
- ``approval <run> [--send <decision>]``: step ``prepare``, wait durably for a decision,
  then finish (``CODE_VERSION=v2`` runs changed code for the end of the workflow);
- ``slow <run>``: step ``begin``, wait for ``release``, step ``end`` (records its executor);
- ``serve``: only run the engine (heartbeat and sweep) until ``stop``;
- ``tick``: run a ticker on the shared file clock (``now.txt``) until ``stop``.

Every mode that names a run starts it unless it exists, waits until it finishes and prints
``finished <state>``. With ``--preload`` the child loads its code, then waits for ``go`` on
stdin before launching: a restart after a crash then costs what launching does, not imports.
"""

from __future__ import annotations

import os
import sys
import time
from datetime import timedelta
from pathlib import Path

from core.clock import Clock, parse_instant
from core.db import Database
from core.durable import (
    RunExists,
    Schedule,
    Ticker,
    current,
    current_run_id,
    launch,
    receive,
    shutdown,
    start_run,
    step,
    wait_for_run,
    workflow,
)
from core.recurrence import Recurrence
from core.settings import Settings
from tests.core.durable.effects import FileClock, effects, record_effect

WORKDIR = Path(os.environ.get("DURABLE_TEST_DIR", "."))
CODE_VERSION = os.environ.get("CODE_VERSION", "v1")
_db: list[Database] = []


def db() -> Database:
    """The project database of this replica (where effects are counted)."""
    return _db[0]


def wait_file(name: str) -> None:
    """Wait until ``name`` exists in the test folder (a pure wait: no side effect).

    Args:
        name: the file to wait for.
    """
    while not (WORKDIR / name).exists():
        time.sleep(0.02)


def say(line: str) -> None:
    """Tell the test something, at once.

    Args:
        line: what to print.
    """
    print(line, flush=True)


@step("first")
def first() -> None:
    """Count the first step."""
    record_effect(db(), str(current_run_id()), "first")


@step("second")
def second() -> None:
    """Count the second step."""
    record_effect(db(), str(current_run_id()), "second")


@workflow("steps")
def steps() -> str:
    """Two steps with a pause between them."""
    first()
    say("between steps")
    wait_file("release")
    second()
    return "done"


@step("charge")
def charge(key: str) -> None:
    """Charge once per key (check before acting), then pause before the checkpoint.

    Args:
        key: idempotency key of the charge.
    """
    record_effect(db(), key, "attempt")
    if not [r for r in _effects("charged") if r == key]:
        record_effect(db(), key, "charged")
    say("charged")
    wait_file("release")


def _effects(kind: str) -> list[str]:
    return [run for run, _ in effects(db(), kind)]


@workflow("charge")
def charging() -> str:
    """One charge, keyed by the run id."""
    charge(f"charge-{current_run_id()}")
    return "charged"


@step("prepare")
def prepare() -> None:
    """Count the preparation."""
    record_effect(db(), str(current_run_id()), "prepare")


@step("finish")
def finish(decision: str) -> None:
    """The first version's end.

    Args:
        decision: what was decided.
    """
    record_effect(db(), str(current_run_id()), f"finish-v1:{decision}")


@step("finish_v2")
def finish_v2(decision: str) -> None:
    """The changed code's end.

    Args:
        decision: what was decided.
    """
    record_effect(db(), str(current_run_id()), f"finish-v2:{decision}")


@workflow("approval")
def approval() -> str:
    """Prepare, wait for a decision, finish (with the code of this process)."""
    prepare()
    say("waiting for a decision")
    decision = receive("decision", timeout_seconds=120)
    if CODE_VERSION == "v2":
        finish_v2(str(decision))
    else:
        finish(str(decision))
    return f"{CODE_VERSION}:{decision}"


@step("begin")
def begin() -> None:
    """Count the beginning."""
    record_effect(db(), str(current_run_id()), "begin")


@step("end")
def end() -> None:
    """Count the end, naming the replica that ran it."""
    record_effect(db(), str(current_run_id()), f"end-{current().executor_id}")


@workflow("slow")
def slow() -> str:
    """Begin, wait for release, end."""
    begin()
    say("begun")
    wait_file("release")
    end()
    return "ended"


@workflow("report")
def report(schedule_id: str, fire_at: str) -> str:
    """A scheduled run: count it.

    Args:
        schedule_id: the schedule.
        fire_at: its fire time.
    """
    record_effect(db(), str(current_run_id()), "report")
    return fire_at


RUNS = {"steps": steps, "charge": charging, "approval": approval, "slow": slow}


def run(mode: str, run_id: str, send: str | None) -> None:
    """Start (unless it exists) and finish one run.

    Args:
        mode: which workflow.
        run_id: the run's id.
        send: a decision to send it first.
    """
    try:
        start_run(RUNS[mode], run_id)
        say("started")
    except RunExists:
        say("exists")
    if send is not None:
        from core.durable import send as send_message

        send_message(run_id, send, "decision", idempotency_key=f"{run_id}-decision")
    status = wait_for_run(run_id, timeout_seconds=120)
    say(f"finished {status.state} {status.output}")


def tick(settings: Settings) -> None:
    """Tick a schedule (every minute from ``CREATED``) on the file clock until ``stop``.

    Args:
        settings: this replica's settings.
    """
    clock = FileClock(WORKDIR / "now.txt")
    created = parse_instant(os.environ["CREATED"])
    every_minute = Recurrence(kind="rate", rate=timedelta(minutes=1))
    schedule = Schedule("report", every_minute, created, report)
    ticker = Ticker(current().db, clock, lambda: [schedule])
    started = refused = 0
    while not (WORKDIR / "stop").exists():
        for fired in ticker.tick():
            started += fired.started
            refused += not fired.started
        time.sleep(0.02)
    say(f"ticked: started {started} refused {refused}")


def main(argv: list[str]) -> None:
    """Launch the engine, do ``argv``, shut down (with ``--preload``: once told ``go``)."""
    if "--preload" in argv:
        argv = [word for word in argv if word != "--preload"]
        say("loaded")
        if sys.stdin.readline().strip() != "go":
            return
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    clock = Clock(settings.clock_start)
    database = Database(settings.sql_url)
    database.migrate()
    _db.append(database)
    launch(settings, clock, db=database, role="test")
    say(f"launched {current().executor_id}")
    mode = argv[0]
    if mode == "serve":
        wait_file("stop")
    elif mode == "tick":
        tick(settings)
    else:
        send = argv[argv.index("--send") + 1] if "--send" in argv else None
        run(mode, argv[1], send)
    shutdown()
    database.dispose()


if __name__ == "__main__":
    main(sys.argv[1:])
