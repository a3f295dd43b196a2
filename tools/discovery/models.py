"""Arguments and results of the discovery, inventory, graph and security tools."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from tools.discovery.analysis.security import Exposure, GroupFinding
from tools.discovery.resource_models import ScopeOutcome


class Ref(BaseModel):
    """A resource as shown to people."""

    arn: str = Field(description="ARN.")
    label: str = Field(description="name (id).")
    type: str = Field(description="Resource type, '' when outside the inventory.")


class ScanArgs(BaseModel):
    """What to scan."""

    regions: list[str] | None = Field(default=None, description="Regions; default from settings.")
    accounts: list[str] | None = Field(default=None, description="Account ids; default all known.")
    services: list[str] | None = Field(
        default=None, description="Collectors (ec2, rds...); default all."
    )


class ScanSummary(BaseModel):
    """What a scan found and missed."""

    scan_id: int = Field(description="Inventory scan id.")
    resources: int = Field(description="Resources found.")
    by_type: dict[str, int] = Field(description="Resources per type.")
    created: int = Field(description="New since the previous scan.")
    changed: int = Field(description="Changed since the previous scan.")
    deleted: int = Field(description="Gone since the previous scan.")
    missed: list[ScopeOutcome] = Field(description="Units that were denied, throttled or failed.")
    seconds: float = Field(description="Wall time of the scan.")
    api_calls: int = Field(description="AWS API requests issued.")
    accounts: list[str] = Field(description="Accounts scanned.")
    regions: list[str] = Field(description="Regions scanned.")


class SearchArgs(BaseModel):
    """Inventory filters."""

    type: str | None = Field(
        default=None, description="Type (ec2:instance), service (rds) or word (buckets)."
    )
    region: str | None = Field(default=None, description="Region.")
    account: str | None = Field(default=None, description="Account id.")
    tags: dict[str, str] = Field(default_factory=dict, description="Tag key -> value ('*' = any).")
    name: str | None = Field(default=None, description="Substring of the name or id.")
    state: str | None = Field(default=None, description="Lifecycle state (running, available...).")
    group_by: str | None = Field(
        default=None, description="Count per type, region, account, state or tag:<key>."
    )
    limit: int = Field(default=50, ge=1, le=1000, description="Items to list at most.")


class ResourceItem(BaseModel):
    """One inventory row, summarised."""

    arn: str = Field(description="ARN.")
    label: str = Field(description="name (id).")
    type: str = Field(description="Type.")
    region: str = Field(description="Region.")
    account: str = Field(description="Account id.")
    state: str | None = Field(default=None, description="State.")
    tags: dict[str, str] = Field(default_factory=dict, description="Tags.")


class SearchResult(BaseModel):
    """Matching resources, or counts per group."""

    total: int = Field(description="How many resources match.")
    items: list[ResourceItem] = Field(description="The first `limit` matches.")
    groups: dict[str, int] = Field(default_factory=dict, description="Counts when grouped.")
    group_by: str | None = Field(default=None, description="What the counts are grouped by.")
    filters: dict[str, Any] = Field(default_factory=dict, description="Filters applied.")


class ResourceArgs(BaseModel):
    """One resource by ARN, id or name."""

    resource: str = Field(description="ARN, provider id (i-..., sg-...) or name.")


class RelationItem(BaseModel):
    """An edge as described to people."""

    direction: Literal["out", "in"] = Field(description="out: this -> other; in: other -> this.")
    kind: str = Field(description="Edge kind.")
    other: Ref = Field(description="The resource at the other end.")
    detail: str | None = Field(default=None, description="Edge detail.")


class DescribeResult(BaseModel):
    """Everything the inventory knows about one resource."""

    resource: ResourceItem = Field(description="The resource.")
    config: dict[str, Any] = Field(description="Stored configuration.")
    first_seen: datetime = Field(description="First seen by a scan.")
    last_seen: datetime = Field(description="Last seen by a scan.")
    deleted_at: datetime | None = Field(default=None, description="When it disappeared.")
    relations: list[RelationItem] = Field(description="Edges in and out.")


class ChangesArgs(BaseModel):
    """Which changes."""

    since: datetime | None = Field(default=None, description="Changes at or after this time.")
    since_hours: float | None = Field(
        default=None, gt=0, description="Changes in the last N hours."
    )
    scan_id: int | None = Field(default=None, description="Changes of one scan (default: latest).")


class ChangeItem(BaseModel):
    """A created, changed or deleted resource."""

    at: datetime = Field(description="When the scan saw it.")
    kind: str = Field(description="created, changed or deleted.")
    resource: Ref = Field(description="The resource.")
    region: str = Field(description="Region.")
    changed_fields: list[str] = Field(default_factory=list, description="What changed.")


class ChangesResult(BaseModel):
    """Change events."""

    scope: str = Field(description="'scan N' or 'since <time>'.")
    counts: dict[str, int] = Field(description="Count per kind.")
    changes: list[ChangeItem] = Field(description="The events, oldest first.")


class Explained(BaseModel):
    """A resource reached through the graph, with the chain of reasons."""

    resource: Ref = Field(description="The resource.")
    hops: int = Field(description="Distance from the start.")
    path: list[str] = Field(description="Reason sentences, one per hop.")


class GraphArgs(BaseModel):
    """Walk the graph from one resource."""

    resource: str = Field(description="ARN, id or name.")
    direction: Literal["dependencies", "dependents"] = Field(
        default="dependencies", description="What it needs, or what needs it."
    )
    depth: int | None = Field(default=3, ge=1, le=25, description="Maximum hops.")


class BlastArgs(BaseModel):
    """What breaks if a resource fails."""

    resource: str = Field(description="ARN, id or name.")
    depth: int | None = Field(
        default=None, ge=1, le=25, description="Maximum hops (all when unset)."
    )


class GraphResult(BaseModel):
    """Resources reached from the start."""

    start: Ref = Field(description="Starting resource.")
    mode: str = Field(description="dependencies, dependents or blast_radius.")
    items: list[Explained] = Field(description="Reached resources, nearest first.")
    by_type: dict[str, int] = Field(description="Count per type.")
    folded_interfaces: int = Field(
        default=0,
        description="Network interfaces left out because the resource they belong to is listed.",
    )


class MigrationArgs(BaseModel):
    """What to migrate."""

    resource: str = Field(description="VPC (or any resource) whose contents move.")


class MigrationStep(BaseModel):
    """One step with readable names."""

    order: int = Field(description="1-based position.")
    resources: list[Ref] = Field(description="What moves in this step.")
    move_together: bool = Field(description="A dependency cycle: move these at once.")
    because: list[str] = Field(
        default_factory=list, description="Why this step waits for an earlier one (examples)."
    )


class MigrationResult(BaseModel):
    """An order to move a VPC's resources in."""

    start: Ref = Field(description="The VPC or resource migrated.")
    steps: list[MigrationStep] = Field(description="Steps, dependencies first.")
    external: list[Ref] = Field(
        description="Needed resources outside the set (must exist at the destination)."
    )
    cycles: int = Field(description="Steps that must move together.")


