"""The metric chart of an incident: its alarm's metric read around the alert's start, drawn
as a PNG, or one sentence saying why there is none (no metric, no permission, no datapoints).

Read-only. The metric, its statistic, period and threshold come from the alert (data).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from datetime import timedelta

from botocore.exceptions import BotoCoreError, ClientError
from pydantic import BaseModel, Field

from core.aws import UnknownRegion, check_region
from tools.alerts import render
from tools.alerts.chart import ChartSpec, draw_png
from tools.alerts.metric_series import PERMISSION, read_series
from tools.alerts.models import AlertRow
from tools.alerts.playbooks.models import MetricRef, quote
from tools.alerts.playbooks.notebook import DENIED
from tools.alerts.signal_metrics import alarm_metrics, alarm_statistic, alarm_threshold
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
    unavailable: str | None = Field(default=None, description="Why there is no chart.")


def incident_chart(ctx: ToolContext, incident_id: int, rows: Sequence[AlertRow]) -> IncidentChart:
    """The chart of the incident whose stored alerts are ``rows``.

    Args:
        ctx: tool context (AWS clients, clock).
        incident_id: the incident (names the file).
        rows: its alerts, oldest first.
    """
    filename = f"incident-{incident_id}-metric.png"
    firing = [row for row in rows if row.status == "firing"] or list(rows)
    if not firing:
        return IncidentChart(filename=filename, unavailable=render.chart_no_metric())
    row = firing[0]
    raw = json.loads(row.raw_json or "{}")
    metrics = alarm_metrics(raw)
    if not metrics:
        return IncidentChart(filename=filename, unavailable=render.chart_no_metric())
    metric = metrics[0]
    statistic, period = alarm_statistic(raw)
    fired = row.starts_at or row.received_at
    start, end = fired - BEFORE, max(ctx.clock.now(), fired + AFTER_AT_LEAST)
    name = quote(f"{metric.namespace} {metric.name}", 120)
    try:
        client = _client(ctx, row)
        points = read_series(client, metric, statistic, period, start, end)
    except ClientError as error:
        code = str(error.response.get("Error", {}).get("Code", "error"))
        why = render.chart_denied(code, PERMISSION) if code in DENIED else None
        return IncidentChart(filename=filename, unavailable=why or render.chart_failed(code))
    except UnknownRegion:
        return IncidentChart(filename=filename, unavailable=render.chart_no_region())
    except BotoCoreError as error:
        log.warning("metric chart of incident %s not read: %s", incident_id, error)
        failed = render.chart_failed(type(error).__name__)
        return IncidentChart(filename=filename, unavailable=failed)
    if not points:
        return IncidentChart(filename=filename, unavailable=render.chart_no_data(name, start, end))
    bound = alarm_threshold(raw)
    spec = ChartSpec(
        title=_title(metric, name), unit=f"{statistic} per {period // 60} min", points=points,
        start=start, end=max(end, points[-1][0]), fired_at=fired,
        threshold=bound[0] if bound else None,
    )  # fmt: skip
    return IncidentChart(png=draw_png(spec), filename=filename)


def _client(ctx: ToolContext, row: AlertRow) -> object:
    """A CloudWatch client in the alert's account and region."""
    region = check_region(row.region or "")
    account = row.account if row.account and row.account.isdigit() else None
    return ctx.aws.client("cloudwatch", region, account_key(ctx, account) if account else None)


def _title(metric: MetricRef, name: str) -> str:
    """The metric and its dimensions, capped (data from the alarm)."""
    dims = ", ".join(f"{k}={v}" for k, v in metric.dimensions.items())
    return quote(f"{name} ({dims})" if dims else name, 140)
