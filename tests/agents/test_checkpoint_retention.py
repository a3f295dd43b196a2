"""Conversations idle past the retention period are forgotten; recent ones stay (SQLite and
PostgreSQL checkpointers)."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from langgraph.checkpoint.base import empty_checkpoint
from langgraph.checkpoint.base.id import uuid6

from agents.checkpoint import Checkpoints, checkpoint_time, open_checkpoints
from core.clock import Clock

pytestmark = pytest.mark.time_sensitive


@pytest.fixture(params=["sqlite", "postgres"])
def checkpoints(request: pytest.FixtureRequest, tmp_path: Path) -> Checkpoints:
    url = f"sqlite:///{tmp_path / 'cf.db'}"
    if request.param == "postgres":
        url = request.getfixturevalue("own_postgres_url")
    opened = open_checkpoints(url, tmp_path)
    request.addfinalizer(opened.close)
    return opened


def _turn(checkpoints: Checkpoints, thread: str) -> str:
    """Checkpoint one turn of ``thread`` now; the checkpoint's id."""
    config = {"configurable": {"thread_id": thread, "checkpoint_ns": ""}}
    checkpoint = empty_checkpoint()
    checkpoints.saver.put(config, checkpoint, {"source": "input", "step": 0}, {})  # type: ignore[arg-type]
    return str(checkpoint["id"])


def _threads(checkpoints: Checkpoints) -> set[str]:
    return {item.config["configurable"]["thread_id"] for item in checkpoints.saver.list(None)}


def _later_than_any_checkpoint_id() -> datetime:
    """An instant after every checkpoint id made in this process: ids never go back in time
    (LangGraph's ``uuid6`` keeps them increasing), so a test travels forward from there."""
    return max(Clock().now(), checkpoint_time(str(uuid6()))) + timedelta(days=1)


def test_idle_conversations_go_and_recent_ones_stay(checkpoints: Checkpoints) -> None:
    start = _later_than_any_checkpoint_id()
    with time_machine.travel(start, tick=False) as traveller:
        first = _turn(checkpoints, "T1:C1:old")
        assert abs(checkpoint_time(first) - start) < timedelta(seconds=1)
        traveller.move_to(start + timedelta(days=10))
        _turn(checkpoints, "T1:C1:old")  # its latest turn is 10 days after the first
        _turn(checkpoints, "T1:C1:quiet")
        traveller.move_to(start + timedelta(days=35))
        _turn(checkpoints, "T1:C1:busy")

        cutoff = Clock().now() - timedelta(days=30)
        assert checkpoints.prune(cutoff) == 0  # the latest turns are 25 days old at most

        traveller.move_to(start + timedelta(days=45))
        assert checkpoints.prune(Clock().now() - timedelta(days=30)) == 2

    assert _threads(checkpoints) == {"T1:C1:busy"}
