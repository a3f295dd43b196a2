"""The normalised resource every collector yields, and the result of a scan."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

EdgeKind = Literal[
    "CONTAINS",
    "ATTACHED_TO",
    "SECURED_BY",
    "ALLOWS",
    "ROUTES_VIA",
    "TARGETS",
    "TRIGGERS",
    "INVOKES",
    "ASSUMES",
    "PEERS",
]
GLOBAL_REGION = "global"


def short_id(arn: str) -> str:
    """The last part of an ARN (``i-0abc`` of ``...:instance/i-0abc``), for labels.

    Args:
        arn: an ARN or any node id.
    """
    return arn.rsplit("/", 1)[-1].rsplit(":", 1)[-1]


class Relation(BaseModel):
    """A directed edge between two resources, as seen by the collector of one of them."""

    source: str = Field(description="ARN of the edge's source resource.")
    kind: EdgeKind = Field(description="Edge kind, e.g. CONTAINS or SECURED_BY.")
    target: str = Field(description="ARN of the edge's target resource.")
    detail: str | None = Field(default=None, description="Why the edge exists (e.g. 'tcp 5432').")


class Resource(BaseModel):
    """One AWS resource in the provider-neutral shape the inventory stores."""

    arn: str = Field(description="ARN (or ARN-shaped id) that uniquely names the resource.")
    account: str = Field(description="12-digit account id.")
    region: str = Field(description="Region, or 'global' for IAM.")
    type: str = Field(description="'<service>:<kind>', e.g. 'ec2:instance'.")
    service: str = Field(description="Collector that found it (scopes deletion detection).")
    resource_id: str = Field(description="Provider id, e.g. 'i-0abc...' or a bucket name.")
    name: str | None = Field(default=None, description="Name tag or the resource's own name.")
    tags: dict[str, str] = Field(default_factory=dict, description="Tags as key -> value.")
    state: str | None = Field(default=None, description="Lifecycle state, e.g. 'running'.")
    config: dict[str, Any] = Field(
        default_factory=dict, description="Type-specific settings worth keeping (JSON-safe)."
    )
    relations: list[Relation] = Field(
        default_factory=list, description="Edges this resource's collector can see."
    )

    @property
    def label(self) -> str:
        """``name (id)`` or the id alone."""
        if self.name and self.name != self.resource_id:
            return f"{self.name} ({self.resource_id})"
        return self.resource_id


ScopeStatus = Literal["ok", "denied", "throttled", "error", "skipped"]


class ScopeOutcome(BaseModel):
    """What happened to one (account, region, service) unit of a scan."""

    account: str = Field(description="Account id.")
    region: str = Field(description="Region (or 'global').")
    service: str = Field(description="Collector name, e.g. 'ec2' or 'rds'.")
    status: ScopeStatus = Field(description="ok, denied, throttled, error or skipped.")
    resources: int = Field(default=0, description="Resources collected in this unit.")
    message: str | None = Field(default=None, description="Error text when not ok.")


class ScanResult(BaseModel):
    """Everything one scan found, plus what it could not look at and why."""

    scan_id: int | None = Field(default=None, description="Inventory scan id once stored.")
    started_at: datetime = Field(description="When the scan began (UTC).")
    finished_at: datetime | None = Field(default=None, description="When it ended (UTC).")
    accounts: list[str] = Field(default_factory=list, description="Accounts scanned.")
    regions: list[str] = Field(default_factory=list, description="Regions scanned.")
    resources: list[Resource] = Field(default_factory=list, description="Resources found.")
    outcomes: list[ScopeOutcome] = Field(
        default_factory=list, description="One entry per (account, region, service)."
    )
    api_calls: int = Field(default=0, description="AWS API calls the scan issued.")

    @property
    def missed(self) -> list[ScopeOutcome]:
        """Units that did not complete (denied, throttled, error)."""
        return [o for o in self.outcomes if o.status not in ("ok", "skipped")]

    @property
    def complete(self) -> bool:
        """True when every unit completed."""
        return not self.missed
