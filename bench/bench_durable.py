"""Benchmark: the durable engine's cost per step, and how soon a due schedule's run starts.

1. Step overhead: a workflow runs N checkpointed steps of a small function; the baseline,
   measured in the same run, calls the same function N times directly. Printed: microseconds
   per call both ways, the engine's overhead per step and the ratio; and, since a checkpoint
   is a durable write, the step against one bare committed SQLite insert on the same disk
   (WAL, the default full sync), also measured in the run.
2. Tick dispatch latency: S schedules (every minute, fire times spread over a few seconds)
   on a clock that runs in real time; a ticker thread ticks every ``--tick`` seconds. Each
   tick records its due runs on the engine's queue in one transaction, and each replica's
   queue thread (looking every ``--poll`` seconds) starts them. Printed, as p50 / p99 / max
   after the fire time: when the run was recorded in the engine (the tick's transaction
   committed: from then on no crash loses it), and when its body started; and the p50
   against the tick interval (the floor any polling ticker has: half of it on average).

Both on the embedded default (SQLite in a temporary folder), or on an empty PostgreSQL
database given with ``--database-url`` (the commit floor stays a local SQLite file).

    uv run python -m bench.bench_durable           # 300 steps, 1,000 schedules
    uv run python -m bench.bench_durable --quick   # 50 steps, 200 schedules
"""

from __future__ import annotations

import argparse
import hashlib
import sqlite3
import statistics
import tempfile
import threading
import time
from collections.abc import Sequence
from contextlib import closing
from datetime import datetime, timedelta
from pathlib import Path

from core.clock import Clock, parse_instant
from core.durable import (
    Schedule,
    Ticker,
    current,
    launch,
    run_id_for,
    shutdown,
    start_run,
    step,
    wait_for_run,
    workflow,
)
from core.durable.engine import fixed_rate
from core.durable.queues import Start, WorkQueue
from core.recurrence import Recurrence
from core.settings import Settings

started_at: dict[str, tuple[datetime, datetime]] = {}
"""Schedule id -> (fire time, when its run's body started)."""
recorded_at: dict[str, datetime] = {}
"""Run id -> when the tick's transaction that recorded it committed."""
_clock: list[Clock] = []


def digest(text: str) -> str:
    """The small function both ways: a SHA-256 of a short text."""
    return hashlib.sha256(text.encode()).hexdigest()


@step("bench.digest")
def digest_step(text: str) -> str:
    """``digest`` as a checkpointed step."""
    return digest(text)


@workflow("bench.steps")
def many_steps(count: int) -> int:
    """Run ``count`` steps in a row."""
    for n in range(count):
        digest_step(f"item-{n}")
    return count


@workflow("bench.scheduled")
def scheduled(schedule_id: str, fire_at: str) -> None:
    """Record when this run's body started, on the engine's clock."""
    started_at[schedule_id] = (parse_instant(fire_at), _clock[0].now())


def commit_seconds(folder: Path, count: int) -> float:
    """Seconds one committed insert takes in a WAL SQLite file in ``folder`` (the disk's floor).

    Args:
        folder: where the scratch file goes (the engine's disk).
        count: inserts to time.
    """
    with closing(sqlite3.connect(folder / "commit-floor.sqlite")) as connection:
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("CREATE TABLE t (n INTEGER, text TEXT)")
        connection.commit()
        began = time.perf_counter()
        for n in range(count):
            connection.execute("INSERT INTO t VALUES (?, ?)", (n, digest(str(n))))
            connection.commit()
        return (time.perf_counter() - began) / count


def step_overhead(count: int, folder: Path) -> None:
    """Time ``count`` steps in a workflow against ``count`` direct calls, and print both.

    Args:
        count: steps (and direct calls).
        folder: the engine's data folder (for the commit floor).
    """
    began = time.perf_counter()
    for n in range(count):
        digest(f"item-{n}")
    direct = (time.perf_counter() - began) / count
    start_run(many_steps, "bench-warm-up", 5)
    wait_for_run("bench-warm-up", timeout_seconds=60, poll_seconds=0.005)
    began = time.perf_counter()
    start_run(many_steps, "bench-steps", count)
    wait_for_run("bench-steps", timeout_seconds=600, poll_seconds=0.005)
    stepped = (time.perf_counter() - began) / count
    print(
        f"{count} steps: direct {direct * 1e6:.1f} us/call, as a step {stepped * 1e6:.0f} us/call; "
        f"engine overhead {(stepped - direct) * 1e3:.2f} ms/step, ratio {stepped / direct:,.0f}x"
    )
    commit = commit_seconds(folder, count)
    print(
        f"one committed SQLite insert on the same disk: {commit * 1e3:.2f} ms; "
        f"a step costs {stepped / commit:.1f} commits"
    )


