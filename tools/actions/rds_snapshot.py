"""Manual RDS snapshots behind approval, with retention: ``rds.create_db_snapshot``.

The snapshot's identifier comes from the idempotency key (``cf-<schedule>-<fire time>``), so
running the approved plan again finds the snapshot it made and reuses it. Retention deletes
only manual snapshots tagged with the same schedule that are older than the retention when
the plan is made; the plan lists them, and nothing else is ever deleted.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from botocore.exceptions import ClientError
from pydantic import BaseModel, Field

from core.aws_read import paginate
from tools.actions import examples_storage as examples
from tools.actions.finders import DATABASE_PERMISSIONS, find_database
from tools.actions.outcomes import not_ready
from tools.actions.retention import (
    ON_REQUEST,
    SCHEDULE_TAG,
    backup_tags,
    days_field,
    expired,
    key_field,
    key_or_now,
    schedule_field,
    snapshot_name,
    tag_value,
)
from tools.context import ToolContext
from tools.cost.catalog import catalog
from tools.ec2.finder import Found
from tools.ec2.models import ActionOutcome, ActionResult
from tools.ec2.render import render_action_result
from tools.errors import ToolError
from tools.iam import needs
from tools.plan import ActionPlan, ResourceChange
from tools.registry import tool

TOOL = "rds.create_db_snapshot"
RUN_PERMISSIONS = (
    "rds:DescribeDBInstances",
    "rds:DescribeDBSnapshots",
    "rds:CreateDBSnapshot",
    "rds:AddTagsToResource",
    "rds:DeleteDBSnapshot",
)
"""IAM actions of running the plan: re-read, look for the keyed snapshot, create (tagged on
create, which needs AddTagsToResource too), delete the expired ones."""


class CreateDbSnapshotArgs(BaseModel):
    """A database to snapshot, and how long this schedule's snapshots are kept."""

    target: str = Field(
        min_length=1, max_length=63, description="DB instance identifier, e.g. db-prod."
    )
    retention_days: int | None = days_field(
        "Delete this schedule's snapshots of the database older than this many days "
        "(1 to 3650; empty: keep them all)."
    )
    schedule: str | None = schedule_field()
    key: str | None = key_field()
    region: str | None = Field(default=None, description="Region to look in (default: all).")


def plan_db_snapshot(ctx: ToolContext, args: CreateDbSnapshotArgs) -> ActionPlan:
    """Resolve the database, name the snapshot from the key, list what retention deletes.

    Args:
        ctx: tool context (its clock ages the existing snapshots).
        args: the database and the retention.
    """
    found = find_database(ctx, args.target, args.region)
    db = found.resource.resource_id
    if found.resource.state != "available":
        raise ToolError(
            f"{db} is {found.resource.state}; RDS snapshots only an available database."
        )
    schedule = args.schedule or ON_REQUEST
    key = key_or_now(ctx, args.key)
    snapshot_id = snapshot_name(args.schedule or db, key)
    old = _expired(ctx, found, schedule, args.retention_days, snapshot_id)
    changes = [_db_change(found, snapshot_id)] + [_deletion(found, s) for s in old]
    notes = _retention_notes(schedule, args.retention_days, old)
    return ActionPlan(
        tool=TOOL,
        args={
            "db": db,
            "region": found.region,
            "account_key": found.account_key,
            "snapshot_id": snapshot_id,
            "schedule": schedule,
            "key": key,
            "delete": [s["DBSnapshotIdentifier"] for s in old],
        },
        summary=_summary(db, snapshot_id, args.retention_days, len(old)),
        risk="medium" if old else "low",
        changes=changes,
        cost_delta_monthly=_cost(found, notes),
        reversible=not old,
        reversal="Delete the new snapshot"
        + (" (the expired snapshots cannot be brought back)." if old else "."),
        notes=notes,
    )


def _summary(db: str, snapshot_id: str, days: int | None, deleting: int) -> str:
    said = f"Snapshot {db} as {snapshot_id}"
    if days is None:
        return said + "."
    return said + f"; keep this schedule's snapshots {days} days ({deleting} older to delete)."


def schedule_snapshots(client: Any, db: str, schedule: str) -> list[dict[str, Any]]:
    """The manual snapshots of ``db`` that ``schedule`` made (by their schedule tag).

    Args:
        client: RDS client of the database's region.
        db: the DB instance identifier.
        schedule: the schedule's name.
    """
    snapshots = paginate(
        client, "describe_db_snapshots", "DBSnapshots", DBInstanceIdentifier=db,
        SnapshotType="manual",
    )  # fmt: skip
    return [s for s in snapshots if tag_value(s.get("TagList"), SCHEDULE_TAG) == schedule]


def _expired(
    ctx: ToolContext, found: Found, schedule: str, days: int | None, keep: str
) -> list[dict[str, Any]]:
    if days is None:
        return []
    client = ctx.aws.client("rds", found.region, found.account_key)
    now = ctx.clock.now()
    return [
        s
        for s in schedule_snapshots(client, found.resource.resource_id, schedule)
        if s["DBSnapshotIdentifier"] != keep and expired(s["SnapshotCreateTime"], days, now)
    ]


def _db_change(found: Found, snapshot_id: str) -> ResourceChange:
    return ResourceChange(
        resource_id=found.resource.resource_id,
        name=None,
        resource_type="rds:db-instance",
        region=found.region,
        account=found.resource.account,
        before="available",
        after=f"snapshot {snapshot_id} taken",
    )