class RiskArgs(BaseModel):
    """Whose migration risk."""

    resource: str | None = Field(
        default=None, description="One resource, or a VPC (scores its contents)."
    )
    region: str | None = Field(default=None, description="Region filter when no resource is given.")
    top: int = Field(default=10, ge=1, le=200, description="How many riskiest to show.")


class RiskItem(BaseModel):
    """A migration risk score with readable reasons."""

    resource: Ref = Field(description="The resource.")
    score: int = Field(description="0-100.")
    level: str = Field(description="low, medium, high.")
    reasons: list[str] = Field(description="Why, one sentence each.")


class RiskResult(BaseModel):
    """Migration risk scores, riskiest first."""

    scope: str = Field(description="What was scored.")
    items: list[RiskItem] = Field(description="Scores.")


class ScopeArgs(BaseModel):
    """Region/account filter."""

    region: str | None = Field(default=None, description="Region.")
    account: str | None = Field(default=None, description="Account id.")


class RiskyGroupsArgs(ScopeArgs):
    """Risky security groups filter."""

    include_unused: bool = Field(default=True, description="Also list groups nothing uses.")


class RiskyGroupsResult(BaseModel):
    """Security groups worth a look."""

    open_to_world: list[GroupFinding] = Field(description="Groups with risky world-open rules.")
    unused: list[GroupFinding] = Field(description="Groups nothing uses.")


class ExposureResult(BaseModel):
    """Internet-reachable resources."""

    items: list[Exposure] = Field(description="Exposed resources.")


class DiagramArgs(BaseModel):
    """What to draw."""

    resource: str = Field(description="A VPC (drawn with everything in it) or any resource.")
    depth: int = Field(
        default=2, ge=1, le=4, description="For a resource other than a VPC: links out to show."
    )
    limit: int = Field(default=40, ge=5, le=120, description="Most resources in the picture.")


class DiagramResult(BaseModel):
    """A PNG of part of the graph, uploaded to the thread."""

    start: Ref = Field(description="The resource the picture is about.")
    files: list[str] = Field(description="The PNG file.")
    shown: int = Field(description="Resources drawn.")
    links: int = Field(description="Links between them (CONTAINS drawn as boxes).")
    by_type: dict[str, int] = Field(description="Drawn resources per type.")
    left_out: dict[str, int] = Field(description="Resources that did not fit, per type.")
