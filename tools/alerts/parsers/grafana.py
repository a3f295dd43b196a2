"""Grafana's alerting webhooks: unified alerting (Alertmanager-like, ``alerts[]``) and the
legacy per-rule body (``ruleId``, ``state``) older versions send."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from tools.alerts.errors import NotAnAlert
from tools.alerts.models import Alert, Status, cap
from tools.alerts.parsers.alertmanager import RESOURCE_LABELS, GroupWebhook, parse_group
from tools.alerts.parsers.common import render_labels, string_map, validated

_LEGACY_STATES: dict[str, Status] = {"alerting": "firing", "ok": "resolved"}


class LegacyWebhook(BaseModel):
    """The legacy (pre-unified) Grafana alert notification."""

    model_config = ConfigDict(extra="allow")

    ruleId: int = Field(description="The alert rule's id.")  # noqa: N815
    ruleName: str = Field(default="", description="The rule's name.")  # noqa: N815
    state: str = Field(description="alerting, ok, no_data, paused or pending.")
    title: str = Field(default="", description="Notification title.")
    message: str = Field(default="", description="The rule's message.")
    evalMatches: list[dict[str, Any]] = Field(  # noqa: N815
        default_factory=list, description="Series that matched, with their tags."
    )


def parse_grafana(payload: dict[str, Any], received_at: datetime) -> list[Alert]:
    """The alerts in a Grafana webhook body.

    Args:
        payload: the parsed JSON body.
        received_at: when it arrived (a legacy body has no time of its own).

    Raises:
        AlertRefused: 422 when it is neither shape.
        NotAnAlert: a legacy state that is neither firing nor resolved.
    """
    if "alerts" in payload or "ruleId" not in payload:
        webhook = validated(GroupWebhook, payload, "a Grafana alerting webhook")
        return parse_group(webhook, "grafana", payload)
    legacy = validated(LegacyWebhook, payload, "a Grafana (legacy) alert notification")
    status = _LEGACY_STATES.get(legacy.state)
    if status is None:
        raise NotAnAlert(f"Grafana state {cap(legacy.state, 40)!r} is neither firing nor resolved")
    tags: dict[str, str] = {}
    for match in legacy.evalMatches[:20]:
        tags.update(string_map(match.get("tags")))
    return [
        Alert(
            source="grafana",
            fingerprint=f"grafana-rule:{legacy.ruleId}",
            status=status,
            severity="warning",
            title=cap(legacy.title or legacy.ruleName),
            description=cap(legacy.message, 2000),
            resource=render_labels(tags, RESOURCE_LABELS[:-1]) if tags else legacy.ruleName,
            labels=tags,
            starts_at=received_at if status == "firing" else None,
            ends_at=received_at if status == "resolved" else None,
            raw=payload,
        )
    ]
