"""Inputs and outputs of the EC2 tools."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

INSTANCE_STATES = ("pending", "running", "stopping", "stopped", "shutting-down", "terminated")


class Instance(BaseModel):
    """One EC2 instance as the tools show it."""

    instance_id: str = Field(description="Instance id (i-...).")
    name: str | None = Field(default=None, description="Value of the Name tag.")
    state: str = Field(description="Instance state name (running, stopped...).")
    instance_type: str = Field(description="Instance type, e.g. m5.large.")
    region: str = Field(description="AWS region.")
    account: str | None = Field(default=None, description="AWS account id.")
    availability_zone: str | None = Field(default=None, description="Availability zone.")
    private_ip: str | None = Field(default=None, description="Primary private IPv4 address.")
    public_ip: str | None = Field(default=None, description="Public IPv4 address, if any.")
    vpc_id: str | None = Field(default=None, description="VPC the instance runs in.")
    subnet_id: str | None = Field(default=None, description="Subnet the instance runs in.")
    launch_time: datetime | None = Field(default=None, description="When it was launched.")
    security_groups: list[str] = Field(default_factory=list, description="Security group names.")
    volumes: list[str] = Field(default_factory=list, description="Attached EBS volume ids.")
    tags: dict[str, str] = Field(default_factory=dict, description="All tags.")

    @property
    def label(self) -> str:
        """``name (id)`` or the id alone."""
        return f"{self.name} ({self.instance_id})" if self.name else self.instance_id

    account_key: str | None = Field(
        default=None,
        description="Key to reach the account with AwsClients (None = the primary account).",
    )


class ListInstancesArgs(BaseModel):
    """Filters for listing instances; all optional."""

    region: str | None = Field(default=None, description="Only this region (default: all).")
    state: str | None = Field(default=None, description="Only instances in this state.")
    tags: dict[str, str] = Field(default_factory=dict, description="Tags that must all match.")
    name: str | None = Field(
        default=None, description="Name tag, exact or with * wildcards (web-*)."
    )


class InstanceList(BaseModel):
    """Instances that matched the filters."""

    instances: list[Instance] = Field(description="Matches, sorted by region then name.")
    regions: list[str] = Field(description="Regions that were searched.")
    filters: str = Field(description="The filters in words, for the reply.")


class DescribeInstanceArgs(BaseModel):
    """Which instance to describe."""

    target: str = Field(description="Instance id or Name tag.")
    region: str | None = Field(default=None, description="Region to look in (default: all).")


class InstanceDetail(BaseModel):
    """One instance with everything the tools know about it."""

    instance: Instance = Field(description="The instance.")
    load_balancers: list[str] = Field(
        default_factory=list, description="Target groups / load balancers sending it traffic."
    )


class PowerArgs(BaseModel):
    """Instances to stop, start or reboot."""

    targets: list[str] = Field(min_length=1, description="Instance ids or Name tags.")
    region: str | None = Field(default=None, description="Region to look in (default: all).")


class ActionOutcome(BaseModel):
    """What happened to one resource."""

    resource: str = Field(description="``name (id)`` of the resource.")
    status: str = Field(description="done, nothing-to-do, skipped or failed.")
    detail: str = Field(description="One sentence about it.")


class ActionResult(BaseModel):
    """Outcome of an executed plan."""

    action: str = Field(description="Tool that ran.")
    outcomes: list[ActionOutcome] = Field(description="One entry per resource in the plan.")

    @property
    def changed(self) -> int:
        """How many resources were actually changed."""
        return sum(1 for outcome in self.outcomes if outcome.status == "done")
