"""Benchmark: reading workflows and their runs with 1,000 workflows and 10,000 run records.

The store is filled with W scheduled workflows (cron and rate triggers, three steps each) and
R runs spread over them (each with step records), then the read-only tools are timed the way
the bot calls them: ``workflow.list`` (every workflow with its next fire time),
``workflow.show`` (one in full, with its next three fire times) and ``workflow.runs`` (its
latest 10 runs), and what the ticker reads on every tick (every schedule). The baseline,
measured in the same run, is the bare SQL read each one needs, through ``sqlite3`` on the
same file; the ratio says what parsing, next-fire computation and rendering add.

    uv run python -m bench.bench_workflows           # 1,000 workflows, 10,000 runs
    uv run python -m bench.bench_workflows --quick   # 200 workflows, 2,000 runs
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable
from contextlib import closing
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func
from sqlmodel import select

from core.aws import AwsClients
from core.clock import Clock, parse_instant
from core.db import Database
from core.recurrence import Recurrence
from core.settings import Settings
from tools.context import ToolContext
from tools.workflows import durable as workflow_runs
from tools.workflows import handlers
from tools.workflows.models import ListArgs, NameArgs, RunsArgs
from tools.workflows.service import WorkflowStore
from tools.workflows.spec import NotifyStep, ToolStep, WorkflowSpec
from tools.workflows.stepping import StepRecord
from tools.workflows.store import WorkflowRow, WorkflowRun

NOW = parse_instant("2027-03-01T09:00:00Z")
CRONS = ("0 2 * * *", "0 19 * * 1-5", "30 2 * * *", "0 9 * * 1", "0 */6 * * *", "1#1")


def spec_for(n: int) -> WorkflowSpec:
    """Workflow ``n``: a cron (some in Berlin time) or an every-N-hours rate, three steps."""
    if n % 4 == 3:
        trigger: dict[str, Any] = {
            "kind": "rate",
            "recurrence": Recurrence(kind="rate", rate=timedelta(hours=1 + n % 12)),
        }
    else:
        cron = CRONS[n % 5]
        zone = "Europe/Berlin" if n % 2 else "UTC"
        trigger = {"kind": "cron", "recurrence": Recurrence(kind="cron", cron=cron, timezone=zone)}
    return WorkflowSpec(
        name=f"wf-{n:04d}",
        trigger=trigger,
        channel="#ops",
        created_by="alice",
        steps=[
            ToolStep(id="find", tool="ec2.list_instances", args={"tags": {"env": "dev"}}),
            ToolStep(id="stop", tool="ec2.stop_instances", args={"targets": ["i-0abc"]}),
            NotifyStep(id="tell", template="stopped: {steps.find.output.instances}"),
        ],
    )


def fill(db: Database, clock: Clock, workflows: int, runs: int) -> list[str]:
    """Store ``workflows`` workflows and ``runs`` runs; their names."""
    store = WorkflowStore(db, clock)
    rows = [store.create(spec_for(n), approved_by="bob") for n in range(workflows)]
    steps = json.dumps(
        [
            StepRecord(id=key, kind=kind, status="succeeded", attempts=1, seconds=0.4).model_dump(
                mode="json"
            )
            for key, kind in (("find", "tool"), ("stop", "tool"), ("tell", "notify"))
        ]
    )
    picker = random.Random(7)
    batch = [
        WorkflowRun(
            workflow_id=picker.choice(rows).id or 0,
            spec_version=1,
            status="succeeded",
            fire_time=NOW - timedelta(hours=n),
            started_at=NOW - timedelta(hours=n),
            finished_at=NOW - timedelta(hours=n) + timedelta(seconds=2),
            steps_json=steps,
        )
        for n in range(runs)
    ]
    with db.session() as session:
        session.add_all(batch)
    return [row.name for row in rows]


def timed(call: Callable[[], object], repeat: int) -> list[float]:
    """Seconds each of ``repeat`` calls took."""
    seconds = []
    for _ in range(repeat):
        began = time.perf_counter()
        call()
        seconds.append(time.perf_counter() - began)
    return seconds


def p95(seconds: list[float]) -> float:
    """The 95th percentile."""
    return statistics.quantiles(seconds, n=20)[-1] if len(seconds) > 1 else seconds[0]


def report(label: str, tool: list[float], bare: list[float]) -> None:
    """Print p50 / p95 of the tool, the bare read's p95 and their ratio."""
    print(
        f"{label:<34} p50 {statistics.median(tool) * 1e3:7.1f} ms, p95 {p95(tool) * 1e3:7.1f} ms"
        f"  | bare SQL p95 {p95(bare) * 1e3:6.2f} ms, ratio {p95(tool) / p95(bare):6.0f}x"
    )


