"""Grow an RDS database's allocated storage, behind approval: ``rds.modify_allocated_storage``.

RDS only grows storage, by at least 10 %, and at most once every six hours; the plan says so,
prices the added GiB at the storage list price of the database's type and deployment, and runs
with ``ApplyImmediately`` (the database stays available while storage is optimised).
"""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

from botocore.exceptions import ClientError
from pydantic import BaseModel, Field

from tools.actions import examples_fixes as examples
from tools.actions.finders import DATABASE_PERMISSIONS, find_database
from tools.actions.outcomes import not_ready
from tools.context import ToolContext
from tools.cost.catalog import catalog
from tools.ec2.finder import Found
from tools.ec2.models import ActionOutcome, ActionResult
from tools.ec2.render import render_action_result
from tools.errors import AlreadyDone, InvalidInput, ToolError
from tools.iam import needs
from tools.plan import ActionPlan, ResourceChange
from tools.registry import tool

TOOL = "rds.modify_allocated_storage"
MAX_GIB = 65_536
"""The most storage RDS gives a MySQL or PostgreSQL instance (64 TiB)."""
GROWTH = 0.10
"""RDS refuses a storage increase of less than 10 %."""


class ModifyStorageArgs(BaseModel):
    """A database and its new allocated storage."""

    target: str = Field(
        min_length=1, max_length=63, description="DB instance identifier, e.g. db-prod."
    )
    size_gib: int = Field(
        ge=20, le=MAX_GIB, description="New allocated storage in GiB (at least 10 % more)."
    )
    region: str | None = Field(default=None, description="Region to look in (default: all).")


def least_growth(current: int) -> int:
    """The smallest size RDS accepts as a new size for ``current`` GiB (10 % more, rounded up).

    Args:
        current: allocated storage now, in GiB.
    """
    return math.ceil(current * (1 + GROWTH) - 1e-9)


def _check(name: str, current: int, size: int) -> None:
    if size == current:
        raise AlreadyDone(f"{name} has {current} GiB already; nothing to change.")
    if size < current:
        raise InvalidInput(
            f"RDS cannot shrink storage: {name} has {current} GiB, so {size} GiB is not "
            "possible (a smaller database means a new one restored from a dump)."
        )
    if size < least_growth(current):
        raise InvalidInput(
            f"RDS grows storage by at least 10 %: {name} has {current} GiB, so ask for "
            f"{least_growth(current)} GiB or more."
        )


def plan_storage(ctx: ToolContext, args: ModifyStorageArgs) -> ActionPlan:
    """Resolve the database, check the new size and price the added storage.

    Args:
        ctx: tool context.
        args: the database and its new size.

    Raises:
        NotFound: no such database.
        InvalidInput: a shrink, growth under 10 %, or a database that is not available.
        AlreadyDone: it has that size already.
    """
    found = find_database(ctx, args.target, args.region)
    name = found.resource.resource_id
    current = int(found.config.get("allocated_storage_gb") or 0)
    _check(name, current, args.size_gib)
    if found.resource.state != "available":
        raise InvalidInput(
            f"{name} is {found.resource.state}; RDS changes storage only when available."
        )
    notes = [
        "Storage cannot be shrunk again afterwards; the next storage change is possible after "
        "six hours (or once optimisation ends, whichever is later).",
        "Applied immediately; the database stays available while storage is optimised.",
    ]
    return ActionPlan(
        tool=TOOL,
        args={
            "db": name,
            "region": found.region,
            "account_key": found.account_key,
            "from_gib": current,
            "size_gib": args.size_gib,
        },
        summary=f"Grow {name}'s storage from {current} GiB to {args.size_gib} GiB.",
        risk="medium",
        changes=[_change(found, current, args.size_gib)],
        cost_delta_monthly=_cost(found, args.size_gib - current, notes),
        reversible=False,
        reversal="RDS storage cannot be shrunk; only a new database restored from a dump is "
        "smaller.",
        notes=notes,
    )


