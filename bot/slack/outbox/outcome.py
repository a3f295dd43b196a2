"""What a Web API answer means for an outbox entry: done, try again (when), or never.

Slack's error codes are sorted into those a retry cannot fix (the channel is gone, the bot is
not in it, the blocks are invalid...), those that mean the write is already in place (a
reaction already there, or already gone), and everything else: rate limits, Slack's own
failures and network errors, retried with the ``Retry-After`` Slack gives, or with
exponential back-off and full jitter (tenacity's ``wait_random_exponential``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from slack_sdk.errors import SlackApiError
from tenacity import RetryCallState, wait_random_exponential

PERMANENT = frozenset(
    {
        "channel_not_found",
        "not_in_channel",
        "is_archived",
        "channel_is_archived",
        "invalid_blocks",
        "invalid_blocks_format",
        "invalid_arguments",
        "invalid_attachments",
        "msg_too_long",
        "no_text",
        "too_many_attachments",
        "message_not_found",
        "cant_update_message",
        "edit_window_closed",
        "user_not_found",
        "user_not_in_channel",
        "cannot_dm_bot",
        "messages_tab_disabled",
        "restricted_action",
        "restricted_action_read_only_channel",
        "restricted_action_thread_only_channel",
        "restricted_action_non_threadable_channel",
        "thread_not_found",
        "file_missing",
        "invalid_name",
        "bad_timestamp",
        "missing_scope",
        "not_allowed_token_type",
        "method_deprecated",
        "unknown_method",
    }
)
"""Errors no retry can fix: the entry is dead and its requester is told."""

ALREADY_DONE = frozenset({"already_reacted", "no_reaction"})
"""Errors saying the write is in place already (reactions added or removed before)."""

RATE_LIMITED = "ratelimited"
BACKOFF = wait_random_exponential(multiplier=1, max=300)


@dataclass(frozen=True)
class Outcome:
    """What happened to one try.

    Attributes:
        kind: ``done``, ``retry`` or ``dead``.
        error: Slack's error code (or the exception's name) when not ok.
        retry_after: seconds Slack asked to wait (429), else None.
    """

    kind: str
    error: str | None = None
    retry_after: float | None = None

    @property
    def rate_limited(self) -> bool:
        """True when Slack answered 429 (it does not count towards the error limit)."""
        return self.error == RATE_LIMITED


def of_slack_error(failure: SlackApiError) -> Outcome:
    """The outcome of a call Slack answered with an error.

    Args:
        failure: the SDK's exception (its response has the status, headers and error code).
    """
    response = failure.response
    error = str(response.get("error") or f"http_{response.status_code}")
    if response.status_code == 429 or error == RATE_LIMITED:
        return Outcome("retry", RATE_LIMITED, retry_after(response.headers))
    if error in ALREADY_DONE:
        return Outcome("done", error)
    if error in PERMANENT:
        return Outcome("dead", error)
    return Outcome("retry", error)


def of_exception(failure: Exception) -> Outcome:
    """The outcome of a call that failed without an answer from Slack (network, timeout).

    Args:
        failure: what was raised.
    """
    return Outcome("retry", type(failure).__name__)


def retry_after(headers: dict[str, Any]) -> float:
    """Seconds from a ``Retry-After`` header (1 when missing or unreadable, as Slack means).

    Args:
        headers: the response headers (values may be lists).
    """
    value: Any = next((v for k, v in headers.items() if k.lower() == "retry-after"), None)
    if isinstance(value, list):
        value = value[0] if value else None
    try:
        return max(float(value), 0.0) if value is not None else 1.0
    except ValueError:
        return 1.0


def backoff_seconds(errors: int) -> float:
    """The wait before the next try after ``errors`` failures in a row: exponential (1 s,
    2 s, 4 s... up to five minutes) with full jitter.

    Args:
        errors: failures so far, the latest included (at least 1).
    """
    state = RetryCallState(retry_object=None, fn=None, args=(), kwargs={})  # type: ignore[arg-type]
    state.attempt_number = max(errors, 1)
    return float(BACKOFF(state))
