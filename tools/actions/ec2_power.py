"""Stop, start and reboot EC2 instances, behind approval."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from core.aws_read import paginate
from tools.actions.outcomes import not_ready
from tools.context import ToolContext
from tools.cost.catalog import catalog
from tools.cost.estimate_models import HOURS_PER_MONTH
from tools.ec2 import finder, traffic
from tools.ec2.examples import REBOOT_INSTANCES, START_INSTANCES, STOP_INSTANCES
from tools.ec2.models import ActionOutcome, ActionResult, Instance, PowerArgs
from tools.ec2.render import render_action_result
from tools.errors import ToolError
from tools.iam import needs
from tools.plan import ActionPlan, ResourceChange, Risk
from tools.registry import tool


@dataclass(frozen=True)
class PowerAction:
    """How one power verb behaves.

    Attributes:
        tool: registered tool name.
        verb: word used in sentences ("stop").
        api: EC2 API method name.
        before: state a target must be in.
        after: state a target ends in.
        risk: default risk.
    """

    tool: str
    verb: str
    api: str
    before: str
    after: str
    risk: Risk

    @property
    def api_name(self) -> str:
        """The IAM action name of the API call (``StopInstances``)."""
        return "".join(part.capitalize() for part in self.api.split("_"))


PREVIEW_PERMISSIONS = needs(finder.INSTANCE_PERMISSIONS, traffic.PERMISSIONS)
"""IAM actions of planning: finding the instances and what sends them traffic."""
RECHECK_PERMISSIONS = ("ec2:DescribeInstances",)
"""IAM actions of re-reading each target's state right before the call."""
STOP = PowerAction("ec2.stop_instances", "stop", "stop_instances", "running", "stopped", "medium")
START = PowerAction("ec2.start_instances", "start", "start_instances", "stopped", "running", "low")
REBOOT = PowerAction(
    "ec2.reboot_instances", "reboot", "reboot_instances", "running", "running", "medium"
)


def _needs_action(action: PowerAction, instance: Instance) -> bool:
    return instance.state == action.before


def _change(ctx: ToolContext, action: PowerAction, instance: Instance) -> ResourceChange:
    after = "rebooted" if action is REBOOT else action.after
    return ResourceChange(
        resource_id=instance.instance_id,
        name=instance.name,
        resource_type="ec2:instance",
        region=instance.region,
        account=instance.account,
        before=instance.state,
        after=after,
        dependents=traffic.load_balancers_for(ctx, instance),
    )


def build_plan(ctx: ToolContext, action: PowerAction, args: PowerArgs) -> ActionPlan:
    """Resolve the targets and describe exactly what will change.

    Args:
        ctx: tool context.
        action: which power verb.
        args: targets and region.
    """
    instances = finder.resolve_all(ctx, args.targets, args.region)
    todo = [i for i in instances if _needs_action(action, i)]
    idle = [i for i in instances if not _needs_action(action, i)]
    if not todo:
        states = "; ".join(f"{i.label} is {i.state}" for i in idle)
        raise ToolError(f"Nothing to {action.verb}: {states}.")
    changes = [_change(ctx, action, i) for i in todo]
    labels = ", ".join(c.label for c in changes)
    notes = [f"{i.label} is {i.state}; it is left alone." for i in idle]
    if action is STOP:
        notes.append("Instance-store data is lost on stop; EBS volumes keep their data.")
    delta = _compute_cost_delta(action, todo, notes)
    return ActionPlan(
        tool=action.tool,
        args={
            "targets": [
                {"instance_id": i.instance_id, "region": i.region, "account_key": i.account_key}
                for i in todo
            ]
        },
        summary=f"{action.verb.capitalize()} {labels}.",
        risk=action.risk,
        changes=changes,
        cost_delta_monthly=delta,
        reversible=True,
        reversal=_reversal(action),
        notes=notes,
    )


def _compute_cost_delta(
    action: PowerAction, instances: list[Instance], notes: list[str]
) -> float | None:
    """Monthly compute cost change at list price (EBS storage is billed either way)."""
    if action is REBOOT:
        return None
    try:
        prices = [catalog().ec2_instance(i.instance_type, i.region) for i in instances]
    except ToolError as error:
        notes.append(f"No cost estimate: {error}")
        return None
    hourly = sum((p.usd for p in prices), Decimal(0))
    sign = -1 if action is STOP else 1
    notes.append(
        f"Compute at list price as of {prices[0].as_of}, 730 h a month; "
        "attached EBS volumes are billed either way."
    )
    return float((sign * hourly * HOURS_PER_MONTH).quantize(Decimal("0.01")))


def _reversal(action: PowerAction) -> str:
    if action is STOP:
        return "Start the instances again (public IPs not backed by an Elastic IP change)."
    if action is START:
        return "Stop the instances again."
    return "A reboot cannot be undone, but leaves the instances as they were."


