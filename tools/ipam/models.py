"""Arguments and results of the pool and allocation tools."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

Usage = Literal["vpc", "subnet", "other"]


class PoolsArgs(BaseModel):
    """Filters for listing pools."""

    environment: str | None = Field(default=None, description="Only pools of this environment.")
    region: str | None = Field(default=None, description="Only pools of this AWS region.")
    ip_version: Literal[4, 6] | None = Field(default=None, description="Only IPv4 or IPv6 pools.")


class PoolSummary(BaseModel):
    """One pool with its size and fill."""

    name: str = Field(description="Pool name.")
    parent: str | None = Field(default=None, description="Parent pool name.")
    cidrs: list[str] = Field(description="The pool's CIDR blocks.")
    ip_version: int = Field(description="4 or 6.")
    owner: str | None = Field(default=None, description="Owning team or person.")
    environment: str | None = Field(default=None, description="Environment (prod, dev...).")
    region: str | None = Field(default=None, description="AWS region.")
    tags: dict[str, str] = Field(default_factory=dict, description="Tags.")
    size: int = Field(description="Addresses in the pool.")
    used: int = Field(description="Addresses allocated, reserved or given to child pools.")
    utilisation_pct: float = Field(description="used / size, in percent.")
    largest_free_block: str | None = Field(default=None, description="Biggest free CIDR.")


class PoolsResult(BaseModel):
    """The pools that matched."""

    pools: list[PoolSummary] = Field(description="Pools, parents before children.")


class ShowPoolArgs(BaseModel):
    """Which pool to show."""

    pool: str = Field(description="Pool name.")


class AllocationView(BaseModel):
    """One allocation or reservation."""

    cidr: str = Field(description="The block.")
    kind: str = Field(description="allocation, reservation or pool (a child pool).")
    purpose: str | None = Field(default=None, description="What it is for.")
    owner: str | None = Field(default=None, description="Owner.")
    resource_arn: str | None = Field(default=None, description="Linked AWS resource.")
    created_by: str | None = Field(default=None, description="Who allocated it.")
    created_at: datetime | None = Field(default=None, description="When.")


class ChangeView(BaseModel):
    """One change-log entry."""

    at: datetime = Field(description="When.")
    actor: str = Field(description="Who.")
    action: str = Field(description="What.")
    cidr: str | None = Field(default=None, description="Block concerned.")


class ShowPoolResult(BaseModel):
    """A pool in detail."""

    pool: PoolSummary = Field(description="The pool.")
    allocations: list[AllocationView] = Field(description="Occupied blocks in address order.")
    free_blocks: list[str] = Field(description="Free CIDR blocks in address order (first 50).")
    free_block_count: int = Field(description="Number of free CIDR blocks.")
    recent_changes: list[ChangeView] = Field(description="Latest change-log entries.")


class CreatePoolArgs(BaseModel):
    """A new pool."""

    name: str = Field(description="Unique pool name.")
    cidrs: list[str] = Field(description="CIDR blocks (one IP version), inside the parent's.")
    parent: str | None = Field(default=None, description="Parent pool name (None = top level).")
    owner: str | None = Field(default=None, description="Owning team or person.")
    environment: str | None = Field(default=None, description="Environment (prod, dev...).")
    region: str | None = Field(default=None, description="AWS region.")
    tags: dict[str, str] = Field(default_factory=dict, description="Tags.")
    description: str | None = Field(default=None, description="Free text.")


class AllocateArgs(BaseModel):
    """What to allocate (or reserve)."""

    pool: str | None = Field(
        default=None, description="Pool name; when omitted, the one pool matching region/env."
    )
    prefix_length: int | None = Field(default=None, description="Size wanted, e.g. 22 for a /22.")
    hosts: int | None = Field(
        default=None, description="Room for this many hosts (sizes the block; AWS keeps 5)."
    )
    cidr: str | None = Field(default=None, description="An exact block to take instead.")
    region: str | None = Field(default=None, description="Region, to pick the pool.")
    environment: str | None = Field(default=None, description="Environment, to pick the pool.")
    purpose: str | None = Field(default=None, description="What it is for (e.g. payments VPC).")
    owner: str | None = Field(default=None, description="Owning team or person.")
    resource_arn: str | None = Field(default=None, description="Linked AWS resource ARN.")
    usage: Literal["vpc", "subnet", "other"] = Field(
        default="vpc", description="Apply AWS VPC or subnet size limits, or none."
    )
    strategy: Literal["best", "first"] = Field(
        default="best", description="best-fit (less fragmentation) or first-fit (lowest)."
    )
    kind: Literal["allocation", "reservation"] = Field(
        default="allocation", description="Allocate, or only reserve the block."
    )


class ReleaseArgs(BaseModel):
    """What to release."""

    cidr: str = Field(description="The allocated or reserved block.")
    pool: str | None = Field(
        default=None, description="Pool name (found from the CIDR if omitted)."
    )


class ChangeOutcome(BaseModel):
    """What happened to one planned change."""

    target: str = Field(description="The pool or block concerned.")
    status: Literal["applied", "nothing_to_do", "skipped"] = Field(description="Outcome.")
    detail: str = Field(description="One sentence for the user.")


class ChangeReport(BaseModel):
    """Result of a mutating IPAM tool."""

    summary: str = Field(description="What was done, in one sentence.")
    outcomes: list[ChangeOutcome] = Field(description="One entry per planned change.")

    @property
    def applied(self) -> int:
        """How many changes were applied."""
        return sum(1 for o in self.outcomes if o.status == "applied")
