"""Risky security groups and public exposure, computed from the inventory."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from pydantic import BaseModel, Field

from tools.discovery.collectors.vpc_security_groups import port_text
from tools.discovery.resource_models import Resource

WORLD = {"0.0.0.0/0", "::/0"}
SENSITIVE_PORTS: dict[int, str] = {
    22: "SSH",
    3389: "RDP",
    3306: "MySQL",
    5432: "PostgreSQL",
    1433: "SQL Server",
    1521: "Oracle",
    27017: "MongoDB",
    6379: "Redis",
    9200: "Elasticsearch",
    5439: "Redshift",
    11211: "Memcached",
}


class OpenRule(BaseModel):
    """An ingress rule open to the whole internet."""

    protocol: str = Field(description="IP protocol ('-1' = all).")
    from_port: int | None = Field(default=None, description="First port.")
    to_port: int | None = Field(default=None, description="Last port.")
    sources: list[str] = Field(description="The world-open CIDRs (0.0.0.0/0, ::/0).")
    exposes: list[str] = Field(description="Sensitive services in range, or ['all ports'].")


class GroupFinding(BaseModel):
    """A security group worth a look."""

    arn: str = Field(description="Security group ARN.")
    group_id: str = Field(description="sg-... id.")
    name: str | None = Field(default=None, description="Group name.")
    region: str = Field(description="Region.")
    account: str = Field(description="Account id.")
    open_rules: list[OpenRule] = Field(default_factory=list, description="Risky world-open rules.")
    unused: bool = Field(description="True when nothing uses the group.")
    used_by: int = Field(description="How many resources use the group.")


class Exposure(BaseModel):
    """A resource reachable from the internet."""

    arn: str = Field(description="Resource ARN.")
    label: str = Field(description="name (id).")
    type: str = Field(description="Resource type.")
    region: str = Field(description="Region.")
    reason: str = Field(description="Reason code: public_instance, public_bucket, ...")
    address: str | None = Field(default=None, description="Public IP or DNS name.")
    open_ports: list[str] = Field(default_factory=list, description="World-open ports.")


def _covers(rule: dict[str, Any], port: int) -> bool:
    if rule["protocol"] == "-1":
        return True
    low, high = rule.get("from_port"), rule.get("to_port")
    return low is not None and high is not None and low <= port <= high


def _all_ports(rule: dict[str, Any]) -> bool:
    if rule["protocol"] == "-1":
        return True
    return rule.get("from_port") in (0, None, -1) and rule.get("to_port") in (65535, None, -1)


def world_open(rule: dict[str, Any]) -> list[str]:
    """The world-open sources of a normalised rule.

    Args:
        rule: a rule from a security group's ``config.ingress``.
    """
    return sorted(WORLD & set(rule.get("cidrs", []) + rule.get("ipv6_cidrs", [])))


def risky_rule(rule: dict[str, Any]) -> OpenRule | None:
    """An ``OpenRule`` when the rule opens SSH, RDP, a database port or all ports to the world.

    Args:
        rule: a normalised ingress rule.
    """
    sources = world_open(rule)
    if not sources:
        return None
    if _all_ports(rule):
        exposes = ["all ports"]
    else:
        exposes = [
            f"{name} ({port})" for port, name in SENSITIVE_PORTS.items() if _covers(rule, port)
        ]
    if not exposes:
        return None
    return OpenRule(
        protocol=rule["protocol"],
        from_port=rule.get("from_port"),
        to_port=rule.get("to_port"),
        sources=sources,
        exposes=exposes,
    )


def group_users(resources: Iterable[Resource]) -> dict[str, set[str]]:
    """Security group ARN -> ARNs of the resources secured by it.

    Args:
        resources: the inventory.
    """
    users: dict[str, set[str]] = defaultdict(set)
    for resource in resources:
        for rel in resource.relations:
            if rel.kind == "SECURED_BY":
                users[rel.target].add(rel.source)
    return users


def risky_security_groups(
    resources: Sequence[Resource], include_unused: bool = True
) -> list[GroupFinding]:
    """Groups with world-open risky rules, and (optionally) groups nothing uses.

    Default groups are never reported as unused: AWS does not let you delete them.

    Args:
        resources: the inventory.
        include_unused: also report unused groups.
    """
    users = group_users(resources)
    findings = []
    for group in (r for r in resources if r.type == "ec2:security-group"):
        open_rules = [
            f for f in (risky_rule(rule) for rule in group.config.get("ingress", [])) if f
        ]
        used_by = len(users.get(group.arn, set()))
        unused = used_by == 0 and group.config.get("group_name") != "default"
        if open_rules or (include_unused and unused):
            findings.append(
                GroupFinding(
                    arn=group.arn,
                    group_id=group.resource_id,
                    name=group.name,
                    region=group.region,
                    account=group.account,
                    open_rules=open_rules,
                    unused=unused,
                    used_by=used_by,
                )
            )
    return sorted(findings, key=lambda f: (not f.open_rules, f.region, f.name or ""))


def _open_ports(groups: list[Resource]) -> list[str]:
    ports: list[str] = []
    for group in groups:
        for rule in group.config.get("ingress", []):
            if world_open(rule):
                ports.append(port_text(rule))
    return sorted(set(ports))


def public_exposure(resources: Sequence[Resource]) -> list[Exposure]:
    """Instances with a public IP in a public subnet behind a world-open group, public buckets,
    internet-facing load balancers with open groups and publicly accessible databases.

    Args:
        resources: the inventory.
    """
    by_arn = {r.arn: r for r in resources}
    found: list[Exposure] = []
    for resource in resources:
        groups = [
            by_arn[rel.target]
            for rel in resource.relations
            if rel.kind == "SECURED_BY" and rel.target in by_arn
        ]
        exposure = _exposure(resource, groups, by_arn)
        if exposure:
            found.append(exposure)
    return sorted(found, key=lambda e: (e.reason, e.region, e.label))


def _exposure(
    resource: Resource, groups: list[Resource], by_arn: dict[str, Resource]
) -> Exposure | None:
    config = resource.config
    base = {
        "arn": resource.arn,
        "label": resource.label,
        "type": resource.type,
        "region": resource.region,
    }
    if resource.type == "s3:bucket" and config.get("public"):
        return Exposure(**base, reason="public_bucket")
    ports = _open_ports(groups)
    if resource.type == "ec2:instance" and config.get("public_ip") and ports:
        subnets = [by_arn.get(rel.source) for rel in resource.relations if rel.kind == "CONTAINS"]
        if any(s is not None and s.config.get("public") for s in subnets):
            return Exposure(
                **base, reason="public_instance", address=config["public_ip"], open_ports=ports
            )
    if (
        resource.type == "elbv2:load-balancer"
        and config.get("scheme") == "internet-facing"
        and ports
    ):
        return Exposure(
            **base, reason="public_load_balancer", address=config.get("dns_name"), open_ports=ports
        )
    if resource.type == "rds:db-instance" and config.get("publicly_accessible"):
        return Exposure(
            **base, reason="public_database", address=config.get("endpoint"), open_ports=ports
        )
    return None