def execute_plan(ctx: ToolContext, action: PowerAction, plan: ActionPlan) -> ActionResult:
    """Run exactly the stored plan, re-checking each target's state first.

    Args:
        ctx: tool context.
        action: which power verb.
        plan: the approved plan.
    """
    changes = {c.resource_id: c for c in plan.changes}
    outcomes: list[ActionOutcome] = []
    for (region, account_key), ids in _by_place(plan).items():
        outcomes += _run_group(ctx, action, region, account_key, ids, changes)
    return ActionResult(action=action.tool, outcomes=outcomes)


def _run_group(
    ctx: ToolContext,
    action: PowerAction,
    region: str,
    account_key: str | None,
    ids: list[str],
    changes: dict[str, ResourceChange],
) -> list[ActionOutcome]:
    client = ctx.aws.client("ec2", region, account_key)
    current = _states(client, ids)
    ready = [i for i in ids if current.get(i) == action.before]
    outcomes = [
        not_ready(changes[i], current.get(i), None if action is REBOOT else action.after)
        for i in ids
        if i not in ready
    ]
    if ready:
        getattr(client, action.api)(InstanceIds=ready)
        past = {"stop": "stopping", "start": "starting", "reboot": "rebooting"}[action.verb]
        outcomes += [
            ActionOutcome(resource=changes[i].label, status="done", detail=f"{past} now.")
            for i in ready
        ]
    return outcomes


def _states(client: Any, ids: list[str]) -> dict[str, str]:
    reservations = paginate(client, "describe_instances", "Reservations", InstanceIds=ids)
    return {
        raw["InstanceId"]: raw["State"]["Name"]
        for reservation in reservations
        for raw in reservation["Instances"]
    }


def observe(ctx: ToolContext, plan: ActionPlan) -> str:
    """The plan's instances as AWS shows them now, in words ("batch-worker (i-…) is stopping").

    Args:
        ctx: tool context.
        plan: the plan whose execution was cut off.
    """
    labels = {c.resource_id: c.label for c in plan.changes}
    seen: list[str] = []
    for (region, account_key), ids in _by_place(plan).items():
        current = _states(ctx.aws.client("ec2", region, account_key), ids)
        seen += [f"{labels.get(i, i)} is {current.get(i, 'gone')}" for i in ids]
    return "; ".join(seen) + "."


def rebuild(ctx: ToolContext, action: PowerAction, plan: ActionPlan) -> ActionPlan:
    """The approved plan built again for its instances as they are now (by id).

    Args:
        ctx: tool context.
        action: which power verb.
        plan: the approved plan.

    Raises:
        ToolError: no target needs the action any more, or one is gone.
    """
    targets = plan.args["targets"]
    regions = {t["region"] for t in targets}
    region = regions.pop() if len(regions) == 1 else None
    ids = [t["instance_id"] for t in targets]
    return build_plan(ctx, action, PowerArgs(targets=ids, region=region))


def dry_run_plan(ctx: ToolContext, action: PowerAction, plan: ActionPlan) -> None:
    """Send the plan's calls with ``DryRun=True``: returns when every one would be allowed.

    Args:
        ctx: the pre-flight context (clients acting under the action role).
        action: which power verb.
        plan: the plan filed for approval.

    Raises:
        WouldFail: AWS would refuse a call (the error code, IAM action and role).
    """
    from tools.preflight import dry_run

    for (region, account_key), ids in _by_place(plan).items():
        dry_run(ctx, "ec2", region, account_key, action.api, InstanceIds=ids)


def _by_place(plan: ActionPlan) -> dict[tuple[str, str | None], list[str]]:
    """The plan's instance ids by (region, account key)."""
    groups: dict[tuple[str, str | None], list[str]] = defaultdict(list)
    for target in plan.args["targets"]:
        groups[(target["region"], target.get("account_key"))].append(target["instance_id"])
    return groups


def _register(
    action: PowerAction, description: str, example: str, examples: tuple[str, ...]
) -> None:
    """Register the tool for one power verb: preview builds the plan, handler runs it."""

    def handler(ctx: ToolContext, plan: ActionPlan) -> ActionResult:
        return execute_plan(ctx, action, plan)

    handler.__doc__ = f"{action.verb.capitalize()} the instances of an approved plan."
    tool(
        name=action.tool,
        description=description,
        example=example,
        examples=examples,
        args=PowerArgs,
        result=ActionResult,
        render=render_action_result,
        permissions=needs(PREVIEW_PERMISSIONS, RECHECK_PERMISSIONS, f"ec2:{action.api_name}"),
        risk=action.risk,
        mutating=True,
        preview=lambda ctx, args: build_plan(ctx, action, args),
        observe=observe,
        recheck=lambda ctx, plan: rebuild(ctx, action, plan),
        dry_run=lambda ctx, plan: dry_run_plan(ctx, action, plan),
    )(handler)


_register(
    STOP,
    "Stop running EC2 instances (by id or Name tag).",
    "stop batch-worker",
    STOP_INSTANCES,
)
_register(
    START,
    "Start stopped EC2 instances (by id or Name tag).",
    "start legacy-app",
    START_INSTANCES,
)
_register(
    REBOOT,
    "Reboot running EC2 instances (by id or Name tag).",
    "reboot web-2",
    REBOOT_INSTANCES,
)
