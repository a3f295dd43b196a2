"""Remove an inbound rule from a security group, behind approval:
``ec2.revoke_security_group_ingress`` (e.g. SSH open to 0.0.0.0/0).

The plan names the rule exactly as the group holds it now and what uses the group (network
interfaces of instances, load balancers, databases, functions); running it revokes only that
rule, and a rule already gone is nothing to do.
"""

from __future__ import annotations

import ipaddress
from typing import Any, Literal

from botocore.exceptions import ClientError
from pydantic import BaseModel, Field, field_validator, model_validator

from core.aws import ENTRY_PERMISSIONS
from core.aws_read import paginate
from tools.actions import examples_fixes as examples
from tools.actions.described import Described, Naming, describe_everywhere, pick_one
from tools.context import ToolContext
from tools.ec2.models import ActionOutcome, ActionResult
from tools.ec2.render import render_action_result
from tools.errors import NotFound
from tools.iam import needs
from tools.plan import ActionPlan, ResourceChange
from tools.registry import tool

TOOL = "ec2.revoke_security_group_ingress"
FIND_PERMISSIONS = (
    *ENTRY_PERMISSIONS,
    "ec2:DescribeSecurityGroups",
    "ec2:DescribeNetworkInterfaces",
)
"""IAM actions of finding the group in every account (entering the others), its rules and what
uses it."""
Protocol = Literal["tcp", "udp", "icmp", "all"]


class RevokeIngressArgs(BaseModel):
    """The security group and the one inbound rule to remove from it."""

    group: str = Field(
        min_length=1, max_length=255, description="Security group id (sg-...) or name, e.g. web-sg."
    )
    port: int | None = Field(
        default=None, ge=-1, le=65535, description="Port, or first port of the range (e.g. 22)."
    )
    to_port: int | None = Field(
        default=None, ge=-1, le=65535, description="Last port of the range (default: port)."
    )
    protocol: Protocol = Field(default="tcp", description="tcp, udp, icmp or all traffic.")
    cidr: str = Field(
        default="0.0.0.0/0", max_length=64, description="Source CIDR of the rule (IPv4 or IPv6)."
    )
    region: str | None = Field(default=None, description="Region to look in (default: all).")

    @field_validator("cidr")
    @classmethod
    def _network(cls, value: str) -> str:
        try:
            return str(ipaddress.ip_network(value.strip(), strict=False))
        except ValueError as error:
            raise ValueError(f"'{value}' is not a CIDR such as 0.0.0.0/0 or 10.0.0.0/8") from error

    @model_validator(mode="after")
    def _ports(self) -> RevokeIngressArgs:
        if self.protocol in ("tcp", "udp") and self.port is None:
            raise ValueError("a tcp or udp rule needs its port (e.g. 22)")
        if self.port is not None and self.to_port is not None and self.to_port < self.port:
            raise ValueError(f"the port range {self.port}-{self.to_port} runs backwards")
        return self

    @property
    def ports(self) -> tuple[int | None, int | None]:
        """(from, to) as the group stores them; None for all traffic."""
        if self.protocol == "all":
            return None, None
        if self.port is None:  # icmp: every type
            return -1, -1
        return self.port, self.to_port if self.to_port is not None else self.port


DESCRIBE_GROUPS = ("ec2", "describe_security_groups", "SecurityGroups")


class Group(Described):
    """One security group: its ``DescribeSecurityGroups`` entry, region and account."""

    @property
    def ident(self) -> str:
        """The group id."""
        return str(self.raw["GroupId"])

    @property
    def name(self) -> str:
        """The group name."""
        return str(self.raw.get("GroupName", ""))


NAMING = Naming(
    noun="security group",
    article="a",
    names=lambda group: (group.ident, group.name),
    place=lambda group: f"{group.ident} in {group.region}",
    suggest=lambda group: group.name if group.name != "default" else None,
)
"""How people name security groups: by id or name (``default`` is never suggested)."""


def find_group(ctx: ToolContext, target: str, region: str | None) -> Group:
    """Exactly one security group with id or name ``target``.

    Args:
        ctx: tool context.
        target: ``sg-...`` or the group name (case does not matter).
        region: restrict to this region (default: every configured one).

    Raises:
        NotFound: no such group; the message names the closest ones.
        InvalidInput: the name exists in several VPCs, accounts or regions.
    """
    groups = describe_everywhere(ctx, Group, DESCRIBE_GROUPS, region)
    return pick_one(groups, target, NAMING, region)


