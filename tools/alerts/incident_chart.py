"""The metric chart of an incident: its alarm's metric read around the alert's start, drawn
as a PNG, or one sentence saying why there is none (no region, no permission, no datapoints).
An alert that is no CloudWatch metric alarm has neither: there is nothing to chart.

Read-only. The metric, its statistic, period and threshold come from the alert (data).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from datetime import datetime, timedelta

from botocore.exceptions import BotoCoreError, ClientError
from pydantic import BaseModel, Field

from core.aws import UnknownRegion, check_region
from tools.alerts import render_chart
from tools.alerts.chart import ChartSpec, draw_png
from tools.alerts.metric_series import PERMISSION, read_series
from tools.alerts.models import AlertRow
from tools.alerts.playbooks.models import MetricRef, quote
from tools.alerts.playbooks.notebook import DENIED
from tools.alerts.recovery import alarm_bound
from tools.alerts.signal_metrics import alarm_metrics, alarm_statistic
from tools.context import ToolContext
from tools.discovery.read import account_key

log = logging.getLogger(__name__)
BEFORE = timedelta(hours=3)
"""How far before the alert's start the chart begins (it ends now)."""
AFTER_AT_LEAST = timedelta(minutes=30)
"""The chart ends at least this long after the start (a start the clock has not reached)."""


class IncidentChart(BaseModel):
    """An incident's chart, or why it has none."""

    png: bytes | None = Field(default=None, description="The PNG, when there is data to draw.")
    filename: str = Field(description="The file's name in the thread.")
    unavailable: str | None = Field(
        default=None,
        description="Why a metric alarm has no chart (None when it has one, or is "
        "no metric alarm).",
    )


def incident_chart(ctx: ToolContext, incident_id: int, rows: Sequence[AlertRow]) -> IncidentChart:
    """The chart of the incident whose stored alerts are ``rows``.

    Args:
        ctx: tool context (AWS clients, clock).
        incident_id: the incident (names the file).
        rows: its alerts, oldest first.
    """
    filename = f"incident-{incident_id}-metric.png"
    firing = [row for row in rows if row.status == "firing"] or list(rows)
    raw = json.loads(firing[0].raw_json or "{}") if firing else {}
    metrics = alarm_metrics(raw)
    if not metrics:  # not a CloudWatch alarm (Alertmanager, GuardDuty...): nothing to chart
        return IncidentChart(filename=filename)
    row, metric = firing[0], metrics[0]
    region = _region(row.region)
    if region is None:
        return IncidentChart(filename=filename, unavailable=render_chart.chart_no_region())
    account = row.account if row.account and row.account.isdigit() else None
    fired = row.starts_at or row.received_at
    start, end = fired - BEFORE, max(ctx.clock.now(), fired + AFTER_AT_LEAST)
    statistic, period = alarm_statistic(raw)
    client = ctx.aws.client("cloudwatch", region, account_key(ctx, account) if account else None)
    points = _read(client, metric, (statistic, period), start, end)
    if isinstance(points, str):
        return IncidentChart(filename=filename, unavailable=points)
    bound = alarm_bound(ctx, raw, region, account)
    name = quote(f"{metric.namespace} {metric.name}", 120)
    spec = ChartSpec(
        title=_title(metric, name), unit=f"{statistic} per {period // 60} min", points=points,
        start=min(start, points[0][0]), end=max(end, points[-1][0]), fired_at=fired,
        threshold=bound[0] if bound else None,
    )  # fmt: skip
    return IncidentChart(png=draw_png(spec), filename=filename)


def _read(
    client: object, metric: MetricRef, how: tuple[str, int], start: datetime, end: datetime
) -> list[tuple[datetime, float]] | str:
    """The datapoints, or the sentence saying why there are none to draw."""
    try:
        points = read_series(client, metric, how[0], how[1], start, end)
    except ClientError as error:
        code = str(error.response.get("Error", {}).get("Code", "error"))
        return (
            render_chart.chart_denied(code, PERMISSION)
            if code in DENIED
            else render_chart.chart_failed(code)
        )
    except BotoCoreError as error:
        log.warning("a metric chart was not read: %s", error)
        return render_chart.chart_failed(type(error).__name__)
    name = quote(f"{metric.namespace} {metric.name}", 120)
    return points or render_chart.chart_no_data(name, start, end)


def _region(value: str | None) -> str | None:
    """A known region code, else None."""
    try:
        return check_region(value or "")
    except UnknownRegion:
        return None


def _title(metric: MetricRef, name: str) -> str:
    """The metric and its dimensions, capped (data from the alarm)."""
    dims = ", ".join(f"{k}={v}" for k, v in metric.dimensions.items())
    return quote(f"{name} ({dims})" if dims else name, 140)
