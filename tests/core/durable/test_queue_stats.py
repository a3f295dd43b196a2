"""Queue figures for Prometheus: depth, age of the oldest waiting run, retries."""

from __future__ import annotations

from datetime import timedelta

from prometheus_client import CollectorRegistry, generate_latest
from sqlalchemy import create_engine, text

from bot.queue_metrics import QueueCollector
from core.clock import Clock
from core.durable import current, system_database_url, workflow
from core.durable.queue_stats import queue_stats
from core.durable.queues import Start, queue
from core.settings import Settings

# Declared after the engine launched, so no replica takes its runs: they stay waiting.
IDLE = queue("test-stats-idle", worker_concurrency=1)


@workflow("test_queue_stats.noop")
def noop(value: int) -> int:
    """Never runs here (its queue is not served)."""
    return value


def _enqueue(*run_ids: str) -> None:
    starts = [Start(noop, run_id, (n,)) for n, run_id in enumerate(run_ids)]
    assert current().enqueuer.enqueue(IDLE, starts) == set(run_ids)


def test_depth_and_the_oldest_wait_per_queue(engine_settings: Settings) -> None:
    _enqueue("stats-1", "stats-2")
    system = create_engine(system_database_url(engine_settings))
    later = Clock(Clock().now() + timedelta(minutes=2))

    [idle] = [q for q in queue_stats(system, None, later.now()) if q.name == IDLE.name]

    assert (idle.enqueued, idle.running, idle.retries) == (2, 0, 0)
    assert 119 <= idle.oldest_seconds <= 130
    with system.begin() as connection:  # as DBOS records a run started twice more after crashes
        connection.execute(
            text("UPDATE workflow_status SET recovery_attempts = 3 WHERE workflow_uuid = 'stats-1'")
        )
    [idle] = [q for q in queue_stats(system, None, later.now()) if q.name == IDLE.name]
    assert idle.retries == 2
    system.dispose()


def test_metrics_show_every_queue(engine_settings: Settings) -> None:
    _enqueue("stats-3")
    registry = CollectorRegistry()
    enabled = engine_settings.model_copy(update={"durable_enabled": True})
    collector = QueueCollector(enabled, Clock())
    registry.register(collector)

    text_format = generate_latest(registry).decode()

    assert f'cloudfabric_queue_depth{{queue="{IDLE.name}",state="enqueued"}}' in text_format
    assert f'cloudfabric_queue_oldest_age_seconds{{queue="{IDLE.name}"}}' in text_format
    assert 'cloudfabric_queue_retries{queue="cf-scheduled"} 0.0' in text_format
    collector.close()


def test_nothing_is_shown_when_the_engine_is_off(engine_settings: Settings) -> None:
    registry = CollectorRegistry()
    registry.register(QueueCollector(engine_settings, Clock()))
    assert "cloudfabric_queue" not in generate_latest(registry).decode()
