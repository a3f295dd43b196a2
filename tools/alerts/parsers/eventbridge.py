"""EventBridge events (as an API destination delivers them): CloudWatch alarm state changes,
EC2 instance state changes, GuardDuty findings, AWS Health events and CloudTrail API calls.
Alarm configuration changes and other event types are well-formed but carry no alert."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from tools.alerts.errors import NotAnAlert
from tools.alerts.models import Alert, Severity, Status, cap, fingerprint_of
from tools.alerts.parsers import cloudwatch
from tools.alerts.parsers.common import instant, severity_word, validated

# An instance going away fires; coming back resolves.
_EC2_STATES: dict[str, tuple[Status, Severity]] = {
    "stopping": ("firing", "warning"),
    "stopped": ("firing", "warning"),
    "shutting-down": ("firing", "warning"),
    "terminated": ("firing", "warning"),
    "pending": ("resolved", "info"),
    "running": ("resolved", "info"),
}
_HEALTH_SEVERITY: dict[str, Severity] = {
    "issue": "error",
    "scheduledChange": "warning",
    "accountNotification": "info",
}


class EventEnvelope(BaseModel):
    """The fields every EventBridge event carries (the rest is kept as the raw payload)."""

    model_config = ConfigDict(populate_by_name=True, extra="allow")

    id: str = Field(min_length=1, max_length=200, description="The event id.")
    detail_type: str = Field(alias="detail-type", max_length=200, description="Event type.")
    source: str = Field(max_length=200, description="e.g. aws.cloudwatch.")
    account: str = Field(max_length=20, description="Account the event is from.")
    region: str = Field(max_length=30, description="Region the event is from.")
    time: str = Field(description="When it happened (ISO 8601).")
    detail: dict[str, Any] = Field(description="The event's own fields.")


def parse_eventbridge(payload: dict[str, Any]) -> list[Alert]:
    """The alert in one EventBridge event (or a CloudWatch alarm action payload).

    Args:
        payload: the parsed JSON body.

    Raises:
        AlertRefused: 422 when it is not an EventBridge event.
        NotAnAlert: an event type that carries no alert.
    """
    if "alarmData" in payload:
        return [cloudwatch.from_alarm_action(payload)]
    envelope = validated(EventEnvelope, payload, "an EventBridge event")
    reader = _READERS.get(envelope.detail_type)
    if reader is None:
        raise NotAnAlert(f"events of type {cap(envelope.detail_type, 80)!r} are not alerts")
    return [reader(payload)]


def _configuration_change(_: dict[str, Any]) -> Alert:
    raise NotAnAlert("an alarm configuration change is not an alert")


def _ec2_state(event: dict[str, Any]) -> Alert:
    """An instance stopping or terminated fires; pending or running resolves."""
    detail = event["detail"]
    instance = str(detail.get("instance-id") or "").strip()
    state = str(detail.get("state") or "")
    status, severity = _EC2_STATES.get(state, ("firing", "info"))
    return _alert(
        event,
        fingerprint=f"ec2-state:{instance}",
        status=status,
        severity=severity,
        title=f"EC2 instance {instance} is {state}",
        resource=instance,
    )


def _guardduty(event: dict[str, Any]) -> Alert:
    """A finding fires with its severity (7+ critical, 4+ error, else warning)."""
    finding = event["detail"]
    score = finding.get("severity")
    number = float(score) if isinstance(score, int | float) else 0.0
    severity: Severity = "critical" if number >= 7 else "error" if number >= 4 else "warning"
    resource = finding.get("resource") or {}
    instance = (resource.get("instanceDetails") or {}).get("instanceId")
    key = (resource.get("accessKeyDetails") or {}).get("accessKeyId")
    buckets = resource.get("s3BucketDetails") or [{}]
    bucket = buckets[0].get("arn") or buckets[0].get("name") if buckets else None
    return _alert(
        event,
        fingerprint=f"guardduty:{finding.get('id') or fingerprint_of(finding.get('arn'))}",
        status="firing",
        severity=severity,
        title=f"GuardDuty {finding.get('type')}: {finding.get('title') or ''}",
        resource=instance or key or bucket or str(resource.get("resourceType") or ""),
        description=finding.get("description"),
        started=finding.get("updatedAt"),
    )


def _health(event: dict[str, Any]) -> Alert:
    """An AWS Health event: an issue is an error; closed events resolve."""
    detail = event["detail"]
    entities = [e.get("entityValue") for e in detail.get("affectedEntities") or [] if e]
    resources = event.get("resources") or entities or [""]
    described = detail.get("eventDescription") or [{}]
    status: Status = "resolved" if detail.get("statusCode") == "closed" else "firing"
    return _alert(
        event,
        fingerprint=f"health:{detail.get('eventArn')}",
        status=status,
        severity=_HEALTH_SEVERITY.get(str(detail.get("eventTypeCategory")), "warning"),
        title=f"AWS Health {detail.get('service')}: {detail.get('eventTypeCode')}",
        resource=str(resources[0] or ""),
        description=described[0].get("latestDescription"),
        started=detail.get("startTime"),
    )


def _cloudtrail(event: dict[str, Any]) -> Alert:
    """An API call someone made (e.g. AuthorizeSecurityGroupIngress): info, never resolves."""
    detail = event["detail"]
    who = (detail.get("userIdentity") or {}).get("arn") or "someone"
    name, service = detail.get("eventName"), detail.get("eventSource")
    resources = event.get("resources") or []
    resource = resources[0] if resources and isinstance(resources[0], str) else ""
    return _alert(
        event,
        fingerprint=f"cloudtrail:{service}:{name}:{resource}",
        status="firing",
        severity="info",
        title=f"{name} on {service} by {who}",
        resource=resource,
        started=detail.get("eventTime"),
    )


def _alert(
    event: dict[str, Any],
    *,
    fingerprint: str,
    status: Status,
    severity: Severity,
    title: str,
    resource: str,
    description: object = "",
    started: object = None,
) -> Alert:
    """An Alert from an event, with the envelope's account, region, time and id."""
    moment = instant(started) or instant(event.get("time"))
    return Alert(
        source="eventbridge",
        fingerprint=cap(fingerprint, 200),
        status=status,
        severity=severity_word(severity, severity),
        title=cap(title),
        description=cap(description, 2000),
        resource=cap(resource, 500),
        account=cap(event.get("account"), 20) or None,
        region=cap(event.get("region"), 30) or None,
        starts_at=moment if status == "firing" else None,
        ends_at=moment if status == "resolved" else None,
        delivery_id=cap(event.get("id"), 200),
        raw=event,
    )


_READERS: dict[str, Callable[[dict[str, Any]], Alert]] = {
    "CloudWatch Alarm State Change": cloudwatch.from_eventbridge,
    "CloudWatch Alarm Configuration Change": _configuration_change,
    "EC2 Instance State-change Notification": _ec2_state,
    "GuardDuty Finding": _guardduty,
    "AWS Health Event": _health,
    "AWS API Call via CloudTrail": _cloudtrail,
}
