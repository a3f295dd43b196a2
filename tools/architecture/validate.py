"""Validation: rules with a reason and a fix each, and the corrected spec with the fixes applied.

Spec rules read the spec; template rules read the generated CloudFormation (security groups,
IAM), so what is checked is exactly what would deploy. A spec with an unresolved critical
finding cannot be deployed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tools.architecture.cfn import build_template
from tools.architecture.finding_models import Finding
from tools.architecture.network import BlockChoice, layout, usable
from tools.architecture.spec import (
    ADMIN_PORTS,
    DATA_STORES,
    DATABASE_PORTS,
    DATABASES,
    INTERNET,
    ArchitectureSpec,
    NetworkPlan,
    Tier,
)
from tools.errors import InvalidInput

Rule = Callable[[ArchitectureSpec], list[Finding]]


def _public_database(spec: ArchitectureSpec) -> list[Finding]:
    return [
        Finding(
            rule="no-public-database",
            severity="critical",
            component=c.name,
            reason=f"{c.name} ({c.kind}) is reachable from the internet; data must stay private.",
            fix="Made it private: only the components declared to use it can reach it.",
        )
        for c in spec.components
        if c.kind in DATA_STORES and c.public
    ]


def _encryption(spec: ArchitectureSpec) -> list[Finding]:
    return [
        Finding(
            rule="encryption-at-rest",
            severity="critical",
            component=c.name,
            reason=f"{c.name} ({c.kind}) would store data unencrypted.",
            fix="Turned encryption at rest on (AWS-managed keys).",
        )
        for c in spec.components
        if not c.encrypted and c.kind in DATA_STORES | {"sqs", "sns", "asg"}
    ]


def _multi_az(spec: ArchitectureSpec) -> list[Finding]:
    if spec.environment != "prod":
        return []
    found = []
    for c in spec.of_kind(*DATABASES):
        if not c.multi_az or (c.kind in ("aurora", "redis") and c.count < 2):
            found.append(
                Finding(
                    rule="multi-az-prod",
                    severity="high",
                    component=c.name,
                    reason=f"{c.name} is in one AZ only: an AZ outage takes prod down.",
                    fix="Multi-AZ: a standby (or replica) in a second AZ with automatic failover.",
                )
            )
    for c in spec.of_kind("asg", "fargate"):
        if c.count < 2:
            found.append(
                Finding(
                    rule="multi-az-prod",
                    severity="high",
                    component=c.name,
                    reason=f"{c.name} runs {c.count} instance: one AZ failure stops it.",
                    fix="At least one instance per AZ.",
                )
            )
    return found


def _open_ports(spec: ArchitectureSpec) -> list[Finding]:
    sensitive = ADMIN_PORTS | DATABASE_PORTS
    found = []
    for c in spec.components:
        for port in c.open_to_world:
            if port in sensitive:
                what = "admin" if port in ADMIN_PORTS else "database"
                found.append(
                    Finding(
                        rule="no-world-open-admin-or-db-port",
                        severity="critical",
                        component=c.name,
                        reason=f"Port {port} ({what}) on {c.name} is open to 0.0.0.0/0.",
                        fix="Closed it: use SSM Session Manager for a shell, no open port needed."
                        if port in ADMIN_PORTS
                        else "Closed it: only declared components reach the database.",
                    )
                )
    for link in spec.connections:
        if link.source == INTERNET and link.port in sensitive:
            found.append(
                Finding(
                    rule="no-world-open-admin-or-db-port",
                    severity="critical",
                    component=link.target,
                    reason=f"The internet may connect to {link.target} on port {link.port}.",
                    fix="Removed that connection.",
                )
            )
    return found


def _subnet_sizes(spec: ArchitectureSpec) -> list[Finding]:
    if spec.network is None:
        return []
    return [
        Finding(
            rule="subnet-fits-hosts",
            severity="critical",
            component="network",
            reason=f"Subnet {s.cidr} ({s.tier}, {s.zone}) has {usable(s)} usable addresses "
            f"for {s.hosts} hosts.",
            fix="Re-planned the subnets inside the VPC block, each sized for its hosts.",
        )
        for s in spec.network.subnets
        if usable(s) < s.hosts
    ]


def _world_rules(template: dict[str, Any]) -> set[tuple[str, int]]:
    rules = set()
    for resource in template["Resources"].values():
        if resource["Type"] == "AWS::EC2::SecurityGroup":
            for rule in resource["Properties"].get("SecurityGroupIngress", []):
                rules.add((rule.get("CidrIp", ""), int(rule["FromPort"])))
    return rules


def _least_privilege(spec: ArchitectureSpec) -> list[Finding]:
    template = build_template(spec)
    found = []
    for logical_id, resource in template["Resources"].items():
        if resource["Type"] != "AWS::IAM::Role":
            continue
        for policy in resource["Properties"].get("Policies", []):
            for statement in policy["PolicyDocument"]["Statement"]:
                actions = (
                    statement["Action"]
                    if isinstance(statement["Action"], list)
                    else [statement["Action"]]
                )
                if statement.get("Resource") == "*" or any("*" in a for a in actions):
                    found.append(
                        Finding(
                            rule="least-privilege-iam",
                            severity="critical",
                            component=logical_id,
                            reason=f"{logical_id} grants {actions} on {statement.get('Resource')}.",
                            fix="Grants only its declared connections' actions, on their ARNs.",
                        )
                    )
    return found


def _tls(spec: ArchitectureSpec) -> list[Finding]:
    return [
        Finding(
            rule="tls-at-the-edge",
            severity="warning",
            component=c.name,
            reason=f"{c.name} listens on plain HTTP (port 80): no certificate was given.",
            fix="Add an ACM certificate and an HTTPS listener on 443 (not done automatically).",
        )
        for c in spec.of_kind("alb")
        if c.public and c.port == 80 and spec.environment == "prod"
    ]


RULES: tuple[Rule, ...] = (
    _public_database,
    _encryption,
    _multi_az,
    _open_ports,
    _subnet_sizes,
    _least_privilege,
    _tls,
)


def validate(spec: ArchitectureSpec) -> list[Finding]:
    """Every finding of every rule, critical first.

    Args:
        spec: the architecture.
    """
    order = {"critical": 0, "high": 1, "warning": 2}
    found = [finding for rule in RULES for finding in rule(spec)]
    return sorted(found, key=lambda f: (order[f.severity], f.rule, f.component))


def blocking(findings: list[Finding]) -> list[Finding]:
    """The findings that stop a deploy.

    Args:
        findings: from ``validate``.
    """
    return [f for f in findings if f.severity == "critical"]


def corrected(spec: ArchitectureSpec) -> ArchitectureSpec:
    """``spec`` with the fix of every critical and high finding applied.

    Args:
        spec: the architecture.
    """
    fixed = spec.model_copy(deep=True)
    sensitive = ADMIN_PORTS | DATABASE_PORTS
    for c in fixed.components:
        if c.kind in DATA_STORES:
            c.public = False
        if c.kind in DATA_STORES | {"sqs", "sns", "asg"}:
            c.encrypted = True
        c.open_to_world = [p for p in c.open_to_world if p not in sensitive]
        if fixed.environment == "prod":
            _make_resilient(c, fixed.az_count)
    fixed.connections = [
        link
        for link in fixed.connections
        if not (link.source == INTERNET and link.port in sensitive)
    ]
    if fixed.network is not None and any(usable(s) < s.hosts for s in fixed.network.subnets):
        fixed.network = _replanned(fixed.network, fixed.zones())
    return fixed


def _replanned(network: NetworkPlan, zones: list[str]) -> NetworkPlan:
    """The subnets planned again for their hosts; unchanged when the VPC block is too small."""
    hosts: dict[Tier, int] = {}
    for s in network.subnets:
        hosts[s.tier] = max(hosts.get(s.tier, 0), s.hosts)
    block = BlockChoice(network.cidr, network.cidr_source, network.ipam_pool)
    try:
        return layout(block, zones, hosts, network.nat, list(network.endpoints))
    except InvalidInput:
        return network


def _make_resilient(c: Any, zones: int) -> None:
    if c.kind in DATABASES:
        c.multi_az = True
        if c.kind in ("aurora", "redis"):
            c.count = max(c.count, 2)
    if c.kind in ("asg", "fargate") and c.count < 2:
        c.count = max(2, zones)
        c.max_count = max(c.max_count or 0, c.count * 2)
