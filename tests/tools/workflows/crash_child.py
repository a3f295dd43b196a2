"""A replica running one workflow on the durable engine, for the kill -9 test.

``python -m tests.tools.workflows.crash_child <durable run id> <workflow> <fire time ISO>``
[``--preload``]: launches the engine (recovering what this executor left pending), starts the
run unless it exists, waits for it and prints ``finished <state> <output>``.

The workflow's two steps are read-only tools of a registry of their own: ``crash.count``
counts one effect in the ``test_effect`` table and says ``counted``; ``crash.after`` says
``second began``, waits for the ``release`` file in ``DURABLE_TEST_DIR``, then counts its own.
Configured by ``CF_*`` variables like ``tests.core.durable.child``.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from pydantic import BaseModel, Field

from core.aws import AwsClients
from core.clock import Clock
from core.db import Database
from core.durable import RunExists, launch, shutdown, start_run, wait_for_run
from core.settings import Settings
from tests.core.durable.effects import effects, record_effect
from tools.context import ToolContext
from tools.registry import Registry
from tools.workflows.durable import DurableRunner, DurableSteps, bind, run_workflow
from tools.workflows.service import WorkflowStore

WORKDIR = Path(os.environ.get("DURABLE_TEST_DIR", "."))
REGISTRY = Registry()
_db: list[Database] = []


def say(line: str) -> None:
    """Tell the test something, at once."""
    print(line, flush=True)


class Key(BaseModel):
    """Arguments of the crash tools."""

    key: str = Field(description="What the effect is counted under.")


class Counted(BaseModel):
    """What a crash tool did."""

    kind: str = Field(description="The effect counted.")
    total: int = Field(description="Effects of that kind so far.")


def _count(key: str, kind: str) -> Counted:
    record_effect(_db[0], key, kind)
    return Counted(kind=kind, total=len(effects(_db[0], kind)))


@REGISTRY.tool(
    name="crash.count",
    description="Count one effect.",
    example="count",
    args=Key,
    result=Counted,
    render=lambda result: [],
    permissions=(),
)
def count(ctx: ToolContext, args: Key) -> Counted:
    """Count the first step's effect."""
    counted = _count(args.key, "first")
    say("counted")
    return counted


@REGISTRY.tool(
    name="crash.after",
    description="Wait for release, then count.",
    example="after",
    args=Key,
    result=Counted,
    render=lambda result: [],
    permissions=(),
)
def after(ctx: ToolContext, args: Key) -> Counted:
    """Say it began, wait for ``release``, count the second step's effect."""
    say("second began")
    while not (WORKDIR / "release").exists():
        time.sleep(0.02)
    return _count(args.key, "second")


def main(argv: list[str]) -> None:
    """Launch, start or recover the run, wait for it, shut down."""
    if "--preload" in argv:
        argv = [word for word in argv if word != "--preload"]
        say("loaded")
        if sys.stdin.readline().strip() != "go":
            return
    durable_id, name, fire_iso = argv
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    clock = Clock(settings.clock_start)
    database = Database(settings.sql_url)
    _db.append(database)
    aws = AwsClients(settings)

    def context_for(user: str) -> ToolContext:
        return ToolContext(settings, aws, database, user, {}, clock)

    store = WorkflowStore(database, clock)
    runner = DurableRunner(REGISTRY, store, context_for, lambda c, t: None, None, DurableSteps())
    bind(runner)
    launch(settings, clock, db=database, role="test", maintain=False)
    say("launched")
    try:
        start_run(run_workflow, durable_id, name, fire_iso, None)
    except RunExists:
        say("recovered")
    status = wait_for_run(durable_id, 60)
    say(f"finished {status.state} {status.output}")
    shutdown()
    database.dispose()


if __name__ == "__main__":
    main(sys.argv[1:])
