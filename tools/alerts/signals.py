"""From an alert (or an incident's alerts) to the ``Signal`` a playbook investigates.

A CloudWatch alarm maps by its metric's namespace and name; EventBridge events by their type
(GuardDuty finding, EC2 state change, CloudTrail call). An alert no playbook covers maps to
None, and ``no_playbook_message`` says so in words. Everything read here is data.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from core.aws import UnknownRegion, check_region
from tools.alerts.models import Alert, AlertRow, cap
from tools.alerts.playbooks.models import MetricRef, Signal, SignalKind
from tools.alerts.playbooks.render import inert
from tools.alerts.signal_metrics import alarm_metrics

METRIC_KINDS: dict[tuple[str, str], tuple[SignalKind, str]] = {
    ("AWS/EC2", "CPUUtilization"): ("ec2_cpu_high", "InstanceId"),
    ("AWS/RDS", "DatabaseConnections"): ("rds_connections", "DBInstanceIdentifier"),
    ("AWS/RDS", "CPUUtilization"): ("rds_cpu", "DBInstanceIdentifier"),
    ("AWS/RDS", "FreeStorageSpace"): ("rds_storage", "DBInstanceIdentifier"),
    ("AWS/ApplicationELB", "HTTPCode_Target_5XX_Count"): ("alb_5xx", "LoadBalancer"),
    ("AWS/ApplicationELB", "HTTPCode_ELB_5XX_Count"): ("alb_5xx", "LoadBalancer"),
    ("AWS/Lambda", "Errors"): ("lambda_errors", "FunctionName"),
    ("AWS/Lambda", "Throttles"): ("lambda_throttles", "FunctionName"),
    ("AWS/Lambda", "Duration"): ("lambda_duration", "FunctionName"),
}
"""(namespace, metric name) -> signal kind and the dimension naming the resource."""
INSTANCE_CALLS = frozenset({"StartInstances", "StopInstances", "TerminateInstances"})
"""CloudTrail calls that change an instance's state (investigated as a state change)."""


def signal_for(alert: Alert, received_at: datetime | None = None) -> Signal | None:
    """The signal a playbook investigates for ``alert``, or None when no playbook covers it.

    Args:
        alert: a parsed alert.
        received_at: when it arrived (the fire time when the alert carries none).
    """
    fired = alert.starts_at or alert.ends_at or received_at
    if fired is None:
        return None
    found = _from_metric(alert) or _from_event(alert) or _from_cost(alert)
    if found is None:
        return None
    kind, resource, metric, details = found
    if not resource:
        return None
    return Signal(
        kind=kind, resource=cap(resource, 2048), account=_account(alert.account),
        region=_region(alert.region), metric=metric, fired_at=fired, details=details,
    )  # fmt: skip


def signal_for_incident(rows: Sequence[AlertRow]) -> Signal | None:
    """The signal of an incident: from its latest firing alert that a playbook covers.

    Args:
        rows: the incident's stored alerts.
    """
    ordered = sorted(rows, key=lambda row: row.received_at, reverse=True)
    for row in sorted(ordered, key=lambda row: row.status != "firing"):
        signal = signal_for(alert_of_row(row), row.received_at)
        if signal is not None:
            return signal
    return None


def no_playbook_message(title: str) -> str:
    """What the thread says when no playbook covers an alert (its title quoted, as data).

    Args:
        title: the alert's or incident's title.
    """
    quoted = inert(" ".join(cap(title, 120).replace("`", "'").split()))
    return (
        f"There is no playbook for this alert yet (`{quoted}`). "
        "Playbooks cover EC2 CPU, RDS, ALB 5xx, Lambda, cost anomalies, GuardDuty, "
        "security groups opened to the world and instance state changes."
    )


def alert_of_row(row: AlertRow) -> Alert:
    """The Alert a stored row was made from.

    Args:
        row: one stored alert.
    """
    return Alert(
        source=row.source, fingerprint=row.fingerprint, status=row.status,
        severity=row.severity, title=row.title, description=row.description,
        resource=row.resource, labels=json.loads(row.labels_json or "{}"),
        account=row.account, region=row.region, starts_at=row.starts_at, ends_at=row.ends_at,
        group_key=row.group_key, raw=json.loads(row.raw_json or "{}"),
    )  # fmt: skip


Found = tuple[SignalKind, str, MetricRef | None, dict[str, Any]]


def _from_metric(alert: Alert) -> Found | None:
    """A CloudWatch alarm on a metric a playbook covers."""
    for metric in alarm_metrics(alert.raw):
        known = METRIC_KINDS.get((metric.namespace, metric.name))
        if known is None:
            continue
        kind, dimension = known
        resource = metric.dimensions.get(dimension, "")
        if kind == "alb_5xx" and resource and alert.account and alert.region:
            resource = (
                f"arn:aws:elasticloadbalancing:{alert.region}:{alert.account}"
                f":loadbalancer/{resource}"
            )
        return kind, resource, metric, {}
    return None


def _from_event(alert: Alert) -> Found | None:
    """A GuardDuty finding, an EC2 state change or a CloudTrail call a playbook covers."""
    kind = alert.raw.get("detail-type")
    detail = alert.raw.get("detail")
    if not isinstance(detail, dict):
        return None
    if kind == "GuardDuty Finding":
        return "guardduty_finding", str(detail.get("arn") or alert.resource), None, detail
    if kind == "EC2 Instance State-change Notification":
        return "instance_state_change", str(detail.get("instance-id") or "").strip(), None, {}
    if kind == "AWS API Call via CloudTrail":
        return _from_call(detail)
    return None


def _from_call(record: dict[str, Any]) -> Found | None:
    """AuthorizeSecurityGroupIngress, or a call starting, stopping or terminating an instance."""
    name = record.get("eventName")
    params = record.get("requestParameters")
    if not isinstance(params, dict):
        return None
    if name == "AuthorizeSecurityGroupIngress":
        return "sg_open_to_world", str(params.get("groupId") or ""), None, record
    if name in INSTANCE_CALLS:
        items = (params.get("instancesSet") or {}).get("items") or [{}]
        first = items[0] if isinstance(items[0], dict) else {}
        return "instance_state_change", str(first.get("instanceId") or "").strip(), None, record
    return None


def _from_cost(alert: Alert) -> Found | None:
    """A Cost Anomaly Detection notification (its SNS Message is JSON with ``anomalyId``)."""
    message = alert.raw.get("Message")
    if not isinstance(message, str) or "anomalyId" not in message:
        return None
    try:
        anomaly = json.loads(message)
    except (json.JSONDecodeError, RecursionError):
        return None
    if not isinstance(anomaly, dict) or "anomalyId" not in anomaly:
        return None
    return "cost_anomaly", str(anomaly.get("monitorArn") or "account"), None, anomaly


def _account(value: str | None) -> str | None:
    """A 12-digit account id, else None (redacted samples say EXAMPLE)."""
    return value if value and value.isdigit() and len(value) == 12 else None


def _region(value: str | None) -> str:
    """A known region code, else the default one."""
    try:
        return check_region(value or "")
    except UnknownRegion:
        return "us-east-1"
