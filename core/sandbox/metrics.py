"""CloudWatch CPUUtilization history for the demo instances (hourly, last 14 days)."""

from __future__ import annotations

import math
import random
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

HISTORY_HOURS = 14 * 24


@dataclass(frozen=True)
class CpuProfile:
    """How busy an instance looks.

    Attributes:
        low: CPU percent at the quietest hour of the day.
        high: CPU percent at the busiest hour of the day.
        hours_stopped: most recent hours without data (the instance was stopped then).
    """

    low: float
    high: float
    hours_stopped: int = 0


CPU_PROFILES: dict[str, CpuProfile] = {
    "web-1": CpuProfile(35.0, 60.0),
    "web-2": CpuProfile(35.0, 60.0),
    "batch-worker": CpuProfile(1.0, 3.0),
    "legacy-app": CpuProfile(8.0, 15.0, hours_stopped=4 * 24),
    "analytics-1": CpuProfile(16.0, 24.0),
    "shared-tools": CpuProfile(6.0, 12.0),
}


def cpu_series(profile: CpuProfile, now: datetime, seed: int) -> list[tuple[datetime, float]]:
    """Hourly CPU percent with a daily cycle and a little noise, oldest first.

    Args:
        profile: range and stop time of the instance.
        now: end of the history (timezone-aware).
        seed: makes the noise repeatable.
    """
    rng = random.Random(seed)
    top_of_hour = now.replace(minute=0, second=0, microsecond=0)
    points = []
    for age in range(HISTORY_HOURS, profile.hours_stopped, -1):
        stamp = top_of_hour - timedelta(hours=age)
        daily = (1 - math.cos(2 * math.pi * (stamp.hour - 3) / 24)) / 2
        noise = rng.uniform(-0.1, 0.1) * (profile.high - profile.low)
        value = profile.low + daily * (profile.high - profile.low) + noise
        points.append((stamp, round(min(max(value, profile.low), profile.high), 2)))
    return points


def put_cpu_history(cloudwatch: Any, instance_id: str, name: str, now: datetime) -> float:
    """Put the instance's CPU history into CloudWatch and return its mean.

    Args:
        cloudwatch: CloudWatch client of the instance's account and region.
        instance_id: ``InstanceId`` dimension.
        name: instance name, picks the profile in ``CPU_PROFILES``.
        now: end of the history.
    """
    series = cpu_series(CPU_PROFILES[name], now.astimezone(UTC), seed=zlib.crc32(name.encode()))
    data = [
        {
            "MetricName": "CPUUtilization",
            "Dimensions": [{"Name": "InstanceId", "Value": instance_id}],
            "Timestamp": stamp,
            "Value": value,
            "Unit": "Percent",
        }
        for stamp, value in series
    ]
    for start in range(0, len(data), 500):
        cloudwatch.put_metric_data(Namespace="AWS/EC2", MetricData=data[start : start + 500])
    return round(sum(value for _, value in series) / len(series), 2)
