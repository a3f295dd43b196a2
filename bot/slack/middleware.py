"""Global bolt middleware: request counting and de-duplication of retried events."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import BoltRequest, BoltResponse

from bot.slack.metrics import SlackMetrics
from core.coordination import Dedupe

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


def drop_duplicates(dedupe: Dedupe, metrics: SlackMetrics) -> Middleware:
    """Middleware acknowledging an already-taken event (Slack retry) without running anything.

    The event id identifies a delivery; ``X-Slack-Retry-Num`` (HTTP) or the Socket Mode
    ``retry_attempt`` says it is a retry and is logged.

    Args:
        dedupe: the shared set of taken events.
        metrics: counts dropped duplicates.
    """

    def deduplicating(
        body: dict[str, Any], req: BoltRequest, next: Callable[[], None]
    ) -> BoltResponse | None:
        event_id = body.get("event_id")
        if body.get("type") != "event_callback" or not event_id:
            next()
            return None
        if dedupe.first(f"event:{body.get('team_id', '-')}:{event_id}"):
            next()
            return None
        retry = (req.headers.get("x-slack-retry-num") or ["0"])[0]
        reason = (req.headers.get("x-slack-retry-reason") or ["-"])[0]
        log.info("dropped duplicate event %s (retry %s, %s)", event_id, retry, reason)
        metrics.duplicates.inc()
        return BoltResponse(status=200, body="")

    return deduplicating
