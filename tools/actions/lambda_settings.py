"""Change a Lambda function's reserved concurrency or timeout, behind approval:
``lambda.set_reserved_concurrency`` (0 throttles every invocation) and ``lambda.set_timeout``.

Both plans show the setting now and after, and what triggers the function; running one changes
the setting only while it is still what the approver saw.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError
from pydantic import BaseModel, Field

from tools.actions import examples_fixes as examples
from tools.actions.finders import FUNCTION_PERMISSIONS, find_function
from tools.actions.outcomes import not_ready
from tools.context import ToolContext
from tools.ec2.finder import Found
from tools.ec2.models import ActionOutcome, ActionResult
from tools.ec2.render import render_action_result
from tools.errors import AlreadyDone, InvalidInput
from tools.iam import needs
from tools.plan import ActionPlan, ResourceChange
from tools.registry import tool

UNRESERVED_FLOOR = 100
"""Lambda keeps at least this much of the account's concurrency unreserved."""
MAX_TIMEOUT = 900


class ReservedConcurrencyArgs(BaseModel):
    """A function and how many concurrent executions to reserve for it."""

    target: str = Field(
        min_length=1, max_length=140, description="Function name, e.g. thumbnailer."
    )
    concurrency: int = Field(
        ge=0, le=100_000, description="Reserved concurrent executions (0 throttles every call)."
    )
    region: str | None = Field(default=None, description="Region to look in (default: all).")


class TimeoutArgs(BaseModel):
    """A function and its new timeout."""

    target: str = Field(
        min_length=1, max_length=140, description="Function name, e.g. thumbnailer."
    )
    seconds: int = Field(ge=1, le=MAX_TIMEOUT, description="New timeout in seconds (1 to 900).")
    region: str | None = Field(default=None, description="Region to look in (default: all).")


@dataclass(frozen=True)
class Setting:
    """How one function setting is read, said and written.

    Attributes:
        tool: registered tool name.
        read: the setting now, from the function's client and name.
        said: the setting in words (``reserved 50``, ``timeout 30 s``).
        write: sets it.
    """

    tool: str
    read: Callable[[Any, str], int | None]
    said: Callable[[int | None], str]
    write: Callable[[Any, str, int], None]


def _concurrency(client: Any, name: str) -> int | None:
    answer = client.get_function_concurrency(FunctionName=name)
    value = answer.get("ReservedConcurrentExecutions")
    return None if value is None else int(value)


def _timeout(client: Any, name: str) -> int | None:
    return int(client.get_function_configuration(FunctionName=name)["Timeout"])


def _said_concurrency(value: int | None) -> str:
    if value is None:
        return "unreserved (shares the account's pool)"
    return "reserved 0 (every call throttled)" if value == 0 else f"reserved {value}"


CONCURRENCY = Setting(
    "lambda.set_reserved_concurrency",
    _concurrency,
    _said_concurrency,
    lambda c, n, v: c.put_function_concurrency(FunctionName=n, ReservedConcurrentExecutions=v),
)
TIMEOUT = Setting(
    "lambda.set_timeout",
    _timeout,
    lambda v: f"timeout {v} s",
    lambda c, n, v: c.update_function_configuration(FunctionName=n, Timeout=v),
)


def _client(ctx: ToolContext, found: Found) -> Any:
    return ctx.aws.client("lambda", found.region, found.account_key)


def _change(found: Found, before: str, after: str) -> ResourceChange:
    return ResourceChange(
        resource_id=found.resource.resource_id,
        resource_type="lambda:function",
        region=found.region,
        account=found.resource.account,
        before=before,
        after=after,
        dependents=[s.rsplit(":", 1)[-1] for s in found.resource.config.get("event_sources") or []],
    )


def _args(found: Found, was: int | None, value: int) -> dict[str, Any]:
    return {
        "function": found.resource.resource_id,
        "region": found.region,
        "account_key": found.account_key,
        "from": was,
        "to": value,
    }


