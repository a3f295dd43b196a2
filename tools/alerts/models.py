"""The one Alert model (what every parser produces) and the SQL tables of the alerts domain
(migrations ``alerts_*``): every accepted alert, and the incidents they are grouped into."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator
from sqlalchemy import Text
from sqlmodel import Field as SqlField
from sqlmodel import SQLModel

from core.db import utc_column
from tools.alerts.kinds import TEXT_MAX, TITLE_MAX, Severity, Source, Status, cap

SEVERITY_RANK: dict[str, int] = {"info": 0, "warning": 1, "error": 2, "critical": 3}


class Alert(BaseModel):
    """One alert, whatever sent it: what fired, where, when and how bad."""

    model_config = ConfigDict(frozen=True)

    source: Source = Field(description="The intake it came through.")
    fingerprint: str = Field(
        max_length=200, description="Stable identity of the alerting thing across deliveries."
    )
    status: Status = Field(description="firing, or resolved.")
    severity: Severity = Field(description="critical, error, warning or info.")
    title: str = Field(max_length=TITLE_MAX, description="One line saying what fired (data).")
    description: str = Field(
        default="", max_length=TEXT_MAX, description="Longer text from the sender (data)."
    )
    resource: str = Field(
        default="", max_length=500, description="ARN, instance id or rendered labels, if known."
    )
    labels: dict[str, str] = Field(
        default_factory=dict, description="Labels or dimensions that identify the resource."
    )
    account: str | None = Field(default=None, description="AWS account id, when known.")
    region: str | None = Field(default=None, description="AWS region code, when known.")
    starts_at: datetime | None = Field(default=None, description="When it started firing.")
    ends_at: datetime | None = Field(default=None, description="When it resolved, if it did.")
    group_key: str | None = Field(
        default=None, max_length=500, description="Alertmanager's groupKey (or the sender's)."
    )
    delivery_id: str | None = Field(
        default=None,
        max_length=200,
        description="The sender's id of this delivery (SNS MessageId, EventBridge id).",
    )
    raw: dict[str, Any] = Field(description="The payload this alert was read from.")

    @field_validator("account", mode="before")
    @classmethod
    def _short_account(cls, value: object) -> object:
        """An account id longer than 20 characters is cut (it is shown, never trusted)."""
        return cap(value, 20) or None if isinstance(value, str) else value

    @field_validator("region", mode="before")
    @classmethod
    def _short_region(cls, value: object) -> object:
        """A region longer than 30 characters is cut."""
        return cap(value, 30) or None if isinstance(value, str) else value

    def dedupe_key(self) -> str:
        """The same alert delivered again gets the same key (so it is stored once).

        A delivery id names a delivery; otherwise the alert is the same when fingerprint,
        status and start agree (Alertmanager re-posts a group with a new ``endsAt``), or, with
        no start time, when the payload is the same.
        """
        if self.delivery_id:
            parts = [self.source, "delivery", self.delivery_id, self.fingerprint]
        elif self.starts_at is not None:
            parts = [self.source, self.fingerprint, self.status, self.starts_at.isoformat()]
        else:
            body = json.dumps(self.raw, sort_keys=True, default=str)
            parts = [self.source, self.fingerprint, self.status, body]
        return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def fingerprint_of(*parts: object) -> str:
    """A short stable fingerprint made from ``parts`` (for senders that give none).

    Args:
        parts: what identifies the alerting thing.
    """
    text = "\x1f".join("" if part is None else str(part) for part in parts)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


class AlertRow(SQLModel, table=True):
    """One accepted alert, written before the sender is answered."""

    __tablename__ = "alerts"

    id: int | None = SqlField(default=None, primary_key=True)
    dedupe_key: str = SqlField(
        max_length=64, unique=True, description="Alert.dedupe_key(): a repeat is stored once."
    )
    source: str = SqlField(max_length=20, description="sns, eventbridge, alertmanager, grafana.")
    fingerprint: str = SqlField(max_length=200, index=True, description="Alert identity.")
    status: str = SqlField(max_length=10, description="firing or resolved.")
    severity: str = SqlField(max_length=10, description="critical, error, warning or info.")
    title: str = SqlField(max_length=300, description="What fired (data).")
    description: str = SqlField(default="", sa_type=Text, description="Sender's text (data).")
    resource: str = SqlField(default="", max_length=500, description="ARN, id or labels.")
    labels_json: str = SqlField(default="{}", sa_type=Text, description="Labels as JSON.")
    account: str | None = SqlField(default=None, max_length=20, description="AWS account.")
    region: str | None = SqlField(default=None, max_length=30, description="AWS region.")
    starts_at: datetime | None = SqlField(default=None, sa_column=utc_column(nullable=True))
    ends_at: datetime | None = SqlField(default=None, sa_column=utc_column(nullable=True))
    group_key: str | None = SqlField(default=None, max_length=500, description="groupKey.")
    received_at: datetime = SqlField(sa_column=utc_column(nullable=False))
    incident_id: int | None = SqlField(
        default=None, foreign_key="alert_incidents.id", index=True, description="Its incident."
    )
    raw_json: str = SqlField(sa_type=Text, description="The payload it was read from.")
    silence_id: int | None = SqlField(
        default=None, description="The silence that kept it off Slack (alert_silences.id)."
    )


class IncidentRow(SQLModel, table=True):
    """Alerts that belong together: one thread, one count, one state."""

    __tablename__ = "alert_incidents"

    id: int | None = SqlField(default=None, primary_key=True)
    status: str = SqlField(max_length=10, index=True, description="open or resolved.")
    severity: str = SqlField(max_length=10, description="The worst severity seen.")
    title: str = SqlField(max_length=300, description="Title of the first alert (data).")
    fingerprint: str = SqlField(max_length=200, index=True, description="First alert's.")
    group_key: str | None = SqlField(default=None, max_length=500, index=True)
    resource: str = SqlField(default="", max_length=500, index=True, description="Resource.")
    account: str | None = SqlField(default=None, max_length=20, description="AWS account.")
    region: str | None = SqlField(default=None, max_length=30, description="AWS region.")
    first_seen: datetime = SqlField(sa_column=utc_column(nullable=False))
    last_seen: datetime = SqlField(sa_column=utc_column(nullable=False))
    count: int = SqlField(default=1, description="Alerts grouped into it (duplicates excluded).")
    members_json: str = SqlField(
        default="{}", sa_type=Text, description="fingerprint -> its last status."
    )
    flips_json: str = SqlField(
        default="[]", sa_type=Text, description="When members flipped state (ISO, in window)."
    )
    flapping: bool = SqlField(default=False, description="Flipping too often to re-notify.")
    channel: str | None = SqlField(default=None, max_length=80, description="Thread channel.")
    message_ts: str | None = SqlField(default=None, max_length=40, description="Thread root.")
    acknowledged_by: str | None = SqlField(
        default=None, max_length=80, description="Who acknowledged it (CloudFabric's own state)."
    )
    acknowledged_at: datetime | None = SqlField(default=None, sa_column=utc_column(nullable=True))
    silenced_until: datetime | None = SqlField(default=None, sa_column=utc_column(nullable=True))
    resolved_by: str | None = SqlField(
        default=None, max_length=80, description="Who resolved it by hand, if someone did."
    )
    root_at: datetime | None = SqlField(
        default=None,
        sa_column=utc_column(nullable=True),
        description="When its own thread root was queued (counted against the storm limit).",
    )
    digest_id: int | None = SqlField(
        default=None,
        foreign_key="alert_digests.id",
        index=True,
        description="The storm digest listing it, when it opened no thread of its own.",
    )


class DigestRow(SQLModel, table=True):
    """One storm digest: a single message per channel listing the incidents of a storm that
    opened no thread of their own."""

    __tablename__ = "alert_digests"

    id: int | None = SqlField(default=None, primary_key=True)
    channel: str = SqlField(max_length=80, index=True, description="Channel it is posted in.")
    opened_at: datetime = SqlField(
        sa_column=utc_column(nullable=False), description="When its first incident was listed."
    )
    last_at: datetime = SqlField(
        sa_column=utc_column(nullable=False), description="When an incident was last listed."
    )
    message_ts: str | None = SqlField(
        default=None, max_length=40, description="Its message (ts, or outbox name until sent)."
    )


class TimelineRow(SQLModel, table=True):
    """One moment of an incident: fired, investigated, fix proposed, approved, executed..."""

    __tablename__ = "alert_timeline"

    id: int | None = SqlField(default=None, primary_key=True)
    incident_id: int = SqlField(
        foreign_key="alert_incidents.id", index=True, description="Its incident."
    )
    at: datetime = SqlField(sa_column=utc_column(nullable=False))
    kind: str = SqlField(max_length=30, description="fired, investigated, proposed, approved...")
    actor: str | None = SqlField(default=None, max_length=80, description="Who, when a person.")
    detail: str = SqlField(default="", sa_type=Text, description="One line of detail (data).")