def dispatch_latency(count: int, tick_seconds: float) -> None:
    """Fire ``count`` schedules within a few seconds and print the latency percentiles.

    Args:
        count: schedules.
        tick_seconds: the ticker's interval.
    """
    clock = _clock[0]
    base = clock.now().replace(microsecond=0) + timedelta(seconds=2)
    spread = 4.0  # seconds the fire times are spread over
    every_minute = Recurrence(kind="rate", rate=timedelta(minutes=1))
    schedules = [
        Schedule(
            f"s{n}",
            every_minute,
            base - timedelta(minutes=1) + timedelta(seconds=spread * n / count),
            scheduled,
        )
        for n in range(count)
    ]
    enqueuer = current().enqueuer

    def enqueue(work: WorkQueue, starts: Sequence[Start]) -> set[str]:
        created = enqueuer.enqueue(work, starts)
        now = clock.now()
        recorded_at.update(dict.fromkeys(created, now))
        return created

    ticker = Ticker(current().db, clock, lambda: schedules, enqueue)
    stop = threading.Event()

    def tick() -> None:
        for _ in fixed_rate(tick_seconds, stop):
            ticker.tick()

    thread = threading.Thread(target=tick, daemon=True)
    thread.start()
    deadline = time.monotonic() + 2 + spread + 120
    while len(started_at) < count and time.monotonic() < deadline:
        time.sleep(0.05)
    stop.set()
    thread.join()
    fires = {run_id_for(key, fire): fire for key, (fire, _) in started_at.items()}
    recorded = [(at - fires[run]).total_seconds() for run, at in recorded_at.items()]
    started = [(began - fire).total_seconds() for fire, began in started_at.values()]
    first_fire = min(fire for fire, _ in started_at.values())
    last_start = max(began for _, began in started_at.values())
    rate = len(started) / max((last_start - first_fire).total_seconds(), 1e-3)
    print(
        f"{len(started)}/{count} scheduled runs started ({rate:.0f}/s against "
        f"{count / spread:.0f} fires/s asked); tick every {tick_seconds * 1e3:.0f} ms"
    )
    for label, latencies in (("recorded in the engine", recorded), ("body started", started)):
        print(f"  fire time -> {label}: {_percentiles(sorted(latencies), tick_seconds)}")


def _percentiles(latencies: list[float], tick_seconds: float) -> str:
    """p50 / p99 / max of sorted ``latencies`` in ms, and p50 against the tick interval."""
    p50 = statistics.median(latencies)
    p99 = latencies[max(0, int(len(latencies) * 0.99) - 1)]
    return (
        f"p50 {p50 * 1e3:.0f} ms, p99 {p99 * 1e3:.0f} ms, max {latencies[-1] * 1e3:.0f} ms "
        f"(p50 is {p50 / tick_seconds:.1f}x the interval)"
    )


def main() -> None:
    """Run both measurements on a fresh engine."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smaller run for a smoke test")
    parser.add_argument("--tick", type=float, default=0.1, help="ticker interval, seconds")
    parser.add_argument(
        "--poll", type=float, default=0.02, help="how often the queue is polled, seconds"
    )
    parser.add_argument(
        "--database-url",
        default=None,
        help="an empty PostgreSQL database to run on instead of SQLite (its schema is kept)",
    )
    options = parser.parse_args()
    steps, schedules = (50, 200) if options.quick else (300, 1000)
    with tempfile.TemporaryDirectory(prefix="cf-bench-durable-") as folder:
        settings = Settings(
            _env_file=None,  # type: ignore[call-arg]
            data_dir=Path(folder) / "cf",
            database_url=options.database_url,
            durable_executor_id="bench",
            durable_poll_seconds=0.05,
            durable_queue_poll_seconds=options.poll,
        )
        _clock.append(Clock())
        launch(settings, _clock[0], role="bench", maintain=False)
        try:
            step_overhead(steps, Path(folder))
            dispatch_latency(schedules, options.tick)
        finally:
            shutdown()


if __name__ == "__main__":
    main()
