"""Global bolt middleware (request counting) and the log line of a retried request."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import BoltRequest, BoltResponse

from bot.slack.metrics import SlackMetrics

log = logging.getLogger(__name__)
Middleware = Callable[..., BoltResponse | None]


def request_kind(body: dict[str, Any]) -> str:
    """What kind of Slack request a body is (event type, interaction type or command).

    Args:
        body: the parsed request body.
    """
    if body.get("type") == "event_callback":
        return f"event:{(body.get('event') or {}).get('type', '-')}"
    if "command" in body:
        return "command"
    return str(body.get("type") or "other")


def count_requests(metrics: SlackMetrics) -> Middleware:
    """Middleware counting every verified request by kind.

    Args:
        metrics: where to count.
    """

    def counting(body: dict[str, Any], next: Callable[[], None]) -> None:
        metrics.requests.labels(request_kind(body)).inc()
        next()

    return counting


def log_duplicate(body: dict[str, Any], req: BoltRequest) -> None:
    """Log a request that was accepted before (a Slack retry) and is not run again.

    ``X-Slack-Retry-Num`` (HTTP) or the Socket Mode ``retry_attempt`` says it is a retry.

    Args:
        body: the request body.
        req: the bolt request (its headers).
    """
    retry = (req.headers.get("x-slack-retry-num") or ["0"])[0]
    reason = (req.headers.get("x-slack-retry-reason") or ["-"])[0]
    taken = body.get("event_id") or body.get("trigger_id") or request_kind(body)
    log.info("acknowledged duplicate %s (retry %s, %s): accepted before", taken, retry, reason)
