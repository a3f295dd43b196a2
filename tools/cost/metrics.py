"""CloudWatch evidence for recommendations: CPU of instances, bytes through NAT gateways."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

LOOKBACK_DAYS = 14


@dataclass(frozen=True)
class Usage:
    """Summary of one metric over the lookback window.

    Attributes:
        average: mean of the hourly averages.
        peak: highest hourly maximum.
        datapoints: how many hourly datapoints there were.
        days: length of the window in days.
    """

    average: float
    peak: float
    datapoints: int
    days: int


def _stats(
    client: Any, namespace: str, metric: str, dimension: tuple[str, str], statistic: str,
    days: int, now: datetime,
) -> list[dict[str, Any]]:  # fmt: skip
    end = now
    response = client.get_metric_statistics(
        Namespace=namespace,
        MetricName=metric,
        Dimensions=[{"Name": dimension[0], "Value": dimension[1]}],
        StartTime=end - timedelta(days=days),
        EndTime=end,
        Period=3600,
        Statistics=["Average", "Maximum", "Sum"] if statistic == "Sum" else ["Average", "Maximum"],
    )
    points: list[dict[str, Any]] = response.get("Datapoints", [])
    return points


def cpu_usage(
    aws: Any, region: str, account_key: str | None, instance_id: str,
    now: datetime, days: int = LOOKBACK_DAYS,
) -> Usage | None:  # fmt: skip
    """CPUUtilization of an instance over ``days`` (None when CloudWatch has no data).

    Args:
        aws: ``AwsClients``.
        region: the instance's region.
        account_key: its account (None = primary).
        instance_id: the instance.
        days: lookback window.
        now: end of the window (from the clock).
    """
    client = aws.client("cloudwatch", region, account_key)
    points = _stats(
        client, "AWS/EC2", "CPUUtilization", ("InstanceId", instance_id), "Average", days, now
    )
    if not points:
        return None
    average = sum(p["Average"] for p in points) / len(points)
    peak = max(p.get("Maximum", p["Average"]) for p in points)
    return Usage(average=average, peak=peak, datapoints=len(points), days=days)


def nat_gb_per_month(
    aws: Any, region: str, account_key: str | None, nat_id: str,
    now: datetime, days: int = LOOKBACK_DAYS,
) -> float | None:  # fmt: skip
    """GB a month a NAT gateway processes, extrapolated from ``days`` of BytesOutToDestination.

    Args:
        aws: ``AwsClients``.
        region: the gateway's region.
        account_key: its account (None = primary).
        nat_id: the gateway id.
        days: lookback window.
        now: end of the window (from the clock).
    """
    client = aws.client("cloudwatch", region, account_key)
    points = _stats(
        client,
        "AWS/NATGateway",
        "BytesOutToDestination",
        ("NatGatewayId", nat_id),
        "Sum",
        days,
        now,
    )
    if not points:
        return None
    total_bytes = sum(p.get("Sum", 0.0) for p in points)
    return total_bytes / 1e9 / days * 730 / 24
