"""Drift: the deployed template compared with what discovery sees in AWS now.

Missing: a stack resource discovery no longer finds. Changed: a security group rule, a
database setting, an instance type or a CIDR that differs from the template. Unmanaged:
instances or security groups inside the stack's VPC that the stack did not create.
"""

from __future__ import annotations

from typing import Any

from tools.architecture.cfn import build_template
from tools.architecture.deployed import DISCOVERY_TYPES, inventory_by_id, scan_region
from tools.architecture.models import DriftItem, DriftResult
from tools.architecture.service import ArchitectureStore
from tools.architecture.stack import stack_resources
from tools.context import ToolContext
from tools.discovery.store import StoredResource
from tools.errors import ToolError

Json = dict[str, Any]


def _declared_rules(template: Json, physical: dict[str, str]) -> dict[str, set[tuple[int, str]]]:
    """Security group logical id -> {(port, source)} the template declares."""
    rules: dict[str, set[tuple[int, str]]] = {}
    resources = template["Resources"]
    for lid, r in resources.items():
        if r["Type"] == "AWS::EC2::SecurityGroup":
            rules[lid] = {
                (int(x["FromPort"]), x["CidrIp"])
                for x in r["Properties"].get("SecurityGroupIngress", [])
            }
    for r in resources.values():
        if r["Type"] == "AWS::EC2::SecurityGroupIngress":
            props = r["Properties"]
            target, source = (
                props["GroupId"]["Fn::GetAtt"][0],
                props["SourceSecurityGroupId"]["Fn::GetAtt"][0],
            )
            rules.setdefault(target, set()).add(
                (int(props["FromPort"]), physical.get(source, source))
            )
    return rules


def _seen_rules(group: StoredResource) -> set[tuple[int, str]]:
    seen = set()
    for rule in group.config.get("ingress", []):
        port = int(rule.get("from_port") or 0)
        seen |= {(port, cidr) for cidr in rule.get("cidrs", [])}
        seen |= {(port, source) for source in rule.get("groups", [])}
    return seen


def _compare(lid: str, kind: str, props: Json, seen: StoredResource) -> list[DriftItem]:
    config = seen.config
    checks: list[tuple[str, Any, Any]] = []
    if kind == "AWS::RDS::DBInstance":
        checks = [
            ("instance class", props.get("DBInstanceClass"), config.get("instance_class")),
            ("Multi-AZ", props.get("MultiAZ"), config.get("multi_az")),
            (
                "publicly accessible",
                props.get("PubliclyAccessible"),
                config.get("publicly_accessible"),
            ),
            ("storage encrypted", props.get("StorageEncrypted"), config.get("storage_encrypted")),
        ]
    elif kind in ("AWS::EC2::VPC", "AWS::EC2::Subnet"):
        checks = [("CIDR", props.get("CidrBlock"), config.get("cidr") or config.get("cidr_block"))]
    return [
        DriftItem(resource=lid, kind="changed", detail=f"{what}: template {want}, AWS now {got}")
        for what, want, got in checks
        if got is not None and want != got
    ]


def drift(ctx: ToolContext, name: str | None) -> DriftResult:
    """Compare a deployed architecture with a fresh discovery scan of its region.

    Args:
        ctx: tool context.
        name: the architecture (None = the actor's latest).
    """
    store = ArchitectureStore(ctx)
    latest = store.get(name)
    if latest.row.deployed_version is None or latest.row.stack_id is None:
        raise ToolError(f"{latest.row.name} is not deployed, so it cannot drift.")
    spec = store.get(latest.row.name, latest.row.deployed_version).spec
    template = build_template(spec)
    cfn = ctx.aws.client("cloudformation", spec.region)
    resources = stack_resources(cfn, latest.row.stack_id)
    scan_region(ctx, spec.region)
    inventory = inventory_by_id(ctx, spec.region)
    physical = {r["LogicalResourceId"]: r.get("PhysicalResourceId") or "" for r in resources}
    declared = _declared_rules(template, physical)
    items: list[DriftItem] = []
    for r in resources:
        lid, kind, pid = r["LogicalResourceId"], r["ResourceType"], physical[r["LogicalResourceId"]]
        if kind not in DISCOVERY_TYPES:
            continue
        seen = inventory.get(pid)
        if seen is None:
            items.append(
                DriftItem(
                    resource=lid,
                    kind="missing",
                    detail=f"{kind} {pid} is gone (deleted outside CloudFormation?)",
                )
            )
            continue
        items += _compare(lid, kind, template["Resources"].get(lid, {}).get("Properties", {}), seen)
        if kind == "AWS::EC2::SecurityGroup":
            for port, source in sorted(_seen_rules(seen) - declared.get(lid, set())):
                items.append(
                    DriftItem(
                        resource=lid,
                        kind="changed",
                        detail=f"ingress tcp {port} from {source} is not in the template",
                    )
                )
            for port, source in sorted(declared.get(lid, set()) - _seen_rules(seen)):
                items.append(
                    DriftItem(
                        resource=lid,
                        kind="changed",
                        detail=f"declared ingress tcp {port} from {source} is missing",
                    )
                )
    items += _unmanaged(physical.get("Vpc"), set(physical.values()), inventory)
    return DriftResult(
        name=spec.name,
        stack_id=latest.row.stack_id,
        checked=len(resources),
        items=items,
        scanned_at=ctx.clock.now().isoformat(),
    )


def _unmanaged(
    vpc: str | None, owned: set[str], inventory: dict[str, StoredResource]
) -> list[DriftItem]:
    if not vpc:
        return []
    found = []
    for item in {r.arn: r for r in inventory.values()}.values():
        if (
            item.type not in ("ec2:instance", "ec2:security-group")
            or item.config.get("vpc_id") != vpc
        ):
            continue
        if item.resource_id in owned or item.tags.get("aws:autoscaling:groupName") in owned:
            continue
        if item.type == "ec2:security-group" and item.config.get("group_name") == "default":
            continue
        found.append(
            DriftItem(
                resource=item.label,
                kind="unmanaged",
                detail=f"{item.type} in the stack's VPC, not created by the stack",
            )
        )
    return found
