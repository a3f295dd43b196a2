"""The fence of a turn past its budget: the caller gets control back, late effects never happen."""

from __future__ import annotations

import threading

import pytest

from agents import turns
from agents.turns import Turn, TurnAbandoned
from tools import progress


def test_a_turn_within_its_budget_returns_its_result() -> None:
    assert Turn().run_within(5.0, lambda: "answer") == "answer"


def test_an_error_of_the_turn_reaches_the_caller() -> None:
    def failing() -> str:
        raise ValueError("broken")

    with pytest.raises(ValueError, match="broken"):
        Turn().run_within(5.0, failing)


def test_a_fenced_turn_files_nothing_later_and_its_earlier_requests_are_undone() -> None:
    release, ended, withdrawn = threading.Event(), threading.Event(), threading.Event()
    effects: list[str] = []
    undone: list[list[str]] = []

    def undo(approval_ids: list[str]) -> None:
        undone.append(approval_ids)
        withdrawn.set()

    def slow_turn() -> str:
        current = turns.current()
        assert current is not None
        current.begin()
        with turns.effect():
            effects.append("first request")
            turns.filed("a1")
        release.wait(10)
        try:
            with turns.effect():
                effects.append("second request")
        finally:
            ended.set()
        return "late answer"

    turn = Turn()
    with pytest.raises(TurnAbandoned):
        turn.run_within(0.2, slow_turn, undo=undo)

    assert turn.fenced and turn.started
    release.set()
    assert ended.wait(10) and withdrawn.wait(10)
    assert effects == ["first request"]
    assert undone == [["a1"]]


def test_progress_of_a_fenced_turn_is_dropped() -> None:
    shown: list[str] = []
    release, ended = threading.Event(), threading.Event()

    def reporting_turn() -> None:
        progress.report("scanning us-east-1")
        release.wait(10)
        progress.report("scanning eu-west-1")
        ended.set()

    with progress.reporting(shown.append), pytest.raises(TurnAbandoned):
        Turn().run_within(0.2, reporting_turn)
    release.set()
    assert ended.wait(10)

    assert shown == ["scanning us-east-1"]


def test_a_turn_fenced_before_it_began_never_begins() -> None:
    turn = Turn()
    assert turn.fence() is True

    with pytest.raises(TurnAbandoned):
        turn.begin()
    assert not turn.started
