"""Change an EC2 instance's type (rightsizing, previous -> current generation), behind approval."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from pydantic import BaseModel, Field

from core.aws_read import paginate
from tools.actions.outcomes import not_ready
from tools.context import ToolContext
from tools.cost.catalog import catalog
from tools.cost.estimate_models import HOURS_PER_MONTH
from tools.ec2 import examples, finder
from tools.ec2.models import ActionOutcome, ActionResult, Instance
from tools.ec2.render import render_action_result
from tools.errors import ToolError
from tools.iam import needs
from tools.plan import ActionPlan, ResourceChange
from tools.registry import tool

RESIZABLE_STATES = ("running", "stopped")


class ModifyInstanceTypeArgs(BaseModel):
    """Which instance to resize and to what."""

    target: str = Field(description="Instance id or Name tag.")
    instance_type: str = Field(description="New instance type, e.g. m5.large.")
    region: str | None = Field(default=None, description="Region to look in (default: all).")


def _state_label(instance_type: str, state: str) -> str:
    return f"{instance_type} ({state})"


def plan_resize(ctx: ToolContext, args: ModifyInstanceTypeArgs) -> ActionPlan:
    """Resolve the instance, check the new type exists there and price the change.

    Args:
        ctx: tool context.
        args: the instance and its new type.
    """
    instance = finder.resolve(ctx, args.target, args.region)
    if instance.state not in RESIZABLE_STATES:
        raise ToolError(
            f"{instance.label} is {instance.state}; wait until it is running or stopped."
        )
    if instance.instance_type == args.instance_type:
        raise ToolError(f"{instance.label} is already {args.instance_type}; nothing to change.")
    prices = catalog()
    new = prices.ec2_instance(args.instance_type, instance.region)
    old = prices.ec2_instance(instance.instance_type, instance.region)
    running = instance.state == "running"
    hourly_delta = new.usd - old.usd
    notes = [f"List prices as of {new.as_of}: {old.item} ${old.usd}/h, {new.item} ${new.usd}/h."]
    if running:
        notes.append(
            "The instance is stopped, resized and started again (a few minutes of downtime)."
        )
    else:
        notes.append(
            f"It is stopped now; once it runs (730 h) the change is "
            f"{_signed(hourly_delta * HOURS_PER_MONTH)} a month."
        )
    return ActionPlan(
        tool="ec2.modify_instance_type",
        args=_args(instance, args.instance_type),
        summary=f"Change {instance.label} from {instance.instance_type} to {args.instance_type}.",
        risk="medium" if running else "low",
        changes=[_change(instance, args.instance_type)],
        cost_delta_monthly=float((hourly_delta * HOURS_PER_MONTH).quantize(Decimal("0.01")))
        if running
        else 0.0,
        reversible=True,
        reversal=f"Change it back to {instance.instance_type} the same way.",
        notes=notes,
    )


def rebuild_resize(ctx: ToolContext, plan: ActionPlan) -> ActionPlan:
    """The approved resize planned again for its instance as it is now (by id).

    Args:
        ctx: tool context.
        plan: the approved plan.

    Raises:
        ToolError: the instance is gone, has the new type already, or is not resizable now.
    """
    args = plan.args
    again = ModifyInstanceTypeArgs(
        target=args["instance_id"], instance_type=args["instance_type"], region=args["region"]
    )
    return plan_resize(ctx, again)


def _signed(amount: Decimal) -> str:
    return f"{'+' if amount >= 0 else '-'}${abs(amount).quantize(Decimal('0.01'))}"


def _args(instance: Instance, new_type: str) -> dict[str, Any]:
    return {
        "instance_id": instance.instance_id,
        "region": instance.region,
        "account_key": instance.account_key,
        "from_type": instance.instance_type,
        "instance_type": new_type,
        "state": instance.state,
    }


def _change(instance: Instance, new_type: str) -> ResourceChange:
    return ResourceChange(
        resource_id=instance.instance_id,
        name=instance.name,
        resource_type="ec2:instance",
        region=instance.region,
        account=instance.account,
        before=_state_label(instance.instance_type, instance.state),
        after=_state_label(new_type, instance.state),
    )


def _current(client: Any, instance_id: str) -> tuple[str, str] | None:
    reservations = paginate(client, "describe_instances", "Reservations", InstanceIds=[instance_id])
    for reservation in reservations:
        for raw in reservation["Instances"]:
            return raw["InstanceType"], raw["State"]["Name"]
    return None


@tool(
    name="ec2.modify_instance_type",
    description="Change an EC2 instance's type (stops and restarts it when it is running).",
    example="resize legacy-app to m5.large",
    examples=examples.MODIFY_INSTANCE_TYPE,
    args=ModifyInstanceTypeArgs,
    result=ActionResult,
    render=render_action_result,
    permissions=needs(
        finder.INSTANCE_PERMISSIONS,
        "ec2:DescribeInstances",
        "ec2:StopInstances",
        "ec2:ModifyInstanceAttribute",
        "ec2:StartInstances",
    ),
    risk="medium",
    mutating=True,
    preview=plan_resize,
    recheck=lambda ctx, plan: rebuild_resize(ctx, plan),
)
def modify_instance_type(ctx: ToolContext, plan: ActionPlan) -> ActionResult:
    """Resize exactly the planned instance if it is still in the approved type and state.

    Args:
        ctx: tool context.
        plan: the approved plan.
    """
    args = plan.args
    change = plan.changes[0]
    client = ctx.aws.client("ec2", args["region"], args.get("account_key"))
    current = _current(client, args["instance_id"])
    if current is None or current[0] == args["instance_type"]:
        outcome = not_ready(change, current and current[0], args["instance_type"])
    elif current != (args["from_type"], args["state"]):
        outcome = not_ready(change, current[0], None, shown=_state_label(*current))
    else:
        outcome = _resize(client, args, change)
    return ActionResult(action=plan.tool, outcomes=[outcome])


def _resize(client: Any, args: dict[str, Any], change: ResourceChange) -> ActionOutcome:
    instance_id = args["instance_id"]
    running = args["state"] == "running"
    if running:
        client.stop_instances(InstanceIds=[instance_id])
        client.get_waiter("instance_stopped").wait(
            InstanceIds=[instance_id], WaiterConfig={"Delay": 10, "MaxAttempts": 60}
        )
    client.modify_instance_attribute(
        InstanceId=instance_id, InstanceType={"Value": args["instance_type"]}
    )
    if running:
        client.start_instances(InstanceIds=[instance_id])
    again = " and started again" if running else ""
    return ActionOutcome(
        resource=change.label, status="done", detail=f"now {args['instance_type']}{again}."
    )
