"""The engine forgets runs that ended before the cutoff, never pending or waiting ones."""

from __future__ import annotations

from datetime import timedelta

from core.clock import Clock
from core.durable import receive, run_status, send, start_run, wait_for_run, workflow
from core.durable.retention import prune_runs
from core.settings import Settings


@workflow("test_retention.done")
def done(value: int) -> int:
    """Ends at once."""
    return value


@workflow("test_retention.waiting")
def waiting() -> str:
    """Waits for a message (as a run waits for an approval)."""
    return str(receive("go", timeout_seconds=60))


def test_ended_runs_go_after_the_period_and_waiting_ones_never(engine_settings: Settings) -> None:
    start_run(done, "ret-done-1", 1)
    wait_for_run("ret-done-1", timeout_seconds=20)
    start_run(waiting, "ret-wait-1")
    days = 90

    assert prune_runs(Clock().now() - timedelta(days=days)) == 0  # ended today: kept
    moved = Clock(Clock().now() + timedelta(days=days, minutes=1))
    assert prune_runs(moved.now() - timedelta(days=days)) >= 1

    assert run_status("ret-done-1") is None
    assert run_status("ret-wait-1").state == "PENDING"  # type: ignore[union-attr]
    send("ret-wait-1", "now", "go")
    assert wait_for_run("ret-wait-1", timeout_seconds=20).output == "now"
