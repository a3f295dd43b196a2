"""Did the alarm's metric recover after a fix? Read from the fix's execution to now (read-only).

Recovered means the metric has datapoints after the fix and its latest one is back on the good
side of the alarm's threshold; anything else (still bad, or no data to tell) is not recovered.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from tools.alerts.metric_series import read_series
from tools.alerts.playbooks.models import MetricRef, quote
from tools.context import ToolContext

PERIOD = 60
"""Seconds per datapoint read."""


class Recovery(BaseModel):
    """The verdict of a recovery watch."""

    recovered: bool = Field(description="True when the latest datapoint is back within bounds.")
    statement: str = Field(description="One line saying what the metric did, for the thread.")
    datapoints: int = Field(description="Datapoints read since the fix.")
    latest: float | None = Field(default=None, description="The latest datapoint, if any.")


def judge(
    ctx: ToolContext,
    metric: MetricRef,
    region: str,
    since: datetime,
    bound: tuple[float, bool],
) -> Recovery:
    """Whether ``metric`` recovered since ``since`` (the fix), by the alarm's threshold.

    Args:
        ctx: tool context (clients and clock).
        metric: the alarm's metric.
        region: its region.
        since: when the fix ran.
        bound: threshold and whether above it is bad.
    """
    threshold, above_is_bad = bound
    points = _points(ctx, metric, region, since)
    name = f"{metric.namespace} {metric.name}"
    if not points:
        statement = f"{name} has no datapoints since the fix, so recovery cannot be confirmed."
        return Recovery(recovered=False, statement=statement, datapoints=0)
    latest = points[-1][1]
    good = latest < threshold if above_is_bad else latest > threshold
    side = "below" if above_is_bad else "above"
    verdict = "is back" if good else "is not back"
    statement = (
        f"{quote(name, 120)} {verdict} {side} its alarm threshold {threshold:g}: latest "
        f"{latest:.1f} over {len(points)} datapoint(s) since the fix."
    )
    return Recovery(recovered=good, statement=statement, datapoints=len(points), latest=latest)


def _points(
    ctx: ToolContext, metric: MetricRef, region: str, since: datetime
) -> list[tuple[datetime, float]]:
    """Average datapoints of ``metric`` from ``since`` to now, oldest first."""
    client = ctx.aws.client("cloudwatch", region)
    return read_series(client, metric, "Average", PERIOD, since, ctx.clock.now())