def _protocol(args: RevokeIngressArgs) -> str:
    return "-1" if args.protocol == "all" else args.protocol


def _matches(permission: dict[str, Any], args: RevokeIngressArgs) -> bool:
    if str(permission.get("IpProtocol")) != _protocol(args):
        return False
    if args.protocol != "all" and (permission.get("FromPort"), permission.get("ToPort")) != (
        args.ports
    ):
        return False
    cidrs = [r.get("CidrIp") for r in permission.get("IpRanges", [])]
    cidrs += [r.get("CidrIpv6") for r in permission.get("Ipv6Ranges", [])]
    return args.cidr in cidrs


def rule_text(args: RevokeIngressArgs) -> str:
    """``tcp 22 from 0.0.0.0/0`` for the rule of ``args``.

    Args:
        args: the rule.
    """
    if args.protocol == "all":
        return f"all traffic from {args.cidr}"
    low, high = args.ports
    ports = f"{low}" if low == high else f"{low}-{high}"
    return f"{args.protocol} {ports} from {args.cidr}"


def _rules_text(raw: dict[str, Any]) -> str:
    said = []
    for permission in raw.get("IpPermissions", []):
        protocol = str(permission.get("IpProtocol"))
        low, high = permission.get("FromPort"), permission.get("ToPort")
        ports = "" if protocol == "-1" else (f" {low}" if low == high else f" {low}-{high}")
        name = "all traffic" if protocol == "-1" else protocol
        sources = [r.get("CidrIp") for r in permission.get("IpRanges", [])]
        sources += [r.get("CidrIpv6") for r in permission.get("Ipv6Ranges", [])]
        sources += [p.get("GroupId") for p in permission.get("UserIdGroupPairs", [])]
        said += [f"{name}{ports} from {source}" for source in sources if source]
    return "; ".join(said) or "none"


def users(ctx: ToolContext, group: Group) -> list[str]:
    """What uses the group: the instance or description of each network interface it guards.

    Args:
        ctx: tool context.
        group: the security group.
    """
    client = ctx.aws.client("ec2", group.region, group.account_key)
    interfaces = paginate(
        client, "describe_network_interfaces", "NetworkInterfaces",
        Filters=[{"Name": "group-id", "Values": [group.ident]}],
    )  # fmt: skip
    named = [
        (i.get("Attachment") or {}).get("InstanceId")
        or i.get("Description")
        or i["NetworkInterfaceId"]
        for i in interfaces
    ]
    return sorted(set(named))


def plan_revoke(ctx: ToolContext, args: RevokeIngressArgs) -> ActionPlan:
    """Resolve the group, find the rule in it and list what the group guards.

    Args:
        ctx: tool context.
        args: the group and the rule.

    Raises:
        NotFound: no such group, or the group holds no such rule (its rules are named).
    """
    group = find_group(ctx, args.group, args.region)
    rule = rule_text(args)
    if not any(_matches(p, args) for p in group.raw.get("IpPermissions", [])):
        raise NotFound(
            f"{group.name} ({group.ident}) has no inbound rule {rule}; "
            f"its inbound rules are: {_rules_text(group.raw)}."
        )
    guarded = users(ctx, group)
    notes = [
        "Connections this rule allowed are refused once it is gone; other rules of the group "
        "still apply.",
        "Security group rules cost nothing: no cost change.",
    ]
    return ActionPlan(
        tool=TOOL,
        args={
            "group_id": group.ident,
            "group": group.name,
            "region": group.region,
            "account_key": group.account_key,
            "protocol": args.protocol,
            "port": args.ports[0],
            "to_port": args.ports[1],
            "cidr": args.cidr,
        },
        summary=f"Remove the inbound rule {rule} from {group.name} ({group.ident}).",
        risk="medium",
        changes=[
            ResourceChange(
                resource_id=group.ident,
                name=group.name,
                resource_type="ec2:security-group",
                region=group.region,
                account=group.raw.get("OwnerId"),
                before=f"allows {rule}",
                after=f"no longer allows {rule}",
                dependents=guarded,
            )
        ],
        cost_delta_monthly=0.0,
        reversible=True,
        reversal=f"Add the inbound rule {rule} to {group.name} again.",
        notes=notes,
    )


