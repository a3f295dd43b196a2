"""What a playbook investigates (``Signal``) and what it reports (``Investigation``).

Everything that comes from an alert, a tag or a CloudTrail record is data: it is quoted in
findings (length-capped) and never read as an instruction.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, field_validator

from core.aws import check_region
from core.clock import as_utc
from tools.alerts.playbooks.fixes import SuggestedFix

SignalKind = Literal[
    "ec2_cpu_high", "rds_connections", "rds_cpu", "rds_storage", "alb_5xx", "lambda_errors",
    "lambda_throttles", "lambda_duration", "cost_anomaly", "guardduty_finding",
    "sg_open_to_world", "instance_state_change",
]  # fmt: skip
TEXT_LIMIT = 300
"""Longest quoted text (an alert's words, a tag, a user name) a finding carries."""


def quote(value: object, limit: int = TEXT_LIMIT) -> str:
    """Untrusted text as one capped line, to quote in a finding (never to act on).

    Args:
        value: text from an alert, tag or AWS answer.
        limit: longest result.
    """
    line = " ".join(str(value).split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


class MetricRef(BaseModel):
    """A CloudWatch metric: namespace, name and dimensions."""

    namespace: str = Field(description="CloudWatch namespace, e.g. AWS/EC2.")
    name: str = Field(description="Metric name, e.g. CPUUtilization.")
    dimensions: dict[str, str] = Field(
        default_factory=dict, description="Dimension name -> value, e.g. InstanceId -> i-0abc."
    )


class Signal(BaseModel):
    """What to investigate: the kind of trouble, where, and when the alarm fired."""

    kind: SignalKind = Field(description="Which playbook runs (ec2_cpu_high, alb_5xx...).")
    resource: str = Field(
        min_length=1, max_length=2048,
        description="Resource id or ARN (instance, DB, load balancer, function, group, finding).",
    )  # fmt: skip
    account: str | None = Field(default=None, description="12-digit account id, when known.")
    region: str = Field(default="us-east-1", description="AWS region of the resource.")
    metric: MetricRef | None = Field(default=None, description="The alarm's metric, when known.")
    fired_at: datetime = Field(description="When the alarm fired (aware; naive means UTC).")
    details: dict[str, Any] = Field(
        default_factory=dict,
        description="The alert's raw details (a GuardDuty finding, a CloudTrail record); data.",
    )

    @field_validator("fired_at")
    @classmethod
    def _utc(cls, value: datetime) -> datetime:
        return as_utc(value)

    @field_validator("region")
    @classmethod
    def _known_region(cls, value: str) -> str:
        return check_region(value)


class MetricEvidence(BaseModel):
    """A metric series summarised over the window around the fire time."""

    type: Literal["metric"] = Field(default="metric", description="Evidence kind.")
    metric: MetricRef = Field(description="Namespace, name and dimensions read.")
    statistic: str = Field(description="Statistic asked for (Average, Sum, Maximum).")
    start: datetime = Field(description="Window start (UTC).")
    end: datetime = Field(description="Window end (UTC).")
    period_seconds: int = Field(description="Period of each datapoint.")
    datapoints: int = Field(description="How many datapoints the window had.")
    average: float = Field(description="Mean of the datapoints.")
    peak: float = Field(description="Highest datapoint.")
    lowest: float = Field(description="Lowest datapoint.")
    latest: float = Field(description="Most recent datapoint.")


class EventEvidence(BaseModel):
    """An event: a CloudTrail call, a scaling activity, a GuardDuty finding."""

    type: Literal["event"] = Field(default="event", description="Evidence kind.")
    source: str = Field(description="cloudtrail, autoscaling or guardduty.")
    event_id: str = Field(description="The event's id (CloudTrail EventId, ActivityId...).")
    name: str = Field(description="Event name (StopInstances) or short description.")
    user: str | None = Field(default=None, description="Who made it, as AWS recorded it.")
    at: datetime | None = Field(default=None, description="When it happened (UTC).")


class ChangeEvidence(BaseModel):
    """A change the inventory recorded between two scans."""

    type: Literal["change"] = Field(default="change", description="Evidence kind.")
    resource: str = Field(description="ARN of the changed resource.")
    change: str = Field(description="created, modified or deleted.")
    fields: list[str] = Field(default_factory=list, description="Fields that changed.")
    at: datetime = Field(description="When the scan saw it (UTC).")


class GraphEvidence(BaseModel):
    """A path in the dependency graph (e.g. group -> instance it secures)."""

    type: Literal["graph"] = Field(default="graph", description="Evidence kind.")
    path: list[str] = Field(description="Resource labels along the path, first to last.")
    edges: list[str] = Field(description="Edge kind between each pair (SECURED_BY...).")


class ReadEvidence(BaseModel):
    """Facts one read-only describe call answered (status checks, target health, config)."""

    type: Literal["read"] = Field(default="read", description="Evidence kind.")
    call: str = Field(description="The API call, e.g. DescribeTargetHealth.")
    resource: str = Field(description="What it described.")
    facts: dict[str, str] = Field(description="The facts, name -> value.")


Evidence = Annotated[
    MetricEvidence | EventEvidence | ChangeEvidence | GraphEvidence | ReadEvidence,
    Field(discriminator="type"),
]


class Finding(BaseModel):
    """One thing the playbook found, with the evidence it rests on."""

    statement: str = Field(description="One line saying what was found.")
    weight: int = Field(
        description="How much it explains the alert, 0-100; findings are ranked by it."
    )
    evidence: list[Evidence] = Field(default_factory=list, description="What it cites.")


class NotChecked(BaseModel):
    """Something the playbook could not check, and why (a missing permission, no data)."""

    what: str = Field(description="The check, in words.")
    why: str = Field(description="Why it was not checked (AccessDenied on ec2:Describe...).")


class Investigation(BaseModel):
    """A playbook's report: ranked findings, what was not checked, and a suggested fix."""

    signal: Signal = Field(description="What was investigated.")
    title: str = Field(description="One line naming the playbook and the resource.")
    findings: list[Finding] = Field(description="Most telling first.")
    not_checked: list[NotChecked] = Field(description="Checks that could not run, and why.")
    suggested_fix: SuggestedFix | None = Field(
        description="A mutating tool to file through the approval gate, or None."
    )
    investigated_at: datetime = Field(description="When the playbook ran (from the clock).")
