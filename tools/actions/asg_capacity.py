"""Scale an Auto Scaling group to a new desired capacity, behind approval:
``asg.set_desired_capacity``.

The plan prices the instances added or removed at the list price of the type the group
launches (its launch template, mixed-instances template or launch configuration) and names
the load balancers and target groups that send it traffic.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from pydantic import BaseModel, Field

from core.aws import ENTRY_PERMISSIONS
from tools.actions import examples_fixes as examples
from tools.actions.described import Described, Naming, describe_everywhere, pick_one
from tools.actions.outcomes import not_ready
from tools.context import ToolContext
from tools.cost.catalog import catalog
from tools.cost.estimate_models import HOURS_PER_MONTH
from tools.ec2.models import ActionOutcome, ActionResult
from tools.ec2.render import render_action_result
from tools.errors import AlreadyDone, InvalidInput, ToolError
from tools.iam import needs
from tools.plan import ActionPlan, ResourceChange
from tools.registry import tool

TOOL = "asg.set_desired_capacity"
MAX_CAPACITY = 10_000
FIND_PERMISSIONS = (
    *ENTRY_PERMISSIONS,
    "autoscaling:DescribeAutoScalingGroups",
    "autoscaling:DescribeLaunchConfigurations",
    "ec2:DescribeLaunchTemplateVersions",
)
"""IAM actions of finding a group in every account (entering the others) and the instance type
it launches."""


class SetDesiredCapacityArgs(BaseModel):
    """Which Auto Scaling group to scale, and to how many instances."""

    target: str = Field(
        min_length=1, max_length=255, description="Auto Scaling group name, e.g. web-asg."
    )
    desired: int = Field(
        ge=0, le=MAX_CAPACITY, description="New desired capacity (within the group's min/max)."
    )
    region: str | None = Field(default=None, description="Region to look in (default: all).")


DESCRIBE_GROUPS = ("autoscaling", "describe_auto_scaling_groups", "AutoScalingGroups")


class Group(Described):
    """One Auto Scaling group: its ``DescribeAutoScalingGroups`` entry, region and account."""

    @property
    def name(self) -> str:
        """The group's name."""
        return str(self.raw["AutoScalingGroupName"])

    @property
    def account(self) -> str | None:
        """The 12-digit account id, read from its ARN."""
        arn = str(self.raw.get("AutoScalingGroupARN", ""))
        return arn.split(":")[4] if arn.count(":") >= 5 else None

    def capacity(self) -> str:
        """``desired 2 (min 1, max 6)``."""
        raw = self.raw
        return f"desired {raw['DesiredCapacity']} (min {raw['MinSize']}, max {raw['MaxSize']})"


NAMING = Naming(
    noun="Auto Scaling group",
    article="an",
    names=lambda group: (group.name,),
    place=lambda group: f"{group.region}/{group.account}",
    suggest=lambda group: group.name,
)
"""How people name Auto Scaling groups."""


def find_group(ctx: ToolContext, target: str, region: str | None) -> Group:
    """Exactly one Auto Scaling group called ``target`` (case does not matter).

    Args:
        ctx: tool context.
        target: the group's name.
        region: restrict to this region (default: every configured one).

    Raises:
        NotFound: no such group; the message names the closest ones.
        InvalidInput: the name exists in several accounts or regions.
    """
    groups = describe_everywhere(ctx, Group, DESCRIBE_GROUPS, region)
    return pick_one(groups, target, NAMING, region)


def instance_type(ctx: ToolContext, group: Group) -> str | None:
    """The instance type ``group`` launches, or None when it cannot be told.

    Args:
        ctx: tool context.
        group: the group.
    """
    raw = group.raw
    mixed = raw.get("MixedInstancesPolicy", {}).get("LaunchTemplate", {})
    template = raw.get("LaunchTemplate") or mixed.get("LaunchTemplateSpecification")
    if template:
        client = ctx.aws.client("ec2", group.region, group.account_key)
        version = str(template.get("Version") or "$Default")
        key = "LaunchTemplateId" if "LaunchTemplateId" in template else "LaunchTemplateName"
        versions = client.describe_launch_template_versions(
            **{key: template[key]}, Versions=[version]
        )
        data = versions["LaunchTemplateVersions"][0]["LaunchTemplateData"]
        return data.get("InstanceType")
    if raw.get("LaunchConfigurationName"):
        client = ctx.aws.client("autoscaling", group.region, group.account_key)
        configs = client.describe_launch_configurations(
            LaunchConfigurationNames=[raw["LaunchConfigurationName"]]
        )["LaunchConfigurations"]
        return str(configs[0]["InstanceType"]) if configs else None
    return None


