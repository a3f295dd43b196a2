"""One CloudWatch metric as a series of datapoints (GetMetricData, every page), oldest first.

The playbooks' evidence, the thread's chart and the recovery watch all read a metric this way.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from core.aws_read import paginate
from tools.alerts.playbooks.models import MetricRef

PERMISSION = "cloudwatch:GetMetricData"
"""The IAM action a read needs."""


def metric_query(metric: MetricRef, statistic: str, period: int) -> dict[str, Any]:
    """The ``MetricDataQueries`` entry reading ``metric``.

    Args:
        metric: namespace, name and dimensions.
        statistic: Average, Sum, Maximum, Minimum, SampleCount or a percentile (p99).
        period: seconds per datapoint.
    """
    dimensions = [{"Name": k, "Value": v} for k, v in metric.dimensions.items()]
    return {
        "Id": "m0",
        "MetricStat": {
            "Metric": {
                "Namespace": metric.namespace,
                "MetricName": metric.name,
                "Dimensions": dimensions,
            },
            "Period": period,
            "Stat": statistic,
        },
        "ReturnData": True,
    }


def read_series(
    client: Any,
    metric: MetricRef,
    statistic: str,
    period: int,
    start: datetime,
    end: datetime,
) -> list[tuple[datetime, float]]:
    """The datapoints of ``metric`` from ``start`` to ``end``, oldest first (as CloudWatch
    stamps them: at the start of their period, which may be a little before ``start``).

    Args:
        client: a CloudWatch client.
        metric: what to read.
        statistic: the statistic of each datapoint.
        period: seconds per datapoint.
        start: window start (aware).
        end: window end (aware).

    Raises:
        botocore.exceptions.ClientError: AWS refused the read (AccessDenied...).
    """
    results = paginate(
        client, "get_metric_data", "MetricDataResults",
        MetricDataQueries=[metric_query(metric, statistic, period)], StartTime=start, EndTime=end,
    )  # fmt: skip
    points = (p for r in results for p in zip(r["Timestamps"], r["Values"], strict=True))
    return sorted((at, float(value)) for at, value in points)
