"""A security group opened to the world: the open rules, who opened them, what they expose."""

from __future__ import annotations

import json
from typing import Any

from tools.alerts.playbooks import inventory, trail
from tools.alerts.playbooks.fixes import RevokeIngressArgs, SuggestedFix
from tools.alerts.playbooks.models import ReadEvidence
from tools.alerts.playbooks.notebook import Notebook

WORLD = ("0.0.0.0/0", "::/0")
SENSITIVE_PORTS = (22, 3389, 3306, 5432, 1433, 6379, 27017, 9200)


def _open_rules(permission: dict[str, Any]) -> list[dict[str, Any]]:
    cidrs = [r.get("CidrIp") for r in permission.get("IpRanges", [])]
    cidrs += [r.get("CidrIpv6") for r in permission.get("Ipv6Ranges", [])]
    protocol = str(permission.get("IpProtocol", "-1"))
    low, high = permission.get("FromPort"), permission.get("ToPort")
    return [
        {"protocol": protocol, "from_port": low, "to_port": high, "cidr": cidr}
        for cidr in cidrs
        if cidr in WORLD
    ]


def _ports(rule: dict[str, Any]) -> str:
    if rule["protocol"] == "-1":
        return "all traffic"
    low, high = rule["from_port"], rule["to_port"]
    return f"{rule['protocol']} {low}" if low == high else f"{rule['protocol']} {low}-{high}"


def _sensitive(rule: dict[str, Any]) -> bool:
    low, high = rule["from_port"], rule["to_port"]
    if rule["protocol"] == "-1" or low is None:
        return True
    return any(low <= port <= high for port in SENSITIVE_PORTS)


def _rules(book: Notebook, group_id: str) -> list[dict[str, Any]]:
    client = book.client("ec2")
    answer = book.read(
        f"rules of {group_id}", "ec2:DescribeSecurityGroups",
        lambda: client.describe_security_groups(GroupIds=[group_id]),
    )  # fmt: skip
    groups = (answer or {}).get("SecurityGroups", [])
    rules = [rule for g in groups for p in g.get("IpPermissions", []) for rule in _open_rules(p)]
    for rule in rules:
        facts = {k: str(v) for k, v in rule.items()}
        evidence = ReadEvidence(call="DescribeSecurityGroups", resource=group_id, facts=facts)
        weight = 90 if _sensitive(rule) else 60
        book.found(f"{group_id} lets {rule['cidr']} in on {_ports(rule)}.", weight, evidence)
    if answer is not None and not rules:
        book.found(f"{group_id} has no world-open ingress rule now.", 50)
    return rules


def _who(book: Notebook, group_id: str) -> None:
    for event in trail.events_for(book, group_id, ("AuthorizeSecurityGroupIngress",)) or []:
        item = trail.evidence(event)
        asked = json.dumps(trail.record(event).get("requestParameters") or {})[:200]
        book.found(
            f"{item.user or 'Someone'} called AuthorizeSecurityGroupIngress on {group_id} "
            f"(request {asked}).", 85, item,
        )  # fmt: skip


def run(book: Notebook) -> SuggestedFix | None:
    """Investigate a world-open group; suggest revoking its most sensitive open rule.

    Args:
        book: the playbook run (signal.resource is the group id or ARN).
    """
    group_id = book.signal.resource.rsplit("/", 1)[-1]
    rules = _rules(book, group_id)
    _who(book, group_id)
    exposed = inventory.attached(book, group_id, "SECURED_BY")
    if exposed:
        book.found(f"{len(exposed)} resource(s) use {group_id}.", 70, *exposed)
    if not rules:
        return None
    rule = sorted(rules, key=lambda r: not _sensitive(r))[0]
    args = RevokeIngressArgs(
        group=group_id,
        protocol="all" if rule["protocol"] == "-1" else rule["protocol"],
        port=rule["from_port"],
        to_port=rule["to_port"],
        cidr=rule["cidr"],
        region=book.signal.region,
    )
    return SuggestedFix(
        tool="ec2.revoke_security_group_ingress",
        args=args,
        why=f"{group_id} lets {rule['cidr']} in on {_ports(rule)}; remove that rule.",
    )
