"""The metrics a CloudWatch alarm watches, read from any of the shapes an alarm arrives in:
an SNS notification's ``Message`` (``Trigger``, single metric or ``Metrics[]``), an EventBridge
alarm state change's ``detail.configuration.metrics`` and an alarm action's ``alarmData``."""

from __future__ import annotations

import json
from typing import Any

from tools.alerts.parsers.common import string_map
from tools.alerts.playbooks.models import MetricRef


def alarm_metrics(raw: dict[str, Any]) -> list[MetricRef]:
    """Every metric the alarm in ``raw`` watches (empty when it is no metric alarm).

    Args:
        raw: the payload the alert was read from (data).
    """
    message = _message(raw.get("Message"))
    if message is not None:
        return _trigger_metrics(message.get("Trigger"))
    detail = raw.get("detail")
    if isinstance(detail, dict) and raw.get("detail-type") == "CloudWatch Alarm State Change":
        return _configuration_metrics(detail.get("configuration"))
    data = raw.get("alarmData")
    if isinstance(data, dict):
        return _configuration_metrics(data.get("configuration"))
    return []


def _message(text: object) -> dict[str, Any] | None:
    """An SNS ``Message`` that is a JSON object, else None."""
    if not isinstance(text, str) or not text.lstrip().startswith("{"):
        return None
    try:
        value = json.loads(text)
    except (json.JSONDecodeError, RecursionError):
        return None
    return value if isinstance(value, dict) else None


def _pairs(items: object) -> dict[str, str]:
    """``[{"name": n, "value": v}]`` as a map."""
    if not isinstance(items, list):
        return {}
    return string_map({i.get("name"): i.get("value") for i in items if isinstance(i, dict)})


def _ref(namespace: object, name: object, dimensions: dict[str, str]) -> MetricRef | None:
    """A metric reference when namespace and name are strings."""
    if isinstance(namespace, str) and isinstance(name, str):
        return MetricRef(namespace=namespace, name=name, dimensions=dimensions)
    return None


def _trigger_metrics(trigger: object) -> list[MetricRef]:
    """Metrics of an SNS alarm message's ``Trigger``."""
    if not isinstance(trigger, dict):
        return []
    found = [
        _ref(trigger.get("Namespace"), trigger.get("MetricName"), _pairs(trigger.get("Dimensions")))
    ]
    for metric in trigger.get("Metrics") or []:
        stat = metric.get("MetricStat") if isinstance(metric, dict) else None
        inner = stat.get("Metric") if isinstance(stat, dict) else None
        if isinstance(inner, dict):
            dims = _pairs(inner.get("Dimensions"))
            found.append(_ref(inner.get("Namespace"), inner.get("MetricName"), dims))
    return [ref for ref in found if ref is not None]


def _configuration_metrics(configuration: object) -> list[MetricRef]:
    """Metrics of an EventBridge or alarm-action ``configuration``."""
    metrics = configuration.get("metrics") if isinstance(configuration, dict) else None
    found: list[MetricRef | None] = []
    for metric in metrics if isinstance(metrics, list) else []:
        stat = metric.get("metricStat") if isinstance(metric, dict) else None
        inner = stat.get("metric") if isinstance(stat, dict) else None
        if isinstance(inner, dict):
            dims = string_map(inner.get("dimensions"))
            found.append(_ref(inner.get("namespace"), inner.get("name"), dims))
    return [ref for ref in found if ref is not None]


def alarm_threshold(raw: dict[str, Any]) -> tuple[float, bool] | None:
    """The alarm's threshold and whether values above it are the trouble, when it says.

    Args:
        raw: the payload the alert was read from (data).
    """
    message = _message(raw.get("Message"))
    trigger = message.get("Trigger") if message else None
    if not isinstance(trigger, dict):
        return None
    return bound_of(trigger.get("Threshold"), trigger.get("ComparisonOperator"))


STATISTICS = {
    "AVERAGE": "Average", "SUM": "Sum", "MAXIMUM": "Maximum", "MINIMUM": "Minimum",
    "SAMPLE_COUNT": "SampleCount", "SAMPLECOUNT": "SampleCount",
}  # fmt: skip
"""Statistic names as alarms spell them -> as GetMetricData takes them."""
DEFAULT_PERIOD = 300
"""Seconds per datapoint when the alarm does not say."""


def alarm_statistic(raw: dict[str, Any]) -> tuple[str, int]:
    """The statistic and period the alarm evaluates (``Average`` and 5 minutes when it does
    not say, or says something unusable).

    Args:
        raw: the payload the alert was read from (data).
    """
    message = _message(raw.get("Message"))
    trigger = message.get("Trigger") if message else None
    if isinstance(trigger, dict):
        stat = trigger.get("Statistic") or trigger.get("ExtendedStatistic")
        return _statistic(stat), _period(trigger.get("Period"))
    detail = raw.get("detail") if raw.get("detail-type") else raw.get("alarmData")
    configuration = detail.get("configuration") if isinstance(detail, dict) else None
    metrics = configuration.get("metrics") if isinstance(configuration, dict) else None
    first = metrics[0] if isinstance(metrics, list) and metrics else None
    stat = first.get("metricStat") if isinstance(first, dict) else None
    if isinstance(stat, dict):
        return _statistic(stat.get("stat")), _period(stat.get("period"))
    return "Average", DEFAULT_PERIOD


def _statistic(value: object) -> str:
    """A statistic GetMetricData takes: a known name or a percentile like ``p99``."""
    if not isinstance(value, str):
        return "Average"
    known = STATISTICS.get(value.upper().replace(" ", "_"))
    if known is not None:
        return known
    if value.lower() in {name.lower() for name in STATISTICS.values()}:
        return next(name for name in STATISTICS.values() if name.lower() == value.lower())
    tail = value[1:]
    if value[:1] in "pP" and tail.replace(".", "", 1).isdigit() and 0 < float(tail) <= 100:
        return "p" + tail
    return "Average"


def _period(value: object) -> int:
    """A period of whole seconds, at least a minute (else the default)."""
    if isinstance(value, int | float) and not isinstance(value, bool) and 60 <= value <= 86400:
        return int(value) // 60 * 60 or DEFAULT_PERIOD
    return DEFAULT_PERIOD


def alarm_name(raw: dict[str, Any]) -> str | None:
    """The CloudWatch alarm's name, when the payload is an alarm's (SNS, EventBridge, action).

    Args:
        raw: the payload the alert was read from (data).
    """
    message = _message(raw.get("Message"))
    detail = raw.get("detail") if raw.get("detail-type") else raw.get("alarmData")
    found = (
        message.get("AlarmName")
        if message is not None
        else (detail.get("alarmName") if isinstance(detail, dict) else None)
    )
    return found if isinstance(found, str) and 0 < len(found) <= 255 else None


def bound_of(threshold: object, operator: object) -> tuple[float, bool] | None:
    """(threshold, above is bad) from an alarm's ``Threshold`` and ``ComparisonOperator``.

    Args:
        threshold: the alarm's threshold (a number).
        operator: its comparison operator (``GreaterThanThreshold``...).
    """
    if not isinstance(threshold, int | float) or isinstance(threshold, bool):
        return None
    if str(operator or "").startswith("GreaterThan"):
        return float(threshold), True
    if str(operator or "").startswith("LessThan"):
        return float(threshold), False
    return None