def _deletion(found: Found, snapshot: dict[str, Any]) -> ResourceChange:
    made = snapshot["SnapshotCreateTime"].strftime("%Y-%m-%d %H:%M UTC")
    return ResourceChange(
        resource_id=snapshot["DBSnapshotIdentifier"],
        name=None,
        resource_type="rds:snapshot",
        region=found.region,
        account=found.resource.account,
        before=f"kept (made {made})",
        after="deleted",
        dependents=[found.resource.resource_id],
    )


def _retention_notes(schedule: str, days: int | None, old: list[dict[str, Any]]) -> list[str]:
    if days is None:
        return ["No retention: earlier snapshots are kept."]
    names = ", ".join(s["DBSnapshotIdentifier"] for s in old) or "none today"
    return [
        f"Retention {days} days deletes only manual snapshots tagged "
        f"{SCHEDULE_TAG}={schedule} and older than that: {names}."
    ]


def _cost(found: Found, notes: list[str]) -> float | None:
    """Backup storage of the new snapshot at list price, counted at the full allocated size."""
    size = found.config.get("allocated_storage_gb")
    try:
        price = catalog().rds_backup_storage(str(found.config.get("engine")), found.region)
    except ToolError as error:
        notes.append(f"Cost not priced: {error}")
        return None
    if not size:
        notes.append("Cost not priced: the database's allocated storage is unknown.")
        return None
    notes.append(
        f"Cost: at most {size} GB x ${price.usd}/GB-month of RDS backup storage (list price "
        f"as of {price.as_of}). Later snapshots store only changed blocks; backup storage up "
        "to the database's provisioned size in the region is free; deleted snapshots free "
        "only their own blocks (not counted)."
    )
    return float((Decimal(size) * price.usd).quantize(Decimal("0.01")))


def observe(ctx: ToolContext, plan: ActionPlan) -> str:
    """Whether the plan's snapshot exists now, in words (read when an execution was cut off).

    Args:
        ctx: tool context.
        plan: the plan whose execution was cut off.
    """
    args = plan.args
    client = ctx.aws.client("rds", args["region"], args.get("account_key"))
    found = _snapshot(client, args["snapshot_id"])
    status = found["Status"] if found else "not there"
    return f"snapshot {args['snapshot_id']} of {args['db']} is {status}."


@tool(
    name=TOOL,
    description="Take a manual RDS snapshot of a database, optionally deleting this schedule's "
    "snapshots older than a retention in days.",
    example="snapshot db-prod and keep 7 days of snapshots",
    examples=examples.CREATE_DB_SNAPSHOT,
    args=CreateDbSnapshotArgs,
    result=ActionResult,
    render=render_action_result,
    permissions=needs(DATABASE_PERMISSIONS, RUN_PERMISSIONS),
    risk="low",
    mutating=True,
    preview=plan_db_snapshot,
    observe=observe,
)
def create_db_snapshot(ctx: ToolContext, plan: ActionPlan) -> ActionResult:
    """Take the plan's snapshot once (reusing one its key already made), then delete the
    expired snapshots it lists that still carry the schedule's tag.

    Args:
        ctx: tool context.
        plan: the approved plan.
    """
    args = plan.args
    client = ctx.aws.client("rds", args["region"], args.get("account_key"))
    changes = {c.resource_id: c for c in plan.changes}
    outcomes = [_take(client, args, changes[args["db"]])]
    outcomes += [_delete(client, args["schedule"], changes[s]) for s in args["delete"]]
    return ActionResult(action=plan.tool, outcomes=outcomes)


def _take(client: Any, args: dict[str, Any], change: ResourceChange) -> ActionOutcome:
    snapshot_id = args["snapshot_id"]
    if _snapshot(client, snapshot_id) is not None:
        return ActionOutcome(
            resource=change.label,
            status="nothing-to-do",
            detail=f"snapshot {snapshot_id} exists already (same key); reused.",
        )
    status = _db_status(client, args["db"])
    if status != "available":
        return not_ready(change, status, None)
    try:
        client.create_db_snapshot(
            DBSnapshotIdentifier=snapshot_id,
            DBInstanceIdentifier=args["db"],
            Tags=backup_tags(args["schedule"], args["key"]),
        )
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") != "DBSnapshotAlreadyExists":
            raise
    return ActionOutcome(
        resource=change.label, status="done", detail=f"snapshot {snapshot_id} started."
    )


def _delete(client: Any, schedule: str, change: ResourceChange) -> ActionOutcome:
    snapshot = _snapshot(client, change.resource_id)
    if snapshot is None:
        return ActionOutcome(
            resource=change.label, status="nothing-to-do", detail="already deleted."
        )
    if tag_value(snapshot.get("TagList"), SCHEDULE_TAG) != schedule:
        return ActionOutcome(
            resource=change.label,
            status="skipped",
            detail=f"no longer tagged {SCHEDULE_TAG}={schedule}; left alone.",
        )
    client.delete_db_snapshot(DBSnapshotIdentifier=change.resource_id)
    return ActionOutcome(resource=change.label, status="done", detail="expired; deleted.")


def _snapshot(client: Any, snapshot_id: str) -> dict[str, Any] | None:
    try:
        found = client.describe_db_snapshots(DBSnapshotIdentifier=snapshot_id)["DBSnapshots"]
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") == "DBSnapshotNotFound":
            return None
        raise
    return found[0] if found else None


def _db_status(client: Any, db: str) -> str | None:
    try:
        found = client.describe_db_instances(DBInstanceIdentifier=db)["DBInstances"]
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") == "DBInstanceNotFound":
            return None
        raise
    return str(found[0]["DBInstanceStatus"]) if found else None