def plan_capacity(ctx: ToolContext, args: SetDesiredCapacityArgs) -> ActionPlan:
    """Resolve the group, check the count against its min and max, and price the change.

    Args:
        ctx: tool context.
        args: the group and its new desired capacity.

    Raises:
        NotFound: no such group.
        InvalidInput: the count is outside the group's min and max.
        AlreadyDone: the group already wants that many.
    """
    group = find_group(ctx, args.target, args.region)
    raw = group.raw
    low, high, now = int(raw["MinSize"]), int(raw["MaxSize"]), int(raw["DesiredCapacity"])
    if not low <= args.desired <= high:
        raise InvalidInput(
            f"{group.name} runs between {low} and {high} instances; {args.desired} is outside "
            "that. Change its minimum or maximum size first."
        )
    if args.desired == now:
        raise AlreadyDone(f"{group.name} already wants {now} instances; nothing to change.")
    notes: list[str] = []
    kind = instance_type(ctx, group)
    cost = _cost(kind, group.region, args.desired - now, notes)
    verb = "Scale out" if args.desired > now else "Scale in"
    if args.desired < now:
        notes.append(f"{now - args.desired} instance(s) are terminated (their local data is lost).")
    return ActionPlan(
        tool=TOOL,
        args={
            "group": group.name,
            "region": group.region,
            "account_key": group.account_key,
            "from_desired": now,
            "desired": args.desired,
        },
        summary=f"{verb} {group.name} from {now} to {args.desired} instances.",
        risk="medium",
        changes=[_change(group, args.desired)],
        cost_delta_monthly=cost,
        reversible=True,
        reversal=f"Set {group.name}'s desired capacity back to {now}.",
        notes=notes,
    )


def _cost(kind: str | None, region: str, added: int, notes: list[str]) -> float | None:
    if kind is None:
        notes.append("Cost not priced: the group's instance type could not be read.")
        return None
    try:
        price = catalog().ec2_instance(kind, region)
    except ToolError as error:
        notes.append(f"Cost not priced: {error}")
        return None
    notes.append(
        f"Cost: {added:+d} x {kind} at ${price.usd}/h list price as of {price.as_of}, 730 h a "
        "month (EBS volumes of the instances not counted)."
    )
    return float((price.usd * added * HOURS_PER_MONTH).quantize(Decimal("0.01")))


def _change(group: Group, desired: int) -> ResourceChange:
    raw = group.raw
    dependents = [arn.split("/")[-2] for arn in raw.get("TargetGroupARNs", []) if "/" in arn]
    return ResourceChange(
        resource_id=group.name,
        resource_type="autoscaling:group",
        region=group.region,
        account=group.account,
        before=group.capacity(),
        after=f"desired {desired}",
        dependents=[*raw.get("LoadBalancerNames", []), *dependents],
    )


def rebuild(ctx: ToolContext, plan: ActionPlan) -> ActionPlan:
    """The approved plan built again for its group as it is now.

    Args:
        ctx: tool context.
        plan: the approved plan.
    """
    args = plan.args
    return plan_capacity(
        ctx,
        SetDesiredCapacityArgs(
            target=args["group"], desired=args["desired"], region=args["region"]
        ),
    )


def _current(client: Any, name: str) -> dict[str, Any] | None:
    found = client.describe_auto_scaling_groups(AutoScalingGroupNames=[name])["AutoScalingGroups"]
    return found[0] if found else None


def observe(ctx: ToolContext, plan: ActionPlan) -> str:
    """The group's desired capacity now, in words (read when an execution was cut off).

    Args:
        ctx: tool context.
        plan: the plan whose execution was cut off.
    """
    args = plan.args
    client = ctx.aws.client("autoscaling", args["region"], args.get("account_key"))
    raw = _current(client, args["group"])
    if raw is None:
        return f"{args['group']} no longer exists."
    return f"{args['group']} wants {raw['DesiredCapacity']} instances."


@tool(
    name=TOOL,
    description="Set an Auto Scaling group's desired capacity (within its min and max size).",
    example="scale web-asg to 4 instances",
    examples=examples.SET_DESIRED_CAPACITY,
    args=SetDesiredCapacityArgs,
    result=ActionResult,
    render=render_action_result,
    permissions=needs(FIND_PERMISSIONS, "autoscaling:SetDesiredCapacity"),
    risk="medium",
    mutating=True,
    preview=plan_capacity,
    observe=observe,
    recheck=rebuild,
)
def set_desired_capacity(ctx: ToolContext, plan: ActionPlan) -> ActionResult:
    """Set the planned group's desired capacity once, if it still wants what was approved.

    Args:
        ctx: tool context.
        plan: the approved plan.
    """
    args = plan.args
    change = plan.changes[0]
    client = ctx.aws.client("autoscaling", args["region"], args.get("account_key"))
    raw = _current(client, args["group"])
    current = None if raw is None else int(raw["DesiredCapacity"])
    if current != args["from_desired"]:
        shown = None if raw is None else f"desired {current}"
        wanted = f"desired {args['desired']}"
        outcome = not_ready(change, shown, wanted)
    else:
        client.set_desired_capacity(
            AutoScalingGroupName=args["group"], DesiredCapacity=args["desired"], HonorCooldown=False
        )
        outcome = ActionOutcome(
            resource=change.label, status="done", detail=f"now wants {args['desired']} instances."
        )
    return ActionResult(action=plan.tool, outcomes=[outcome])
