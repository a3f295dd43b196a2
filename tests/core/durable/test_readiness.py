"""``/readyz`` and the durable engine: ready while this replica's heartbeat is fresh."""

from __future__ import annotations

from datetime import timedelta

from bot.readiness import durable_problems
from core import durable
from core.clock import Clock
from core.settings import Settings


def test_a_fresh_heartbeat_is_ready_and_a_stale_one_is_not(engine_settings: Settings) -> None:
    enabled = engine_settings.model_copy(update={"durable_enabled": True})
    engine = durable.current()
    beat = engine.heartbeats.beat()

    assert durable_problems(enabled, Clock()) == []
    later = Clock(Clock().now() + timedelta(seconds=enabled.durable_dead_after_seconds + 1))
    assert durable_problems(enabled, later) == [
        f"durable engine heartbeat stale (last at {beat.isoformat()})"
    ]


def test_an_engine_not_asked_for_is_not_checked(engine_settings: Settings) -> None:
    assert durable_problems(engine_settings, Clock()) == []