def _change(found: Found, current: int, size: int) -> ResourceChange:
    kind = found.config.get("storage_type") or "storage"
    return ResourceChange(
        resource_id=found.resource.resource_id,
        resource_type="rds:db-instance",
        region=found.region,
        account=found.resource.account,
        before=f"{current} GiB {kind}",
        after=f"{size} GiB {kind}",
    )


def _cost(found: Found, added: int, notes: list[str]) -> float | None:
    config = found.config
    try:
        price = catalog().rds_storage(
            str(config.get("storage_type") or "gp2"),
            str(config.get("engine")),
            bool(config.get("multi_az")),
            found.region,
        )
    except ToolError as error:
        notes.append(f"Cost not priced: {error}")
        return None
    notes.append(
        f"Cost: {added} GiB x ${price.usd}/GB-month of {price.item} (list price as of "
        f"{price.as_of})."
    )
    return float((Decimal(added) * price.usd).quantize(Decimal("0.01")))


def rebuild(ctx: ToolContext, plan: ActionPlan) -> ActionPlan:
    """The approved plan built again for its database as it is now.

    Args:
        ctx: tool context.
        plan: the approved plan.
    """
    args = plan.args
    again = ModifyStorageArgs(target=args["db"], size_gib=args["size_gib"], region=args["region"])
    return plan_storage(ctx, again)


def _current(client: Any, db: str) -> dict[str, Any] | None:
    try:
        found = client.describe_db_instances(DBInstanceIdentifier=db)["DBInstances"]
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") == "DBInstanceNotFound":
            return None
        raise
    return found[0] if found else None


def _size(raw: dict[str, Any]) -> int:
    """The size the database has, or is being grown to."""
    pending = raw.get("PendingModifiedValues", {}).get("AllocatedStorage")
    return int(pending if pending is not None else raw["AllocatedStorage"])


def observe(ctx: ToolContext, plan: ActionPlan) -> str:
    """The database's allocated storage now, in words.

    Args:
        ctx: tool context.
        plan: the plan whose execution was cut off.
    """
    args = plan.args
    raw = _current(ctx.aws.client("rds", args["region"], args.get("account_key")), args["db"])
    if raw is None:
        return f"{args['db']} no longer exists."
    return f"{args['db']} has {_size(raw)} GiB ({raw['DBInstanceStatus']})."


@tool(
    name=TOOL,
    description="Grow an RDS database's allocated storage in GiB (at least 10 % more; RDS "
    "never shrinks it).",
    example="grow db-prod storage to 200 GiB",
    examples=examples.MODIFY_ALLOCATED_STORAGE,
    args=ModifyStorageArgs,
    result=ActionResult,
    render=render_action_result,
    permissions=needs(DATABASE_PERMISSIONS, "rds:DescribeDBInstances", "rds:ModifyDBInstance"),
    risk="medium",
    mutating=True,
    preview=plan_storage,
    observe=observe,
    recheck=rebuild,
)
def modify_allocated_storage(ctx: ToolContext, plan: ActionPlan) -> ActionResult:
    """Grow the planned database's storage once, if it still has the size approved.

    Args:
        ctx: tool context.
        plan: the approved plan.
    """
    args = plan.args
    change = plan.changes[0]
    client = ctx.aws.client("rds", args["region"], args.get("account_key"))
    raw = _current(client, args["db"])
    size = None if raw is None else _size(raw)
    if size != args["from_gib"]:
        shown = None if raw is None else f"{size} GiB"
        outcome = not_ready(change, shown, f"{args['size_gib']} GiB")
    else:
        client.modify_db_instance(
            DBInstanceIdentifier=args["db"],
            AllocatedStorage=args["size_gib"],
            ApplyImmediately=True,
        )
        outcome = ActionOutcome(
            resource=change.label, status="done", detail=f"growing to {args['size_gib']} GiB now."
        )
    return ActionResult(action=plan.tool, outcomes=[outcome])
