"""Running an approved deploy: reserve the VPC block, create the change set, check it is exactly
the approved change (else void), execute it, follow the stack events, roll back on failure."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from tools.architecture.cfn.base import TAG_KEY
from tools.architecture.models import DeployResult
from tools.architecture.service import ArchitectureStore
from tools.architecture.stack import (
    Change,
    change_set_changes,
    failure_of,
    stack_events,
    stack_resources,
)
from tools.context import ToolContext
from tools.errors import ToolError
from tools.ipam import service as ipam
from tools.ipam.allocation_service import execute_allocate, execute_release
from tools.ipam.models import AllocateArgs
from tools.plan import ActionPlan
from tools.progress import report

SUCCEEDED = frozenset({"CREATE_COMPLETE", "UPDATE_COMPLETE", "DELETE_COMPLETE"})
FAILED = frozenset(
    {
        "ROLLBACK_COMPLETE",
        "ROLLBACK_FAILED",
        "UPDATE_ROLLBACK_COMPLETE",
        "UPDATE_ROLLBACK_FAILED",
        "CREATE_FAILED",
        "UPDATE_FAILED",
        "DELETE_FAILED",
        "UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS",
    }
)
CAPABILITIES = ["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM"]


@dataclass
class Watch:
    """Polls a stack and reports its progress, one line at a time, until it settles.

    Attributes:
        cfn: CloudFormation client.
        stack_id: the stack.
        total: resources expected (for "n of total").
        interval: seconds between polls.
        deadline: monotonic time to give up at.
    """

    cfn: Any
    stack_id: str
    total: int
    interval: float
    deadline: float

    def __post_init__(self) -> None:
        self.seen: set[str] = set()
        self.done: set[str] = set()
        self.events: list[dict[str, Any]] = []

    def poll(self) -> str:
        """Read new events, report a line, return the stack status."""
        for event in stack_events(self.cfn, self.stack_id):
            if event["EventId"] in self.seen:
                continue
            self.seen.add(event["EventId"])
            self.events.append(event)
            if event.get("ResourceType") != "AWS::CloudFormation::Stack" and str(
                event["ResourceStatus"]
            ).endswith("_COMPLETE"):
                self.done.add(event["LogicalResourceId"])
        status = str(self.cfn.describe_stacks(StackName=self.stack_id)["Stacks"][0]["StackStatus"])
        last = self.events[-1] if self.events else None
        latest = f" (last: {last['LogicalResourceId']} {last['ResourceStatus']})" if last else ""
        report(f"{status}: {len(self.done)} of {self.total} resources done{latest}")
        return status

    def until_settled(self) -> str:
        """Poll until the stack leaves every *_IN_PROGRESS state (or time runs out)."""
        while True:
            status = self.poll()
            if status in SUCCEEDED or status in FAILED:
                return status
            if time.monotonic() > self.deadline:
                raise ToolError(
                    f"Gave up waiting: the stack is still {status}; check it in the console."
                )
            time.sleep(self.interval)


def _timing(ctx: ToolContext) -> tuple[float, float]:
    interval = ctx.settings.architecture_poll_seconds
    return interval, time.monotonic() + 60 * ctx.settings.architecture_deploy_timeout_minutes


def _reserve(ctx: ToolContext, reservation: dict[str, Any] | None) -> dict[str, Any] | None:
    if reservation is None:
        return None
    args = AllocateArgs.model_validate(reservation)
    outcome = execute_allocate(
        ctx,
        ActionPlan(
            tool="ipam.allocate",
            args=args.model_dump(mode="json"),
            summary="reserve the VPC block",
            risk="low",
        ),
    ).outcomes[0]
    if outcome.status == "skipped":
        raise ToolError(f"Voided: {outcome.detail} Nothing was changed in AWS.")
    with ctx.db.session() as session:
        pool = ipam.find_pool(session, args.pool or "")
        row = ipam.find_allocation(session, pool, args.cidr or "")
    made = outcome.status == "applied"
    return {
        "pool": pool.name,
        "cidr": args.cidr,
        "allocation_id": row.id if row else None,
        "made": made,
    }


def _release(ctx: ToolContext, held: dict[str, Any] | None) -> None:
    if held is None or held.get("allocation_id") is None:
        return
    args = {"pool": held["pool"], "cidr": held["cidr"], "allocation_id": held["allocation_id"]}
    execute_release(ctx, ActionPlan(tool="ipam.release", args=args, summary="release", risk="low"))


def _create_change_set(cfn: Any, args: dict[str, Any]) -> tuple[str, str]:
    created = cfn.create_change_set(
        StackName=args["stack_name"],
        ChangeSetName=f"cloudfabric-v{args['version']}-{uuid.uuid4().hex[:8]}",
        ChangeSetType=args["change_set_type"],
        TemplateBody=args["template_body"],
        Capabilities=CAPABILITIES,
        RoleARN=args["role_arn"],
        Tags=[{"Key": TAG_KEY, "Value": args["name"]}],
        Description=f"CloudFabric {args['name']} v{args['version']} (approved plan)",
    )
    return str(created["Id"]), str(created["StackId"])


def _wait_change_set(
    cfn: Any, change_set_id: str, interval: float, deadline: float
) -> tuple[dict[str, Any], list[Change]]:
    while True:
        description, changes = change_set_changes(cfn, change_set_id)
        if description["Status"] in ("CREATE_COMPLETE", "FAILED"):
            return description, changes
        if time.monotonic() > deadline:
            raise ToolError("Gave up waiting for the change set to be computed.")
        report("Computing the change set...")
        time.sleep(interval)


def _mismatch(approved: list[dict[str, str]], actual: list[Change]) -> str | None:
    wanted = {(c["action"], c["logical_id"], c["type"]) for c in approved}
    got = {(c.action, c.logical_id, c.resource_type) for c in actual}
    if wanted == got:
        return None
    extra = sorted(f"{a} {lid}" for a, lid, _ in got - wanted)
    missing = sorted(f"{a} {lid}" for a, lid, _ in wanted - got)
    parts = ([f"not approved: {', '.join(extra)}"] if extra else []) + (
        [f"approved but absent: {', '.join(missing)}"] if missing else []
    )
    return "; ".join(parts)


def _abandon(cfn: Any, change_set_id: str, stack_id: str, creating: bool) -> None:
    cfn.delete_change_set(ChangeSetName=change_set_id)
    if creating:
        cfn.delete_stack(StackName=stack_id)


def execute_deploy(ctx: ToolContext, plan: ActionPlan) -> DeployResult:
    """Deploy exactly the approved plan.

    Args:
        ctx: tool context.
        plan: the approved plan (``architecture.deploy``).
    """
    args = plan.args
    cfn = ctx.aws.client("cloudformation", args["region"])
    interval, deadline = _timing(ctx)
    if args.get("replace_stack"):
        report(f"Deleting the failed stack {args['stack_name']} first...")
        cfn.delete_stack(StackName=args["stack_name"])
        Watch(cfn, args["stack_name"], 0, interval, deadline).until_settled()
    held = _reserve(ctx, args.get("reservation"))
    try:
        return _run(ctx, cfn, args, held, interval, deadline)
    except ToolError:
        if held and held["made"]:
            _release(ctx, held)
        raise


def _run(
    ctx: ToolContext,
    cfn: Any,
    args: dict[str, Any],
    held: dict[str, Any] | None,
    interval: float,
    deadline: float,
) -> DeployResult:
    creating = args["change_set_type"] == "CREATE"
    change_set_id, stack_id = _create_change_set(cfn, args)
    description, actual = _wait_change_set(cfn, change_set_id, interval, deadline)
    problem = _mismatch(args["changes"], actual)
    if description["Status"] == "FAILED":
        problem = description.get("StatusReason") or "the change set could not be created"
    if problem:
        _abandon(cfn, change_set_id, stack_id, creating)
        raise ToolError(
            f"Voided: the change set does not match the approved plan ({problem}). "
            "Nothing was changed "
            "in AWS; ask again for a fresh plan."
        )
    watch = Watch(cfn, stack_id, len(args["changes"]), interval, deadline)
    try:
        cfn.execute_change_set(ChangeSetName=change_set_id)
    except Exception as error:
        what = f"executing the change set failed: {type(error).__name__}: {error}"
        raise ToolError(_failed(cfn, watch, creating, what, _status_now(watch))) from error
    status = watch.until_settled()
    if status not in SUCCEEDED:
        raise ToolError(_failed(cfn, watch, creating, f"the stack ended {status}", status))
    ArchitectureStore(ctx).mark_deployed(args["name"], args["version"], stack_id)
    return _result(cfn, args, stack_id, status, held)


def _status_now(watch: Watch) -> str:
    """One read of the stack after an API error (it may never settle: nothing is waited for)."""
    try:
        return watch.poll()
    except (ClientError, BotoCoreError) as error:
        return f"unreadable ({type(error).__name__})"


def _failed(cfn: Any, watch: Watch, creating: bool, what: str, status: str) -> str:
    """Roll back (CloudFormation does it itself; a new stack is then deleted) and say what failed
    and in what state it left things."""
    cause = failure_of(watch.events) or what
    if status in ("ROLLBACK_COMPLETE", "UPDATE_ROLLBACK_COMPLETE"):
        rolled = f"CloudFormation rolled back ({status})"
    elif creating:
        rolled = f"CloudFormation did not roll back (the stack is {status})"
    else:
        rolled = _roll_back(cfn, watch)
    if creating:
        try:
            cfn.delete_stack(StackName=watch.stack_id)
            rolled += "; the failed stack was deleted"
        except (ClientError, BotoCoreError) as error:
            rolled += f"; deleting the failed stack failed ({error}), so it is left to clean up"
    return f"Deploy failed: {cause}. {rolled}."


def _roll_back(cfn: Any, watch: Watch) -> str:
    try:
        cfn.rollback_stack(StackName=watch.stack_id)
    except (ClientError, BotoCoreError, NotImplementedError) as error:
        return f"Rolling back failed ({type(error).__name__}: {error}); check the stack"
    return f"Rolled back ({watch.until_settled()})"


def _result(
    cfn: Any, args: dict[str, Any], stack_id: str, status: str, held: dict[str, Any] | None
) -> DeployResult:
    resources = stack_resources(cfn, stack_id)
    stack = cfn.describe_stacks(StackName=stack_id)["Stacks"][0]
    outputs = {o["OutputKey"]: str(o["OutputValue"]) for o in stack.get("Outputs") or []}
    notes = [] if outputs else ["The stack reported no outputs."]
    return DeployResult(
        name=args["name"],
        version=args["version"],
        stack_id=stack_id,
        status=status,
        changes=[f"{c['action']} {c['logical_id']} ({c['type']})" for c in args["changes"]],
        created=[
            f"{r['LogicalResourceId']}: {r.get('PhysicalResourceId') or '-'}" for r in resources
        ],
        outputs=outputs,
        notes=notes,
        reservation=f"{held['cidr']} reserved in IPAM pool '{held['pool']}'" if held else None,
    )
