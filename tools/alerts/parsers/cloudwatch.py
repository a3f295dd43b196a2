"""CloudWatch alarm state changes, in the three shapes they arrive in: the JSON ``Message`` of an
SNS notification (single metric, metric math ``Metrics[]`` or composite), the ``detail`` of an
EventBridge "CloudWatch Alarm State Change" event, and the payload of an alarm action
(``alarmData``). The same alarm gets the same fingerprint (its ARN) whichever way it came."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from tools.alerts.errors import NotAnAlert
from tools.alerts.models import Alert, Source, Status, cap, fingerprint_of
from tools.alerts.parsers.common import instant, render_labels, string_map

_STATES: dict[str, Status] = {"ALARM": "firing", "OK": "resolved"}
# Dimensions that name one resource, best first.
_RESOURCE_DIMENSIONS = (
    "InstanceId",
    "DBInstanceIdentifier",
    "FunctionName",
    "LoadBalancer",
    "TargetGroup",
    "AutoScalingGroupName",
    "BucketName",
    "QueueName",
    "TopicName",
    "TableName",
    "ClusterName",
    "ServiceName",
)


def alarm_status(state: object) -> Status:
    """``ALARM`` is firing and ``OK`` resolved; any other state carries no alert.

    Args:
        state: the alarm's new state value.

    Raises:
        NotAnAlert: for INSUFFICIENT_DATA (or anything unknown).
    """
    status = _STATES.get(str(state))
    if status is None:
        raise NotAnAlert(f"alarm state {cap(state, 40)!r} is neither firing nor resolved")
    return status


def alarm_arn(arn: object, region: str | None, account: str | None, name: str) -> str:
    """The alarm's ARN: the one given, else built from region, account and name.

    Args:
        arn: the ARN from the payload, if any.
        region: region code, if known.
        account: account id, if known.
        name: the alarm name.
    """
    if isinstance(arn, str) and arn.startswith("arn:") and "REGION" not in arn:
        return arn
    return f"arn:aws:cloudwatch:{region or 'unknown'}:{account or 'unknown'}:alarm:{name}"


def alarm_fingerprint(arn: str) -> str:
    """The ARN itself when short enough, else a hash of it.

    Args:
        arn: the alarm's ARN.
    """
    return arn if len(arn) <= 200 else fingerprint_of(arn)


def resource_of(dimensions: dict[str, str]) -> str:
    """The resource named by metric dimensions (an instance id, a function...), or them all.

    Args:
        dimensions: name -> value of every metric the alarm watches.
    """
    for key in _RESOURCE_DIMENSIONS:
        if dimensions.get(key):
            return cap(dimensions[key], 500)
    return render_labels(dimensions) if dimensions else ""


def _dimension_list(items: object) -> dict[str, str]:
    """``[{"name": n, "value": v}]`` as a map."""
    if not isinstance(items, list):
        return {}
    pairs = [item for item in items if isinstance(item, dict)]
    return string_map({item.get("name"): item.get("value") for item in pairs})


def sns_dimensions(trigger: object) -> dict[str, str]:
    """Dimensions of an SNS alarm message's ``Trigger``: one metric or ``Metrics[]``.

    Args:
        trigger: the ``Trigger`` object.
    """
    if not isinstance(trigger, dict):
        return {}
    found = _dimension_list(trigger.get("Dimensions"))
    for metric in trigger.get("Metrics") or []:
        stat = metric.get("MetricStat") if isinstance(metric, dict) else None
        inner = stat.get("Metric") if isinstance(stat, dict) else None
        if isinstance(inner, dict):
            found.update(_dimension_list(inner.get("Dimensions")))
    return found


def config_dimensions(configuration: object) -> dict[str, str]:
    """Dimensions of an EventBridge / alarm-action ``configuration.metrics[]``.

    Args:
        configuration: the ``configuration`` object.
    """
    found: dict[str, str] = {}
    metrics = configuration.get("metrics") if isinstance(configuration, dict) else None
    for metric in metrics or []:
        stat = metric.get("metricStat") if isinstance(metric, dict) else None
        inner = stat.get("metric") if isinstance(stat, dict) else None
        if isinstance(inner, dict):
            found.update(string_map(inner.get("dimensions")))
    return found


def from_sns_message(
    message: dict[str, Any], topic_region: str | None, delivery_id: str, raw: dict[str, Any]
) -> Alert:
    """The alert in an SNS notification whose ``Message`` is a CloudWatch alarm.

    Args:
        message: the parsed ``Message``.
        topic_region: region code of the topic (the message names the region in words).
        delivery_id: the SNS MessageId.
        raw: the whole SNS delivery.
    """
    status = alarm_status(message.get("NewStateValue"))
    name = cap(message.get("AlarmName"), 255)
    account = cap(message.get("AWSAccountId"), 20) or None
    arn = alarm_arn(message.get("AlarmArn"), topic_region, account, name)
    changed = instant(message.get("StateChangeTime"))
    dimensions = sns_dimensions(message.get("Trigger"))
    return _alarm(
        "sns",
        name=name,
        arn=arn,
        status=status,
        reason=message.get("NewStateReason"),
        description=message.get("AlarmDescription"),
        changed=changed,
        dimensions=dimensions,
        place=(account, topic_region),
        delivery_id=delivery_id,
        raw=raw,
    )


def from_eventbridge(event: dict[str, Any]) -> Alert:
    """The alert in an EventBridge "CloudWatch Alarm State Change" event.

    Args:
        event: the whole event.
    """
    detail = event.get("detail") or {}
    state = detail.get("state") or {}
    name = cap(detail.get("alarmName"), 255)
    account, region = event.get("account"), event.get("region")
    resources = event.get("resources") or [None]
    configuration = detail.get("configuration") or {}
    return _alarm(
        "eventbridge",
        name=name,
        arn=alarm_arn(resources[0], region, account, name),
        status=alarm_status(state.get("value")),
        reason=state.get("reason"),
        description=configuration.get("description") or configuration.get("alarmRule"),
        changed=instant(state.get("timestamp")) or instant(event.get("time")),
        dimensions=config_dimensions(configuration),
        place=(account, region),
        delivery_id=event.get("id"),
        raw=event,
    )


def from_alarm_action(payload: dict[str, Any]) -> Alert:
    """The alert in a CloudWatch alarm action's payload (``alarmData``, as Lambda receives it).

    Args:
        payload: the whole payload.
    """
    data = payload.get("alarmData") or {}
    state = data.get("state") or {}
    name = cap(data.get("alarmName"), 255)
    account, region = payload.get("accountId"), payload.get("region")
    configuration = data.get("configuration") or {}
    changed = instant(state.get("timestamp"))
    return _alarm(
        "eventbridge",
        name=name,
        arn=alarm_arn(payload.get("alarmArn"), region, account, name),
        status=alarm_status(state.get("value")),
        reason=state.get("reason"),
        description=configuration.get("description") or configuration.get("alarmRule"),
        changed=changed,
        dimensions=config_dimensions(configuration),
        place=(account, region),
        delivery_id=fingerprint_of(payload.get("alarmArn"), state.get("timestamp")),
        raw=payload,
    )


def _alarm(
    source: Source,
    *,
    name: str,
    arn: str,
    status: Status,
    reason: object,
    description: object,
    changed: datetime | None,
    dimensions: dict[str, str],
    place: tuple[object, object],
    delivery_id: object,
    raw: dict[str, Any],
) -> Alert:
    """An Alert for one alarm state change (firing starts at the change, resolving ends)."""
    account, region = place
    title = f"{name}: {cap(reason, 250)}" if reason else name
    return Alert(
        source=source,
        fingerprint=alarm_fingerprint(arn),
        status=status,
        severity="error",
        title=cap(title),
        description=cap(description, 2000),
        resource=resource_of(dimensions),
        labels=dimensions,
        account=cap(account, 20) or None,
        region=cap(region, 30) or None,
        starts_at=changed if status == "firing" else None,
        ends_at=changed if status == "resolved" else None,
        delivery_id=cap(delivery_id, 200) or None,
        raw=raw,
    )
