"""Alertmanager's webhook (version 4) and Grafana's unified alerting webhook (the same shape
with a few more fields): one Alert per alert in the group, the groupKey kept on each."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from tools.alerts.models import Alert, Source, Status, cap, fingerprint_of
from tools.alerts.parsers.common import instant, render_labels, severity_word, string_map

# Labels that name the resource, best first.
RESOURCE_LABELS = (
    "instance_id",
    "instance",
    "pod",
    "node",
    "service",
    "job",
    "alertname",
)


class GroupAlert(BaseModel):
    """One alert of a group, as Alertmanager (or Grafana) sends it."""

    model_config = ConfigDict(extra="allow")

    status: Status | None = Field(default=None, description="firing or resolved (may be absent).")
    labels: dict[str, Any] = Field(description="The alert's labels (its identity).")
    annotations: dict[str, Any] = Field(default_factory=dict, description="Summary, runbook...")
    startsAt: str | None = Field(default=None, description="When it started (RFC 3339).")  # noqa: N815
    endsAt: str | None = Field(default=None, description="When it ended or will.")  # noqa: N815
    fingerprint: str | None = Field(default=None, max_length=200, description="Its id.")


class GroupWebhook(BaseModel):
    """An Alertmanager v4 (or Grafana unified alerting) webhook body."""

    model_config = ConfigDict(extra="allow")

    version: str = Field(description="Payload version: 4 for Alertmanager, 1 for Grafana.")
    status: Status = Field(description="The group's status.")
    groupKey: str = Field(default="", max_length=2000, description="The group's key.")  # noqa: N815
    receiver: str = Field(default="", description="The receiver the group was routed to.")
    commonLabels: dict[str, Any] = Field(default_factory=dict, description="Shared labels.")  # noqa: N815
    commonAnnotations: dict[str, Any] = Field(  # noqa: N815
        default_factory=dict, description="Shared annotations."
    )
    alerts: list[GroupAlert] = Field(min_length=1, max_length=1000, description="The alerts.")


class AlertmanagerWebhook(GroupWebhook):
    """Alertmanager's webhook: only version 4 is read."""

    version: Literal["4"] = Field(description="Payload version (4).")


def parse_group(webhook: GroupWebhook, source: Source, raw: dict[str, Any]) -> list[Alert]:
    """One Alert per alert of the group.

    Args:
        webhook: the validated body.
        source: alertmanager or grafana.
        raw: the body as parsed JSON (each alert keeps its own part of it).
    """
    group_key = cap(webhook.groupKey, 500) or None
    return [
        _one(alert, webhook, source, group_key, raw["alerts"][index])
        for index, alert in enumerate(webhook.alerts)
    ]


def _resource(labels: dict[str, str]) -> str:
    """An AWS id or ARN the labels carry, else the labels that name the resource."""
    for key in ("instance_id", "resource_arn", "arn"):
        if labels.get(key):
            return labels[key]
    return render_labels(labels, RESOURCE_LABELS[:-1])


def _one(
    alert: GroupAlert,
    webhook: GroupWebhook,
    source: Source,
    group_key: str | None,
    raw_alert: dict[str, Any],
) -> Alert:
    labels = string_map({**webhook.commonLabels, **alert.labels})
    annotations = string_map({**webhook.commonAnnotations, **alert.annotations})
    status = alert.status or webhook.status
    name = labels.get("alertname") or "alert"
    summary = annotations.get("summary") or annotations.get("message") or ""
    text = annotations.get("description") or annotations.get("message") or ""
    fingerprint = alert.fingerprint or fingerprint_of(*sorted(labels.items()))
    ended = instant(alert.endsAt)
    raw = {"groupKey": webhook.groupKey, "receiver": webhook.receiver, "alert": raw_alert}
    return Alert(
        source=source,
        fingerprint=cap(fingerprint, 200),
        status=status,
        severity=severity_word(labels.get("severity")),
        title=cap(f"{name}: {summary}" if summary else name),
        description=cap(text, 2000),
        resource=_resource(labels) or name,
        labels=labels,
        account=labels.get("account_id") or labels.get("account") or None,
        region=labels.get("region") or None,
        starts_at=instant(alert.startsAt),
        ends_at=ended if status == "resolved" else None,
        group_key=group_key,
        raw=raw,
    )
