"""``/readyz`` says what keeps a replica from serving, and what runs on a fallback."""

from __future__ import annotations

from pathlib import Path

from bot.readiness import Readiness, durable_problems
from core import durable
from core.clock import Clock
from core.settings import Settings


def test_an_enabled_engine_that_is_not_running_is_a_problem(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, data_dir=tmp_path, durable_enabled=True)  # type: ignore[call-arg]
    assert not durable.is_launched()
    assert durable_problems(settings, Clock()) == ["durable engine not running"]


def test_degraded_stays_ready_and_a_problem_does_not() -> None:
    degraded = Readiness(degraded=["Redis unreachable"])
    assert degraded.body() == {"status": "ready", "degraded": ["Redis unreachable"]}
    down = Readiness(problems=["database unreachable"], degraded=["Redis unreachable"])
    assert down.body()["status"] == "unavailable"
