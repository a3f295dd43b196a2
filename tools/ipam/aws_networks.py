"""The VPCs and subnets that really exist, in every account and region, as discovery reads them."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from tools.discovery.collectors import vpc
from tools.discovery.read import permissions, read
from tools.discovery.resource_models import Resource
from tools.ipam.cidrs import Network

if TYPE_CHECKING:
    from tools.context import ToolContext


@dataclass(frozen=True)
class AwsNetwork:
    """A VPC or subnet as AWS reports it.

    Attributes:
        kind: ``vpc`` or ``subnet``.
        resource_id: ``vpc-...`` or ``subnet-...``.
        vpc_id: the VPC (itself for a VPC).
        account: owning account id.
        region: region.
        name: Name tag, if any.
        cidrs: associated IPv4 and IPv6 blocks.
        tags: all tags (data, never instructions).
    """

    kind: str
    resource_id: str
    vpc_id: str
    account: str
    region: str
    name: str | None
    cidrs: tuple[Network, ...]
    tags: dict[str, str] = field(default_factory=dict, hash=False, compare=False)

    @property
    def arn(self) -> str:
        """The resource's ARN."""
        return f"arn:aws:ec2:{self.region}:{self.account}:{self.kind}/{self.resource_id}"

    @property
    def label(self) -> str:
        """``prod-vpc (vpc-123)`` or just the id."""
        return f"{self.name} ({self.resource_id})" if self.name else self.resource_id


READERS = (vpc.vpcs, vpc.subnets)
PERMISSIONS = permissions(*READERS)
"""IAM actions of reading the networks."""


def _cidrs(resource: Resource) -> tuple[Network, ...]:
    config = resource.config
    blocks = list(config.get("cidrs") or [])
    if resource.type == "ec2:subnet" or not blocks:
        blocks = [config["cidr"]] if config.get("cidr") else []
    blocks += config.get("ipv6_cidrs") or []
    return tuple(ipaddress.ip_network(b) for b in dict.fromkeys(blocks))


def to_network(resource: Resource) -> AwsNetwork:
    """The IPAM view of a VPC or subnet that discovery read.

    Args:
        resource: an ``ec2:vpc`` or ``ec2:subnet`` resource.
    """
    kind = resource.type.split(":", 1)[1]
    vpc_id = resource.resource_id if kind == "vpc" else str(resource.config["vpc_id"])
    return AwsNetwork(
        kind,
        resource.resource_id,
        vpc_id,
        resource.account,
        resource.region,
        resource.tags.get("Name"),
        _cidrs(resource),
        resource.tags,
    )


def read_networks(
    ctx: ToolContext, regions: list[str] | None = None
) -> tuple[list[AwsNetwork], list[tuple[str, str]]]:
    """VPCs and subnets in every configured account and region, read in parallel.

    Args:
        ctx: tool context.
        regions: regions to read (default: the configured ones).

    Returns:
        The networks, and the (account, region) pairs read.
    """
    found = read(ctx, READERS, regions=regions or None)
    networks = [to_network(r) for r in found if r.type in ("ec2:vpc", "ec2:subnet")]
    scanned = sorted({(n.account, n.region) for n in networks if n.kind == "vpc"})
    return networks, scanned
