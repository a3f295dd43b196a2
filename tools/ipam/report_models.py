"""Arguments and results of the IPAM analysis, reconciliation and planning tools."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field


class AnalyzeArgs(BaseModel):
    """Which pool to analyse."""

    pool: str = Field(description="Pool name.")


class FindingView(BaseModel):
    """A conflict or compliance violation."""

    rule: str = Field(description="overlap, cross_environment, allowed_ranges or size.")
    message: str = Field(description="One sentence for the user.")
    cidrs: list[str] = Field(description="Blocks concerned.")


class AnalyzeResult(BaseModel):
    """Utilisation, free space, fragmentation, runway and compliance of one pool."""

    pool: str = Field(description="Pool name.")
    cidrs: list[str] = Field(description="Pool blocks.")
    size: int = Field(description="Addresses in the pool.")
    allocated: int = Field(description="Addresses in allocations.")
    reserved: int = Field(description="Addresses in reservations.")
    child_pools: int = Field(description="Addresses given to child pools.")
    free: int = Field(description="Free addresses.")
    usable_allocated: int = Field(description="Host-usable addresses in allocations (AWS keeps 5).")
    used_pct: float = Field(description="Occupied share in percent.")
    largest_free_block: str | None = Field(default=None, description="Biggest free CIDR.")
    free_ranges: list[str] = Field(description="Free ranges in address order (first 50).")
    free_range_count: int = Field(description="Number of free ranges.")
    free_blocks_by_size: dict[str, int] = Field(
        description="How many /N blocks could still be carved out, for common sizes."
    )
    fragmentation: float = Field(description="0 = one free block, towards 1 = scattered.")
    rate_per_day: float = Field(description="Net addresses allocated per day recently.")
    days_left: float | None = Field(default=None, description="Days until full at that rate.")
    full_on: datetime | None = Field(default=None, description="Projected date the pool is full.")
    findings: list[FindingView] = Field(description="Compliance findings touching this pool.")


class FindConflictsArgs(BaseModel):
    """Scope of the conflict search."""

    pool: str | None = Field(default=None, description="Only findings touching this pool.")


class FindConflictsResult(BaseModel):
    """Overlaps and compliance violations across all pools."""

    conflicts: list[FindingView] = Field(description="Unexpected overlaps.")
    violations: list[FindingView] = Field(description="Compliance rule violations.")
    checked: int = Field(description="Blocks checked.")


class ReconcileArgs(BaseModel):
    """Which regions to compare (all configured when empty)."""

    regions: list[str] = Field(default_factory=list, description="Regions to read.")


class NetworkView(BaseModel):
    """An AWS VPC or subnet block."""

    kind: str = Field(description="vpc or subnet.")
    resource_id: str = Field(description="vpc-... or subnet-...")
    name: str | None = Field(default=None, description="Name tag.")
    account: str = Field(description="Account id.")
    region: str = Field(description="Region.")
    cidr: str = Field(description="The block.")
    arn: str = Field(description="Resource ARN.")
    adopt_into: str | None = Field(default=None, description="Pool that could adopt it.")
    reason: str | None = Field(default=None, description="Why it cannot be adopted.")


class StaleView(BaseModel):
    """An allocation whose VPC or subnet is gone."""

    pool: str = Field(description="Pool name.")
    cidr: str = Field(description="The block.")
    resource_arn: str = Field(description="The missing resource.")
    purpose: str | None = Field(default=None, description="What it was for.")


class PeeringView(BaseModel):
    """Whether two VPCs can be peered."""

    first: str = Field(description="One VPC (name and id).")
    second: str = Field(description="The other VPC.")
    first_where: str = Field(description="Account / region of the first.")
    second_where: str = Field(description="Account / region of the second.")
    peerable: bool = Field(description="False when their CIDRs overlap.")
    overlaps: list[str] = Field(description="Overlapping block pairs.")


class ReconcileResult(BaseModel):
    """What differs between AWS and IPAM."""

    unmanaged: list[NetworkView] = Field(description="In AWS, not in IPAM.")
    stale: list[StaleView] = Field(description="In IPAM, gone from AWS.")
    conflicts: list[str] = Field(description="AWS blocks overlapping allocations for others.")
    not_peerable: list[PeeringView] = Field(description="VPC pairs that can never be peered.")
    scanned: list[str] = Field(description="account/region pairs read.")


class CheckPeeringArgs(BaseModel):
    """Two VPCs to check."""

    first: str = Field(description="VPC id or Name tag.")
    second: str = Field(description="VPC id or Name tag.")


class AdoptArgs(BaseModel):
    """Which unmanaged VPCs/subnets to bring into IPAM."""

    resources: list[str] = Field(
        default_factory=list, description="VPC/subnet ids or names; all adoptable when empty."
    )
    regions: list[str] = Field(default_factory=list, description="Regions to read.")


class PlanSubnetsArgs(BaseModel):
    """A subnet layout to compute."""

    cidr: str = Field(description="The VPC block to divide.")
    az_count: int = Field(default=3, description="Availability zones (1-6).")
    tiers: dict[str, int] = Field(
        default_factory=lambda: {"public": 100, "private": 1000, "data": 100},
        description="Tier name -> hosts needed per AZ.",
    )
    region: str | None = Field(default=None, description="Region, to name the AZs.")


class PlannedSubnet(BaseModel):
    """One subnet of the layout."""

    tier: str = Field(description="Tier name.")
    az: str = Field(description="Availability zone.")
    cidr: str = Field(description="The block.")
    usable: int = Field(description="Host-usable addresses (AWS keeps 5).")
    hosts_needed: int = Field(description="Hosts the tier asked for.")


class PlanSubnetsResult(BaseModel):
    """A subnet layout for a VPC."""

    cidr: str = Field(description="The VPC block.")
    subnets: list[PlannedSubnet] = Field(description="Subnets in address order.")
    spare: list[str] = Field(description="Free blocks left in the VPC.")


class ImportArgs(BaseModel):
    """Pools and allocations to import."""

    content: str = Field(
        default="", description="The CSV (header row first) or JSON text (not for amazon-ipam)."
    )
    format: Literal["csv", "json", "amazon-ipam"] = Field(
        default="csv", description="csv, json, or amazon-ipam (read a live Amazon VPC IPAM)."
    )
    ipam_region: str | None = Field(
        default=None, description="amazon-ipam only: the IPAM's home region (default: first)."
    )


class ExportArgs(BaseModel):
    """What to export and how."""

    format: Literal["csv", "json", "terraform", "terraform-locals"] = Field(
        default="csv", description="csv, json, terraform (IPAM resources) or terraform-locals."
    )
    pool: str | None = Field(default=None, description="Only this pool and its descendants.")


class ExportResult(BaseModel):
    """An export, ready to upload as a file."""

    format: str = Field(description="Format written.")
    filename: str = Field(description="Suggested file name.")
    content: str = Field(description="The exported text.")
    pools: int = Field(description="Pools exported.")
    allocations: int = Field(description="Allocations and reservations exported.")


class TemplateArgs(BaseModel):
    """Answers of the schema wizard."""

    template: Literal["flat", "regional", "hierarchical", "cloud-native", "hybrid"] = Field(
        description="Tree shape."
    )
    cidr: str = Field(description="Top-level block, e.g. 10.0.0.0/8.")
    regions: list[str] = Field(
        default_factory=lambda: ["us-east-1", "eu-west-1"], description="AWS regions."
    )
    environments: list[str] = Field(
        default_factory=lambda: ["prod", "dev"], description="Environments."
    )
    name: str = Field(default="cloud", description="Name of the top pool (prefix of children).")
    on_prem_cidr: str | None = Field(
        default=None, description="Hybrid only: the block kept for on-premises."
    )


class PictureArgs(BaseModel):
    """Which pool to draw."""

    pool: str = Field(description="Pool name.")


class PictureResult(BaseModel):
    """A PNG of a pool's address space."""

    pool: str = Field(description="Pool name.")
    files: list[str] = Field(description="The PNG file(s) to upload to the thread.")
    allocated: int = Field(description="Addresses allocated (including child pools).")
    reserved: int = Field(description="Addresses reserved.")
    free: int = Field(description="Free addresses.")
    used_pct: float = Field(description="Occupied share in percent.")