def check_headroom(client: Any, name: str, was: int | None, wanted: int, notes: list[str]) -> None:
    """Refuse a reservation that would leave the account under 100 unreserved executions.

    Args:
        client: Lambda client of the function's region.
        name: the function.
        was: its reservation now (None: unreserved).
        wanted: the reservation asked for.
        notes: where to say that the limit could not be read.

    Raises:
        InvalidInput: too much would be reserved.
    """
    try:
        limit = client.get_account_settings()["AccountLimit"]
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code", "error")
        notes.append(
            f"The account's concurrency limit could not be read ({code}); Lambda refuses a "
            f"reservation that leaves under {UNRESERVED_FLOOR} unreserved."
        )
        return
    most = int(limit["UnreservedConcurrentExecutions"]) + (was or 0) - UNRESERVED_FLOOR
    if wanted > most:
        raise InvalidInput(
            f"At most {max(most, 0)} can be reserved for {name}: Lambda keeps "
            f"{UNRESERVED_FLOOR} of the account's {limit['ConcurrentExecutions']} unreserved."
        )


def plan_concurrency(ctx: ToolContext, args: ReservedConcurrencyArgs) -> ActionPlan:
    """Resolve the function, check the account leaves 100 unreserved, and say the effect.

    Args:
        ctx: tool context.
        args: the function and its reserved concurrency.

    Raises:
        NotFound: no such function.
        InvalidInput: reserving that much would leave under 100 unreserved in the account.
        AlreadyDone: it is reserved at that already.
    """
    found = find_function(ctx, args.target, args.region)
    client = _client(ctx, found)
    name = found.resource.resource_id
    was = _concurrency(client, name)
    if was == args.concurrency:
        raise AlreadyDone(f"{name} is {_said_concurrency(was)} already; nothing to change.")
    notes = ["Reserved concurrency costs nothing: no cost change."]
    check_headroom(client, name, was, args.concurrency, notes)
    if args.concurrency == 0:
        notes.insert(0, "0 throttles every invocation of the function until it is changed.")
    else:
        notes.insert(0, f"Calls beyond {args.concurrency} at once are throttled.")
    reversal = f"Set it back to {was}." if was is not None else "Remove the reservation again."
    return ActionPlan(
        tool=CONCURRENCY.tool,
        args=_args(found, was, args.concurrency),
        summary=f"Set {name}'s reserved concurrency to {args.concurrency}; it is "
        f"{_said_concurrency(was)} now.",
        risk="medium",
        changes=[_change(found, _said_concurrency(was), _said_concurrency(args.concurrency))],
        cost_delta_monthly=0.0,
        reversible=True,
        reversal=reversal,
        notes=notes,
    )


def plan_timeout(ctx: ToolContext, args: TimeoutArgs) -> ActionPlan:
    """Resolve the function and say its timeout now and after.

    Args:
        ctx: tool context.
        args: the function and its new timeout.

    Raises:
        NotFound: no such function.
        AlreadyDone: the timeout is that already.
    """
    found = find_function(ctx, args.target, args.region)
    name = found.resource.resource_id
    was = _timeout(_client(ctx, found), name)
    if was == args.seconds:
        raise AlreadyDone(f"{name}'s timeout is {was} s already; nothing to change.")
    notes = [
        "Lambda bills the time a call runs, not its timeout: no cost change unless calls "
        "that timed out now run longer."
    ]
    if was is not None and args.seconds < was:
        notes.append(f"Calls running longer than {args.seconds} s are cut off and fail.")
    return ActionPlan(
        tool=TIMEOUT.tool,
        args=_args(found, was, args.seconds),
        summary=f"Set {name}'s timeout from {was} s to {args.seconds} s.",
        risk="low",
        changes=[_change(found, f"timeout {was} s", f"timeout {args.seconds} s")],
        cost_delta_monthly=0.0,
        reversible=True,
        reversal=f"Set the timeout back to {was} s.",
        notes=notes,
    )


def rebuild_concurrency(ctx: ToolContext, plan: ActionPlan) -> ActionPlan:
    """The approved plan built again for its function as it is now.

    Args:
        ctx: tool context.
        plan: the approved plan.
    """
    args = plan.args
    again = ReservedConcurrencyArgs(
        target=args["function"], concurrency=args["to"], region=args["region"]
    )
    return plan_concurrency(ctx, again)


