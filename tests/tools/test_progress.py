"""Progress lines reach only the person waiting in the same turn, at a pace Slack accepts."""

from __future__ import annotations

import threading

from tools import progress


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_first_line_shows_at_once_then_at_most_one_per_interval() -> None:
    shown: list[str] = []
    clock = Clock()
    sink = progress.Throttle(lambda line: shown.append(line) is None, interval=1.0, clock=clock)

    sink("1/10")
    clock.now = 0.4
    sink("2/10")
    sink("3/10")
    clock.now = 1.1
    sink("4/10")
    clock.now = 1.5
    with progress.reporting(sink):
        progress.report("10/10")  # held back by the throttle, shown on the way out

    assert shown == ["1/10", "4/10", "10/10"]


def test_a_line_that_could_not_be_shown_is_tried_again() -> None:
    attempts: list[str] = []
    working = {"ok": False}
    clock = Clock()

    def show(line: str) -> bool:
        attempts.append(line)
        return working["ok"]

    sink = progress.Throttle(show, interval=1.0, clock=clock)
    sink("1/3")
    working["ok"] = True
    sink("2/3")  # the first never showed, so no throttle yet
    sink("3/3")  # throttled
    sink.flush()

    assert attempts == ["1/3", "2/3", "3/3"]


def test_reports_go_to_the_sink_of_their_own_turn_only() -> None:
    received: dict[str, list[str]] = {"a": [], "b": []}
    ready = threading.Barrier(2)

    def turn(name: str) -> None:
        with progress.reporting(received[name].append):
            ready.wait()
            progress.report(f"{name} 1")
            ready.wait()
            progress.report(f"{name} 2")

    threads = [threading.Thread(target=turn, args=(n,)) for n in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert received == {"a": ["a 1", "a 2"], "b": ["b 1", "b 2"]}
    progress.report("nobody is listening")  # no sink here: nothing happens
    assert not progress.listening()
