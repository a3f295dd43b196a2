"""Queues of the engine: a run recorded once under its id, and a partitioned queue that runs
one run of a partition at a time, in order, while other partitions go on beside it."""

from __future__ import annotations

import threading
import time
from itertools import pairwise

from core.durable import current, wait_for_run, workflow
from core.durable.queues import Start, queue
from core.settings import Settings

ONE_AT_A_TIME = queue("test-partitioned", worker_concurrency=4, partition_concurrency=1)
held: list[tuple[str, str, float, float]] = []
_lock = threading.Lock()


@workflow("test_queues.hold")
def hold(partition: str, name: str, seconds: float) -> str:
    """Hold for ``seconds``, recording when it began and ended."""
    began = time.monotonic()
    time.sleep(seconds)
    with _lock:
        held.append((partition, name, began, time.monotonic()))
    return name


def _start(partition: str, name: str) -> Start:
    return Start(hold, f"test-q-{name}", (partition, name, 0.3), partition_key=partition)


def test_a_run_id_is_recorded_once(engine_settings: Settings) -> None:
    enqueuer = current().enqueuer

    first = enqueuer.enqueue_one(ONE_AT_A_TIME, _start("p0", "once"))
    again = enqueuer.enqueue_one(ONE_AT_A_TIME, _start("p0", "once"))

    assert (first, again) == (True, False)
    assert wait_for_run("test-q-once", timeout_seconds=20).output == "once"


def test_one_run_per_partition_at_a_time_in_order_and_partitions_side_by_side(
    engine_settings: Settings,
) -> None:
    enqueuer = current().enqueuer
    names = ["a1", "a2", "a3"]
    for name in names:
        assert enqueuer.enqueue_one(ONE_AT_A_TIME, _start("pa", name))
    assert enqueuer.enqueue_one(ONE_AT_A_TIME, _start("pb", "b1"))

    for name in [*names, "b1"]:
        wait_for_run(f"test-q-{name}", timeout_seconds=30)

    in_a = sorted((h for h in held if h[0] == "pa"), key=lambda h: h[2])
    assert [h[1] for h in in_a] == names
    assert all(later[2] >= earlier[3] for earlier, later in pairwise(in_a))
    (b1,) = [h for h in held if h[0] == "pb"]
    assert b1[2] < in_a[0][3]  # b1 began while a1 ran