def _args_of(plan: ActionPlan) -> RevokeIngressArgs:
    args = plan.args
    return RevokeIngressArgs(
        group=args["group_id"], port=args["port"], to_port=args["to_port"],
        protocol=args["protocol"], cidr=args["cidr"], region=args["region"],
    )  # fmt: skip


def rebuild(ctx: ToolContext, plan: ActionPlan) -> ActionPlan:
    """The approved plan built again for its group as it is now (by id).

    Args:
        ctx: tool context.
        plan: the approved plan.
    """
    return plan_revoke(ctx, _args_of(plan))


def permission(args: RevokeIngressArgs) -> dict[str, Any]:
    """The ``IpPermissions`` entry of the rule, as the EC2 API takes it.

    Args:
        args: the rule.
    """
    entry: dict[str, Any] = {"IpProtocol": _protocol(args)}
    if args.protocol != "all":
        entry["FromPort"], entry["ToPort"] = args.ports
    network = ipaddress.ip_network(args.cidr)
    key, ranges = ("CidrIpv6", "Ipv6Ranges") if network.version == 6 else ("CidrIp", "IpRanges")
    entry[ranges] = [{key: args.cidr}]
    return entry


def dry_run_plan(ctx: ToolContext, plan: ActionPlan) -> None:
    """Send the revoke with ``DryRun=True`` under the action role.

    Args:
        ctx: the pre-flight context.
        plan: the plan filed for approval.

    Raises:
        WouldFail: AWS would refuse the call.
    """
    from tools.preflight import dry_run

    args = plan.args
    dry_run(
        ctx, "ec2", args["region"], args.get("account_key"), "revoke_security_group_ingress",
        GroupId=args["group_id"], IpPermissions=[permission(_args_of(plan))],
    )  # fmt: skip


def _holds(client: Any, rule: RevokeIngressArgs) -> bool | None:
    try:
        raws = client.describe_security_groups(GroupIds=[rule.group])["SecurityGroups"]
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") == "InvalidGroup.NotFound":
            return None
        raise
    return any(_matches(p, rule) for p in raws[0].get("IpPermissions", [])) if raws else None


def observe(ctx: ToolContext, plan: ActionPlan) -> str:
    """Whether the group still holds the rule, in words.

    Args:
        ctx: tool context.
        plan: the plan whose execution was cut off.
    """
    rule = _args_of(plan)
    client = ctx.aws.client("ec2", plan.args["region"], plan.args.get("account_key"))
    holds = _holds(client, rule)
    label = plan.changes[0].label
    if holds is None:
        return f"{label} no longer exists."
    return f"{label} {'still allows' if holds else 'no longer allows'} {rule_text(rule)}."


@tool(
    name=TOOL,
    description="Remove one inbound rule (protocol, port range, source CIDR) from a security "
    "group, e.g. SSH open to 0.0.0.0/0.",
    example="close port 22 to 0.0.0.0/0 on ssh-open",
    examples=examples.REVOKE_SECURITY_GROUP_INGRESS,
    args=RevokeIngressArgs,
    result=ActionResult,
    render=render_action_result,
    permissions=needs(FIND_PERMISSIONS, "ec2:RevokeSecurityGroupIngress"),
    risk="medium",
    mutating=True,
    preview=plan_revoke,
    observe=observe,
    recheck=rebuild,
    dry_run=dry_run_plan,
)
def revoke_security_group_ingress(ctx: ToolContext, plan: ActionPlan) -> ActionResult:
    """Revoke exactly the planned rule once; a rule already gone is nothing to do.

    Args:
        ctx: tool context.
        plan: the approved plan.
    """
    rule = _args_of(plan)
    change = plan.changes[0]
    client = ctx.aws.client("ec2", plan.args["region"], plan.args.get("account_key"))
    holds = _holds(client, rule)
    if holds is None:
        outcome = ActionOutcome(
            resource=change.label, status="skipped", detail="it no longer exists."
        )
    elif not holds:
        outcome = ActionOutcome(
            resource=change.label,
            status="nothing-to-do",
            detail=f"{rule_text(rule)} is not allowed already; nothing to do.",
        )
    else:
        client.revoke_security_group_ingress(GroupId=rule.group, IpPermissions=[permission(rule)])
        outcome = ActionOutcome(
            resource=change.label, status="done", detail=f"no longer allows {rule_text(rule)}."
        )
    return ActionResult(action=plan.tool, outcomes=[outcome])
