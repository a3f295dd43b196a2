"""Did the alarm's metric recover after a fix? Read from the fix's execution to now (read-only).

Recovered means the metric has datapoints after the fix and its latest one is back on the good
side of the alarm's threshold; anything else (still bad, or no data to tell) is not recovered.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError
from pydantic import BaseModel, Field

from core.aws_read import paginate
from tools.alerts.metric_series import read_series
from tools.alerts.models import AlertRow
from tools.alerts.playbooks.models import MetricRef, quote
from tools.alerts.signal_metrics import alarm_name, alarm_threshold, bound_of
from tools.alerts.signals import signal_for_incident
from tools.context import ToolContext
from tools.discovery.read import account_key

log = logging.getLogger(__name__)

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


def verdict_for(ctx: ToolContext, rows: Sequence[AlertRow], since: datetime) -> Recovery | None:
    """Whether the incident whose alerts are ``rows`` recovered since its fix ran at ``since``;
    None when its alarm names no metric or no threshold to judge by.

    Args:
        ctx: tool context (clients and clock).
        rows: the incident's stored alerts.
        since: when the fix ran.
    """
    signal = signal_for_incident(rows)
    firing = [row for row in rows if row.status == "firing"]
    if signal is None or signal.metric is None or not firing:
        return None
    raw = json.loads(firing[-1].raw_json or "{}")
    bound = alarm_bound(ctx, raw, signal.region, signal.account)
    if bound is None:
        return None
    return judge(ctx, signal.metric, signal.region, since, bound)


def alarm_bound(
    ctx: ToolContext, raw: dict[str, Any], region: str, account: str | None
) -> tuple[float, bool] | None:
    """The alarm's threshold and whether above it is bad: from the SNS message's ``Trigger``
    when it gives them, else from CloudWatch DescribeAlarms by the alarm's name.

    Args:
        ctx: tool context (clients).
        raw: the alert's payload (data).
        region: the alarm's region.
        account: its account, when known.
    """
    given = alarm_threshold(raw)
    name = alarm_name(raw)
    if given is not None or name is None:
        return given
    client = ctx.aws.client("cloudwatch", region, account_key(ctx, account) if account else None)
    try:
        alarms = list(paginate(client, "describe_alarms", "MetricAlarms", AlarmNames=[name]))
    except (ClientError, BotoCoreError) as error:
        log.warning("the threshold of alarm %r could not be read: %s", name[:80], error)
        return None
    first = alarms[0] if alarms else {}
    return bound_of(first.get("Threshold"), first.get("ComparisonOperator"))
