"""Security groups of the VPC collector, with their rules normalised and who may reach whom."""

from __future__ import annotations

from typing import Any

from core.aws_read import tag_dict
from tools.discovery.collectors.base import Scope, listing, make, rel
from tools.discovery.resource_models import Relation, Resource

SERVICE = "vpc"


def _rule(permission: dict[str, Any]) -> dict[str, Any]:
    return {
        "protocol": str(permission.get("IpProtocol", "-1")),
        "from_port": permission.get("FromPort"),
        "to_port": permission.get("ToPort"),
        "cidrs": [r["CidrIp"] for r in permission.get("IpRanges", [])],
        "ipv6_cidrs": [r["CidrIpv6"] for r in permission.get("Ipv6Ranges", [])],
        "groups": [
            p["GroupId"] for p in permission.get("UserIdGroupPairs", []) if p.get("GroupId")
        ],
    }


def port_text(rule: dict[str, Any]) -> str:
    """``tcp 5432``, ``tcp 80-443`` or ``all traffic`` for a normalised rule.

    Args:
        rule: a rule as stored in a security group's config.
    """
    if rule["protocol"] == "-1":
        return "all traffic"
    low, high = rule.get("from_port"), rule.get("to_port")
    ports = f"{low}" if low == high else f"{low}-{high}"
    return f"{rule['protocol']} {ports}"


def _security_group(scope: Scope, item: dict[str, Any]) -> Resource:
    group_id = item["GroupId"]
    arn = scope.ec2_arn("security-group", group_id)
    ingress = [_rule(p) for p in item.get("IpPermissions", [])]
    relations: list[Relation] = []
    if item.get("VpcId"):
        relations.append(rel(scope.ec2_arn("vpc", item["VpcId"]), "CONTAINS", arn))
    for rule in ingress:
        for source in rule["groups"]:
            source_arn = scope.ec2_arn("security-group", source)
            relations.append(rel(source_arn, "ALLOWS", arn, port_text(rule)))
    config = {
        "group_name": item.get("GroupName"),
        "description": item.get("Description"),
        "vpc_id": item.get("VpcId"),
        "ingress": ingress,
        "egress": [_rule(p) for p in item.get("IpPermissionsEgress", [])],
    }
    return make(
        scope,
        SERVICE,
        "ec2:security-group",
        arn,
        group_id,
        name=tag_dict(item.get("Tags")).get("Name") or item.get("GroupName"),
        tags=tag_dict(item.get("Tags")),
        state="active",
        config=config,
        relations=relations,
    )


security_groups = listing(
    "vpc.security_groups",
    "ec2:DescribeSecurityGroups",
    ("ec2", "describe_security_groups", "SecurityGroups"),
    _security_group,
)
"""Every security group in the scope, with its rules."""
