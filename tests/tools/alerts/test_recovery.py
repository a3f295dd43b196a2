"""After a fix, the alarm's metric is judged against the alarm's own threshold: back on the good
side is recovered; still over it, or no datapoints since the fix, is not (and says why)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest

from tests.tools.alerts.support import alarm_message
from tools.alerts.playbooks.models import MetricRef
from tools.alerts.recovery import alarm_bound, judge
from tools.alerts.signal_metrics import alarm_threshold
from tools.context import ToolContext

CPU = MetricRef(namespace="AWS/EC2", name="CPUUtilization", dimensions={"InstanceId": "i-0abc"})


def _seed(ctx: ToolContext, fixed: datetime, values: list[float]) -> None:
    if not values:
        return
    data = [
        {"MetricName": "CPUUtilization", "Value": value,
         "Timestamp": fixed + timedelta(minutes=i + 1),
         "Dimensions": [{"Name": "InstanceId", "Value": "i-0abc"}]}
        for i, value in enumerate(values)
    ]  # fmt: skip
    ctx.aws.client("cloudwatch", "us-east-1").put_metric_data(Namespace="AWS/EC2", MetricData=data)


@pytest.mark.parametrize(
    ("values", "recovered", "words"),
    [
        ([95.0, 60.0, 30.0], True, "is back below its alarm threshold 80: latest 30.0"),
        ([95.0, 93.0, 91.0], False, "is not back below its alarm threshold 80: latest 91.0"),
        ([], False, "has no datapoints since the fix"),
    ],
)
def test_the_metric_since_the_fix_decides_recovery(
    ctx: ToolContext, values: list[float], recovered: bool, words: str
) -> None:
    since = ctx.clock.now() - timedelta(minutes=len(values) + 1)
    _seed(ctx, since, values)
    verdict = judge(ctx, CPU, "us-east-1", since, (80.0, True))
    assert verdict.recovered is recovered and verdict.datapoints == len(values)
    assert words in verdict.statement


def test_the_threshold_comes_from_the_alarm_and_only_when_it_gives_one() -> None:
    message = json.loads(alarm_message("cpu", "ALARM"))
    assert alarm_threshold({"Message": json.dumps(message)}) is None  # no Threshold in it
    message["Trigger"].update(Threshold=80, ComparisonOperator="GreaterThanThreshold")
    assert alarm_threshold({"Message": json.dumps(message)}) == (80.0, True)
    message["Trigger"].update(Threshold=5, ComparisonOperator="LessThanOrEqualToThreshold")
    assert alarm_threshold({"Message": json.dumps(message)}) == (5.0, False)
    assert alarm_threshold({"Message": "plain words"}) is None


def test_a_threshold_missing_from_the_message_is_read_from_describe_alarms(
    ctx: ToolContext,
) -> None:
    ctx.aws.client("cloudwatch", "us-east-1").put_metric_alarm(
        AlarmName="cpu", MetricName="CPUUtilization", Namespace="AWS/EC2", Statistic="Average",
        Period=60, EvaluationPeriods=1, Threshold=70.0, ComparisonOperator="LessThanThreshold",
    )  # fmt: skip
    message = json.loads(alarm_message("cpu", "ALARM"))
    assert alarm_bound(ctx, {"Message": json.dumps(message)}, "us-east-1", None) == (70.0, False)
    message["Trigger"].update(Threshold=80, ComparisonOperator="GreaterThanThreshold")
    given = {"Message": json.dumps(message)}
    assert alarm_bound(ctx, given, "us-east-1", None) == (80.0, True)  # the message wins
    unknown = {"Message": alarm_message("no-such-alarm", "ALARM")}
    assert alarm_bound(ctx, unknown, "us-east-1", None) is None
