"""The chart under an incident's root: the alarm's metric read from CloudWatch (moto) around
the alert's start is drawn as a 900 x 400 PNG with the threshold line when the alarm gives one;
without data (AccessDenied, no datapoints) there is one sentence saying why; an alert that is
no metric alarm has nothing to chart."""

from __future__ import annotations

import io
import json
from datetime import datetime, timedelta
from typing import Any

import pytest
from botocore.stub import Stubber
from PIL import Image

from tools.alerts.incident_chart import incident_chart
from tools.alerts.models import AlertRow
from tools.alerts.signal_metrics import alarm_statistic
from tools.context import ToolContext

INSTANCE = "i-0abc1234"
THRESHOLD_RGB = (0xC0, 0x39, 0x2B)


def _row(fired: datetime, trigger: dict[str, Any] | None, region: str = "us-east-1") -> AlertRow:
    message: dict[str, Any] = {"AlarmName": "web-cpu", "NewStateValue": "ALARM"}
    if trigger is not None:
        message["Trigger"] = trigger
    raw = {"Type": "Notification", "Message": json.dumps(message)}
    return AlertRow(
        dedupe_key="k", source="sns", fingerprint="web-cpu", status="firing", severity="error",
        title="web-cpu", region=region, starts_at=fired, received_at=fired,
        raw_json=json.dumps(raw), incident_id=7,
    )  # fmt: skip


def _trigger(**extra: Any) -> dict[str, Any]:
    return {
        "MetricName": "CPUUtilization", "Namespace": "AWS/EC2", "Statistic": "AVERAGE",
        "Period": 300, "Dimensions": [{"name": "InstanceId", "value": INSTANCE}], **extra,
    }  # fmt: skip


def _seed(ctx: ToolContext, fired: datetime) -> None:
    values = [20.0, 22.0, 21.0, 25.0, 91.0, 96.0, 97.0]
    data = [
        {"MetricName": "CPUUtilization", "Value": value,
         "Dimensions": [{"Name": "InstanceId", "Value": INSTANCE}],
         "Timestamp": fired - timedelta(minutes=5 * (4 - i))}
        for i, value in enumerate(values)
    ]  # fmt: skip
    ctx.aws.client("cloudwatch", "us-east-1").put_metric_data(Namespace="AWS/EC2", MetricData=data)


def _image(png: bytes | None) -> Image.Image:
    assert png is not None and png.startswith(b"\x89PNG\r\n\x1a\n")
    image = Image.open(io.BytesIO(png))
    image.load()
    return image.convert("RGB")


def _has_colour(image: Image.Image, rgb: tuple[int, int, int]) -> bool:
    colours = image.getcolors(maxcolors=image.width * image.height) or []
    return any(colour == rgb for _, colour in colours)


def test_the_alarm_metric_around_the_start_is_drawn_with_its_threshold(ctx: ToolContext) -> None:
    fired = ctx.clock.now().replace(second=0, microsecond=0) - timedelta(minutes=15)
    _seed(ctx, fired)
    chart = incident_chart(
        ctx, 7, [_row(fired, _trigger(Threshold=80.0, ComparisonOperator="GreaterThanThreshold"))]
    )
    assert chart.unavailable is None and chart.filename == "incident-7-metric.png"
    image = _image(chart.png)
    assert image.size == (900, 400)
    assert _has_colour(image, THRESHOLD_RGB)  # the dashed threshold line


def test_without_a_threshold_no_line_is_drawn(ctx: ToolContext) -> None:
    fired = ctx.clock.now().replace(second=0, microsecond=0) - timedelta(minutes=15)
    _seed(ctx, fired)
    chart = incident_chart(ctx, 7, [_row(fired, _trigger())])
    image = _image(chart.png)
    assert image.size == (900, 400) and not _has_colour(image, THRESHOLD_RGB)


def test_a_threshold_the_message_lacks_is_read_from_describe_alarms(ctx: ToolContext) -> None:
    fired = ctx.clock.now().replace(second=0, microsecond=0) - timedelta(minutes=15)
    _seed(ctx, fired)
    ctx.aws.client("cloudwatch", "us-east-1").put_metric_alarm(
        AlarmName="web-cpu", MetricName="CPUUtilization", Namespace="AWS/EC2",
        Statistic="Average", Period=300, EvaluationPeriods=1, Threshold=80.0,
        ComparisonOperator="GreaterThanThreshold",
    )  # fmt: skip
    chart = incident_chart(ctx, 7, [_row(fired, _trigger())])
    assert _has_colour(_image(chart.png), THRESHOLD_RGB)


def test_no_datapoints_say_so_with_the_window(ctx: ToolContext) -> None:
    fired = ctx.clock.now() - timedelta(minutes=15)
    chart = incident_chart(
        ctx, 7, [_row(fired, _trigger(Threshold=80.0, ComparisonOperator="GreaterThanThreshold"))]
    )
    assert chart.png is None and chart.unavailable is not None
    assert "no datapoints of `AWS/EC2 CPUUtilization`" in chart.unavailable


def test_an_alert_that_is_no_metric_alarm_has_nothing_to_chart_or_say(ctx: ToolContext) -> None:
    chart = incident_chart(ctx, 7, [_row(ctx.clock.now(), None)])
    assert chart.png is None and chart.unavailable is None


@pytest.mark.parametrize(
    ("code", "words"),
    [
        (
            "AccessDenied",
            "AWS answered AccessDenied; the bot's role lacks cloudwatch:GetMetricData",
        ),
        ("Throttling", "CloudWatch could not be read (Throttling)"),
    ],
)
def test_a_refused_read_says_why(ctx: ToolContext, code: str, words: str) -> None:
    def refuse(service: str, region: str, account: str | None, client: Any) -> None:
        if service == "cloudwatch":
            stubber = Stubber(client)
            stubber.add_client_error("get_metric_data", service_error_code=code,
                                     http_status_code=403)  # fmt: skip
            stubber.activate()

    ctx.aws.on_new_client(refuse)
    chart = incident_chart(ctx, 7, [_row(ctx.clock.now(), _trigger())])
    assert chart.png is None and chart.unavailable is not None and words in chart.unavailable


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ({"Message": json.dumps({"Trigger": {"Statistic": "MAXIMUM", "Period": 60}})},
         ("Maximum", 60)),
        ({"Message": json.dumps({"Trigger": {"ExtendedStatistic": "p99", "Period": 120}})},
         ("p99", 120)),
        ({"detail-type": "CloudWatch Alarm State Change", "detail": {"configuration": {
            "metrics": [{"metricStat": {"stat": "Sum", "period": 300}}]}}}, ("Sum", 300)),
        ({"Message": json.dumps({"Trigger": {"Statistic": "drop table", "Period": 7}})},
         ("Average", 300)),
        ({}, ("Average", 300)),
    ],
)  # fmt: skip
def test_the_chart_reads_the_statistic_and_period_the_alarm_evaluates(
    raw: dict[str, Any], expected: tuple[str, int]
) -> None:
    assert alarm_statistic(raw) == expected
