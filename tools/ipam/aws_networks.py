"""Read the VPCs and subnets that really exist, in every account and region."""

from __future__ import annotations

import ipaddress
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from core.aws import AwsClients
from tools.ipam.cidrs import Network


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


def _tags(item: dict[str, Any]) -> dict[str, str]:
    return {t["Key"]: t["Value"] for t in item.get("Tags", [])}


def _vpc_cidrs(vpc: dict[str, Any]) -> tuple[Network, ...]:
    blocks = [
        a["CidrBlock"]
        for a in vpc.get("CidrBlockAssociationSet", [])
        if a.get("CidrBlockState", {}).get("State", "associated") == "associated"
    ]
    blocks = blocks or [vpc["CidrBlock"]]
    blocks += [
        a["Ipv6CidrBlock"]
        for a in vpc.get("Ipv6CidrBlockAssociationSet", [])
        if a.get("Ipv6CidrBlockState", {}).get("State", "associated") == "associated"
    ]
    return tuple(ipaddress.ip_network(b) for b in dict.fromkeys(blocks))


def _subnet_cidrs(subnet: dict[str, Any]) -> tuple[Network, ...]:
    blocks = [subnet["CidrBlock"]] if subnet.get("CidrBlock") else []
    blocks += [a["Ipv6CidrBlock"] for a in subnet.get("Ipv6CidrBlockAssociationSet", [])]
    return tuple(ipaddress.ip_network(b) for b in blocks)


def read_region(aws: AwsClients, account: str | None, region: str) -> list[AwsNetwork]:
    """VPCs and subnets of one account and region (paginated).

    Args:
        aws: client factory.
        account: account id from ``aws.accounts()`` (None = primary).
        region: region name.
    """
    ec2 = aws.client("ec2", region, account)
    found: list[AwsNetwork] = []
    for page in ec2.get_paginator("describe_vpcs").paginate():
        for vpc in page["Vpcs"]:
            tags = _tags(vpc)
            found.append(
                AwsNetwork(
                    "vpc",
                    vpc["VpcId"],
                    vpc["VpcId"],
                    vpc["OwnerId"],
                    region,
                    tags.get("Name"),
                    _vpc_cidrs(vpc),
                    tags,
                )
            )
    for page in ec2.get_paginator("describe_subnets").paginate():
        for subnet in page["Subnets"]:
            tags = _tags(subnet)
            found.append(
                AwsNetwork(
                    "subnet",
                    subnet["SubnetId"],
                    subnet["VpcId"],
                    subnet["OwnerId"],
                    region,
                    tags.get("Name"),
                    _subnet_cidrs(subnet),
                    tags,
                )
            )
    return found


def read_networks(
    aws: AwsClients, regions: list[str] | None = None
) -> tuple[list[AwsNetwork], list[tuple[str, str]]]:
    """VPCs and subnets in every configured account and region, read in parallel.

    Args:
        aws: client factory.
        regions: regions to read (default: ``aws.regions()``).

    Returns:
        The networks, and the (account, region) pairs read.
    """
    targets = [(a, r) for a in aws.accounts() for r in (regions or aws.regions())]
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda t: read_region(aws, *t), targets))
    networks = [n for batch in results for n in batch]
    scanned = sorted({(n.account, n.region) for n in networks if n.kind == "vpc"})
    return networks, scanned
