"""Prometheus figures of the durable engine's queues, read at each scrape of ``/metrics``.

Every replica reports the same (shared) queues: aggregate with ``max``, not ``sum``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy.exc import SQLAlchemyError

from core.clock import Clock
from core.settings import Settings

if TYPE_CHECKING:
    from core.durable.queue_stats import QueueStats

log = logging.getLogger(__name__)


class QueueCollector(Collector):
    """Depth, oldest age and retries per queue; nothing unless the engine is enabled."""

    def __init__(self, settings: Settings, clock: Clock) -> None:
        """Read the system database named by ``settings`` (opened at the first scrape).

        Args:
            settings: runtime settings (``durable_enabled``, the store's URL).
            clock: the app's clock (ages are measured from it).
        """
        self.settings = settings
        self.clock = clock
        self._engine: Any = None

    def collect(self) -> Iterator[GaugeMetricFamily]:
        """The gauges (none when the engine is off or its database does not answer)."""
        if not self.settings.durable_enabled:
            return
        from core.durable.queue_stats import queue_stats

        try:
            stats = queue_stats(self._system_db(), self._schema(), self.clock.now())
        except SQLAlchemyError as error:
            log.warning("queue metrics unavailable: %s", error)
            return
        yield from _families(stats)

    def _system_db(self) -> Any:
        if self._engine is None:
            from sqlalchemy import create_engine
            from sqlalchemy.pool import NullPool

            from core.durable import system_database_url

            url = system_database_url(self.settings)
            if url.startswith("postgresql://"):
                url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
            self._engine = create_engine(url, poolclass=NullPool)
        return self._engine

    def _schema(self) -> str | None:
        from core.durable.engine import SYSTEM_SCHEMA

        return None if self._system_db().dialect.name == "sqlite" else SYSTEM_SCHEMA

    def close(self) -> None:
        """Release the engine on the system database."""
        if self._engine is not None:
            self._engine.dispose()


def _families(stats: list[QueueStats]) -> Iterator[GaugeMetricFamily]:
    depth = GaugeMetricFamily(
        "cloudfabric_queue_depth",
        "Runs on a durable queue: waiting (enqueued) or taken and not ended (running).",
        labels=["queue", "state"],
    )
    oldest = GaugeMetricFamily(
        "cloudfabric_queue_oldest_age_seconds",
        "How long the oldest run waiting on a durable queue has waited (0 when none waits).",
        labels=["queue"],
    )
    retries = GaugeMetricFamily(
        "cloudfabric_queue_retries",
        "Restarts (after a crash or a takeover) of a durable queue's unfinished runs.",
        labels=["queue"],
    )
    for queue in stats:
        depth.add_metric([queue.name, "enqueued"], queue.enqueued)
        depth.add_metric([queue.name, "running"], queue.running)
        oldest.add_metric([queue.name], queue.oldest_seconds)
        retries.add_metric([queue.name], queue.retries)
    yield from (depth, oldest, retries)
