"""Prometheus metrics of the Slack surface, in a registry owned by one app instance."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest


class Backlog(Protocol):
    """What the outbox reports for its gauges."""

    @property
    def pending(self) -> int:
        """Writes not delivered yet."""

    @property
    def oldest_seconds(self) -> float:
        """Age of the oldest of them."""

    @property
    def dead(self) -> int:
        """Writes that can never be delivered."""


class SlackMetrics:
    """Counters and histograms exposed at ``/metrics``."""

    def __init__(self) -> None:
        """Create the metrics in a fresh registry (no global state)."""
        self.registry = CollectorRegistry()
        self._backlog: Callable[[], Backlog] | None = None
        self.requests = Counter(
            "cloudfabric_slack_requests",
            "Slack requests received, by kind.",
            ["kind"],
            registry=self.registry,
        )
        self.duplicates = Counter(
            "cloudfabric_slack_duplicate_events",
            "Slack requests acknowledged without running again: accepted before (retries).",
            registry=self.registry,
        )
        self.api_errors = Counter(
            "cloudfabric_slack_api_errors",
            "Slack Web API calls that failed, by method and error.",
            ["method", "error"],
            registry=self.registry,
        )
        self.turns = Histogram(
            "cloudfabric_slack_turn_seconds",
            "Time from a Slack message to the posted answer.",
            registry=self.registry,
        )
        self.http = Histogram(
            "cloudfabric_http_request_seconds",
            "HTTP request handling time, by path.",
            ["path"],
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 3.0),
            registry=self.registry,
        )

        self.outbox_retries = Counter(
            "cloudfabric_slack_outbox_retries",
            "Outbox writes tried again after a failure, by method and Slack error.",
            ["method", "error"],
            registry=self.registry,
        )
        self.outbox_dead = Counter(
            "cloudfabric_slack_outbox_dead",
            "Outbox writes declared undeliverable, by method and Slack error.",
            ["method", "error"],
            registry=self.registry,
        )
        self.outbox_backlog = Gauge(
            "cloudfabric_slack_outbox_backlog",
            "Outbox writes not delivered yet (every replica's).",
            registry=self.registry,
        )
        self.outbox_oldest = Gauge(
            "cloudfabric_slack_outbox_oldest_pending_seconds",
            "Age of the oldest outbox write not delivered yet (0 when none).",
            registry=self.registry,
        )
        self.outbox_dead_now = Gauge(
            "cloudfabric_slack_outbox_dead_entries",
            "Outbox writes that are dead now (listed by `cloudfabric outbox list`).",
            registry=self.registry,
        )

    def watch_outbox(self, backlog: Callable[[], Backlog]) -> None:
        """Read the outbox's gauges from ``backlog`` at each scrape.

        Args:
            backlog: counts the pending and dead writes and the oldest pending one's age.
        """
        self._backlog = backlog

    def exposition(self) -> bytes:
        """The Prometheus text format of every metric."""
        if self._backlog is not None:
            found = self._backlog()
            self.outbox_backlog.set(found.pending)
            self.outbox_oldest.set(found.oldest_seconds)
            self.outbox_dead_now.set(found.dead)
        return generate_latest(self.registry)