def rebuild_timeout(ctx: ToolContext, plan: ActionPlan) -> ActionPlan:
    """The approved plan built again for its function as it is now.

    Args:
        ctx: tool context.
        plan: the approved plan.
    """
    args = plan.args
    return plan_timeout(
        ctx, TimeoutArgs(target=args["function"], seconds=args["to"], region=args["region"])
    )


def _read(setting: Setting, client: Any, name: str) -> tuple[bool, int | None]:
    """(exists, value) of the setting now."""
    try:
        return True, setting.read(client, name)
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") == "ResourceNotFoundException":
            return False, None
        raise


def execute(ctx: ToolContext, setting: Setting, plan: ActionPlan) -> ActionResult:
    """Write the planned value once, if the setting is still what the approver saw.

    Args:
        ctx: tool context.
        setting: which setting.
        plan: the approved plan.
    """
    args = plan.args
    change = plan.changes[0]
    client = ctx.aws.client("lambda", args["region"], args.get("account_key"))
    exists, now = _read(setting, client, args["function"])
    if not exists:
        outcome = not_ready(change, None, None)
    elif now != args["from"]:
        outcome = not_ready(change, setting.said(now), setting.said(args["to"]))
    else:
        setting.write(client, args["function"], args["to"])
        outcome = ActionOutcome(
            resource=change.label, status="done", detail=f"now {setting.said(args['to'])}."
        )
    return ActionResult(action=plan.tool, outcomes=[outcome])


def observe(ctx: ToolContext, plan: ActionPlan) -> str:
    """The function's setting now, in words.

    Args:
        ctx: tool context.
        plan: the plan whose execution was cut off.
    """
    setting = CONCURRENCY if plan.tool == CONCURRENCY.tool else TIMEOUT
    args = plan.args
    client = ctx.aws.client("lambda", args["region"], args.get("account_key"))
    exists, now = _read(setting, client, args["function"])
    return f"{args['function']} is {setting.said(now)}." if exists else "it no longer exists."


@tool(
    name=CONCURRENCY.tool,
    description="Set a Lambda function's reserved concurrency (0 throttles every invocation).",
    example="set reserved concurrency of thumbnailer to 50",
    examples=examples.SET_RESERVED_CONCURRENCY,
    args=ReservedConcurrencyArgs,
    result=ActionResult,
    render=render_action_result,
    permissions=needs(
        FUNCTION_PERMISSIONS,
        "lambda:GetFunctionConcurrency",
        "lambda:GetAccountSettings",
        "lambda:PutFunctionConcurrency",
    ),
    risk="medium",
    mutating=True,
    preview=plan_concurrency,
    observe=observe,
    recheck=rebuild_concurrency,
)
def set_reserved_concurrency(ctx: ToolContext, plan: ActionPlan) -> ActionResult:
    """Reserve the planned concurrency for the function of an approved plan.

    Args:
        ctx: tool context.
        plan: the approved plan.
    """
    return execute(ctx, CONCURRENCY, plan)


@tool(
    name=TIMEOUT.tool,
    description="Set a Lambda function's timeout in seconds (1 to 900).",
    example="set the timeout of thumbnailer to 60 seconds",
    examples=examples.SET_TIMEOUT,
    args=TimeoutArgs,
    result=ActionResult,
    render=render_action_result,
    permissions=needs(
        FUNCTION_PERMISSIONS,
        "lambda:GetFunctionConfiguration",
        "lambda:UpdateFunctionConfiguration",
    ),
    risk="low",
    mutating=True,
    preview=plan_timeout,
    observe=observe,
    recheck=rebuild_timeout,
)
def set_timeout(ctx: ToolContext, plan: ActionPlan) -> ActionResult:
    """Set the planned timeout on the function of an approved plan.

    Args:
        ctx: tool context.
        plan: the approved plan.
    """
    return execute(ctx, TIMEOUT, plan)
