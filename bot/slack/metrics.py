"""Prometheus metrics of the Slack surface, in a registry owned by one app instance."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest


class SlackMetrics:
    """Counters and histograms exposed at ``/metrics``."""

    def __init__(self) -> None:
        """Create the metrics in a fresh registry (no global state)."""
        self.registry = CollectorRegistry()
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

    def exposition(self) -> bytes:
        """The Prometheus text format of every metric."""
        return generate_latest(self.registry)
