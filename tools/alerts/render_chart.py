"""The lines an incident's thread gets about its metric: why there is no chart, and the
verdict of the recovery watch after a fix."""

from __future__ import annotations

from datetime import datetime

from tools.alerts.kinds import cap
from tools.alerts.render import escaped, when_words

CHART_UNAVAILABLE = ":bar_chart: No metric chart:"
"""How the line saying there is no chart begins."""


def chart_no_region() -> str:
    """The thread's line when the alert names no AWS region to read its metric in."""
    return f"{CHART_UNAVAILABLE} this alert names no known AWS region to read its metric in."


def chart_denied(code: str, permission: str) -> str:
    """The thread's line when AWS refused the metric read.

    Args:
        code: AWS's error code (AccessDenied...).
        permission: the IAM action the read needs.
    """
    return f"{CHART_UNAVAILABLE} AWS answered {code}; the bot's role lacks {permission}."


def chart_failed(code: str) -> str:
    """The thread's line when the metric could not be read for another reason.

    Args:
        code: AWS's error code, or the kind of failure.
    """
    return f"{CHART_UNAVAILABLE} CloudWatch could not be read ({cap(code, 80)})."


def chart_no_data(metric: str, start: datetime, end: datetime) -> str:
    """The thread's line when the metric has no datapoints around the alert.

    Args:
        metric: the metric's name (quoted already).
        start: window start.
        end: window end.
    """
    safe = escaped(metric, 200).replace("`", "'")
    return (
        f"{CHART_UNAVAILABLE} CloudWatch has no datapoints of `{safe}` "
        f"from {when_words(start)} to {when_words(end)}."
    )


def recovery_line(recovered: bool, statement: str) -> str:
    """The thread's verdict after a fix's watch.

    Args:
        recovered: whether the metric is back on the good side.
        statement: what the metric did (its name quoted already).
    """
    icon = ":white_check_mark: Recovered" if recovered else ":x: Not recovered"
    return f"{icon}: {statement}"


def recovery_unwatched() -> str:
    """The thread's line when the alarm gives nothing to watch after a fix."""
    return (
        "The fix ran; this alarm names no metric threshold to watch, so recovery was not checked."
    )
