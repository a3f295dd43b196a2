"""Read an Amazon VPC IPAM (pools, provisioned CIDRs, allocations) into importable records.

Only used in live mode: the sandbox (moto) has no VPC IPAM.
"""

from __future__ import annotations

from typing import Any

from core.aws_read import paginate, tag_dict, tag_value

RESOURCE_TYPES = {"vpc": "vpc", "subnet": "subnet"}
PERMISSIONS = ("ec2:DescribeIpamPools", "ec2:GetIpamPoolCidrs", "ec2:GetIpamPoolAllocations")
"""IAM actions of reading an Amazon VPC IPAM (in the primary account's home region)."""


def _allocation_record(pool_name: str, item: dict[str, Any]) -> dict[str, Any]:
    kind = RESOURCE_TYPES.get(item.get("ResourceType", ""))
    arn = None
    if kind and item.get("ResourceId") and item.get("ResourceOwner"):
        arn = (
            f"arn:aws:ec2:{item.get('ResourceRegion')}:{item['ResourceOwner']}:"
            f"{kind}/{item['ResourceId']}"
        )
    return {
        "kind": "allocation",
        "name": item.get("ResourceId") or item.get("Description"),
        "parent": pool_name,
        "cidr": [item["Cidr"]],
        "environment": None,
        "region": None,
        "owner": item.get("ResourceOwner"),
        "tags": {},
        "description": None,
        "resource_arn": arn,
    }


def read_records(client: Any) -> list[dict[str, Any]]:
    """Pools (parents first) and their non-pool allocations from one IPAM home region.

    Args:
        client: an EC2 client in the IPAM's home region.
    """
    pools = list(paginate(client, "describe_ipam_pools", "IpamPools"))
    pools = [p for p in pools if p.get("State", "create-complete").endswith("complete")]
    names = {p["IpamPoolId"]: tag_value(p.get("Tags"), "name") or p["IpamPoolId"] for p in pools}
    records: list[dict[str, Any]] = []
    allocations: list[dict[str, Any]] = []
    for pool in sorted(pools, key=lambda p: (p.get("PoolDepth", 1), p["IpamPoolId"])):
        pool_id = pool["IpamPoolId"]
        cidrs = [
            c["Cidr"]
            for c in paginate(client, "get_ipam_pool_cidrs", "IpamPoolCidrs", IpamPoolId=pool_id)
            if c.get("State") == "provisioned"
        ]
        if not cidrs:
            continue
        locale = pool.get("Locale")
        tags = pool.get("Tags")
        records.append(
            {
                "kind": "pool",
                "name": names[pool_id],
                "parent": names.get(pool.get("SourceIpamPoolId", "")),
                "cidr": cidrs,
                "environment": tag_value(tags, "env") or tag_value(tags, "environment"),
                "region": locale if locale and locale != "None" else None,
                "owner": tag_value(tags, "owner"),
                "tags": {k: v for k, v in tag_dict(tags).items() if k != "Name"},
                "description": pool.get("Description"),
                "resource_arn": None,
            }
        )
        for item in paginate(
            client, "get_ipam_pool_allocations", "IpamPoolAllocations", IpamPoolId=pool_id
        ):
            if item.get("ResourceType") != "ipam-pool":
                allocations.append(_allocation_record(names[pool_id], item))
    return records + allocations


def read_csv(client: Any) -> str:
    """The Amazon VPC IPAM as import CSV.

    Args:
        client: an EC2 client in the IPAM's home region.
    """
    from tools.ipam.export import to_csv

    return to_csv(read_records(client))