def measure(ctx: ToolContext, path: Path, names: list[str], repeat: int) -> None:
    """Time each read and its bare SQL baseline, and print them."""
    picker = random.Random(11)
    with closing(sqlite3.connect(path)) as bare:

        def sql(query: str, *args: object) -> Callable[[], object]:
            return lambda: bare.execute(query, args).fetchall()

        listing = "SELECT * FROM workflows WHERE status != 'deleted' ORDER BY name"
        one = "SELECT * FROM workflows WHERE name = ?"
        latest = "SELECT * FROM workflow_runs WHERE workflow_id = ? ORDER BY id DESC LIMIT 10"
        list_repeat = max(10, repeat // 4)
        began = time.perf_counter()
        handlers.list_all(ctx, ListArgs())
        cold = time.perf_counter() - began
        print(f"first workflow.list after start (parses every spec): {cold:.2f} s")
        report(
            f"workflow.list ({len(names)} workflows)",
            timed(lambda: handlers.list_all(ctx, ListArgs()), list_repeat),
            timed(sql(listing), list_repeat),
        )
        store = WorkflowStore(ctx.db, ctx.clock)
        report(
            "ticker's read of every schedule",
            timed(lambda: workflow_runs.schedules(store), list_repeat),
            timed(sql(listing), list_repeat),
        )
        chosen = [picker.choice(names) for _ in range(repeat)]
        ids = {name: store.get(name).id for name in set(chosen)}
        shown = iter(chosen)
        report(
            "workflow.show",
            timed(lambda: handlers.show(ctx, NameArgs(name=next(shown))), repeat),
            timed(sql(one, chosen[0]), repeat),
        )
        listed = iter(chosen)
        report(
            "workflow.runs (latest 10)",
            timed(lambda: handlers.runs(ctx, RunsArgs(name=next(listed))), repeat),
            timed(sql(latest, ids[chosen[0]]), repeat),
        )


def main() -> None:
    """Fill a fresh SQLite store and time the reads."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smaller run for a smoke test")
    options = parser.parse_args()
    workflows, runs, repeat = (200, 2_000, 50) if options.quick else (1_000, 10_000, 200)
    with tempfile.TemporaryDirectory(prefix="cf-bench-workflows-") as folder:
        settings = Settings(_env_file=None, data_dir=Path(folder))
        clock = Clock(NOW)
        db = Database(settings.sql_url)
        db.migrate()
        began = time.perf_counter()
        names = fill(db, clock, workflows, runs)
        with db.session() as session:
            stored = [
                session.exec(select(func.count()).select_from(table)).one()
                for table in (WorkflowRow, WorkflowRun)
            ]
        seconds = time.perf_counter() - began
        print(f"stored {stored[0]} workflows and {stored[1]} runs in {seconds:.1f} s")
        ctx = ToolContext(settings, AwsClients(settings), db, "alice", {}, clock)
        gc.collect()
        gc.freeze()  # the fill's objects: a full collection of them is not a listing's cost
        measure(ctx, Path(settings.sql_url.split("///", 1)[1]), names, repeat)
        db.dispose()


if __name__ == "__main__":
    main()
