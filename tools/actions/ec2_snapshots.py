"""Backups of EC2 instances' EBS volumes behind approval, with retention:
``ec2.create_snapshots`` (one crash-consistent set of snapshots per instance).

Every snapshot is tagged with the idempotency key, the schedule and the instance; running the
approved plan again first looks for snapshots with that key and reuses them. Retention deletes
only snapshots tagged with the same schedule and instance that are older than the retention
when the plan is made; the plan lists them.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from botocore.exceptions import ClientError
from pydantic import BaseModel, Field

from core.aws_read import paginate
from tools.actions.outcomes import not_ready
from tools.actions.retention import (
    KEY_TAG,
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
from tools.ec2 import finder
from tools.ec2.examples import CREATE_SNAPSHOTS
from tools.ec2.models import ActionOutcome, ActionResult, Instance
from tools.ec2.render import render_action_result
from tools.errors import ToolError
from tools.iam import needs
from tools.plan import ActionPlan, ResourceChange
from tools.registry import tool

TOOL = "ec2.create_snapshots"
INSTANCE_TAG = "cloudfabric:instance"
"""Tag naming the instance a snapshot was taken of (retention is per schedule and instance)."""
RUN_PERMISSIONS = (
    "ec2:DescribeInstances",
    "ec2:DescribeSnapshots",
    "ec2:CreateSnapshots",
    "ec2:CreateTags",
    "ec2:DeleteSnapshot",
)
"""IAM actions of running the plan: re-read, look for keyed snapshots, create them tagged,
delete the expired ones."""


class CreateSnapshotsArgs(BaseModel):
    """Instances whose EBS volumes to snapshot, and how long this schedule's snapshots are kept."""

    targets: list[str] = Field(
        min_length=1, max_length=50, description="Instance ids (i-...) or Name tags."
    )
    retention_days: int | None = days_field(
        "Delete this schedule's snapshots of these instances older than this many days "
        "(1 to 3650; empty: keep them all)."
    )
    schedule: str | None = schedule_field()
    key: str | None = key_field()
    region: str | None = Field(default=None, description="Region to look in (default: all).")


def plan_snapshots(ctx: ToolContext, args: CreateSnapshotsArgs) -> ActionPlan:
    """Resolve the instances and their volumes, price the snapshots, list what retention deletes.

    Args:
        ctx: tool context (its clock ages the existing snapshots).
        args: the instances and the retention.
    """
    instances = finder.resolve_all(ctx, args.targets, args.region)
    schedule = args.schedule or ON_REQUEST
    key = key_or_now(ctx, args.key)
    targets, changes, sizes = [], [], Decimal(0)
    for instance in instances:
        volumes = _volumes(ctx, instance)
        old = _expired(ctx, instance, schedule, args.retention_days, key)
        sizes += sum((Decimal(v["size_gb"]) for v in volumes.values()), Decimal(0))
        changes.append(_instance_change(instance, volumes))
        changes += [_deletion(instance, s) for s in old]
        targets.append(_target(instance, args.schedule, key, [s["SnapshotId"] for s in old]))
    deleting = len(changes) - len(instances)
    notes = _retention_notes(schedule, args.retention_days, deleting)
    return ActionPlan(
        tool=TOOL,
        args={"schedule": schedule, "key": key, "targets": targets},
        summary=_summary(changes[: len(instances)], args.retention_days, deleting),
        risk="medium" if deleting else "low",
        changes=changes,
        cost_delta_monthly=_cost(instances[0].region, sizes, notes),
        reversible=not deleting,
        reversal="Delete the new snapshots"
        + (" (the expired snapshots cannot be brought back)." if deleting else "."),
        notes=notes,
    )


def _target(instance: Instance, schedule: str | None, key: str, old: list[str]) -> dict[str, Any]:
    return {
        "instance_id": instance.instance_id,
        "region": instance.region,
        "account_key": instance.account_key,
        "name": snapshot_name(schedule or instance.name or instance.instance_id, key),
        "delete": old,
    }


def _volumes(ctx: ToolContext, instance: Instance) -> dict[str, dict[str, Any]]:
    """The instance's attached volumes: id -> what discovery read (size, type)."""
    if not instance.volumes:
        raise ToolError(f"{instance.label} has no EBS volumes to snapshot.")
    found = [finder.find_one(ctx, "volume", v, instance.region) for v in instance.volumes]
    return {f.resource.resource_id: f.config for f in found}


def tagged_snapshots(client: Any, **tags: str) -> list[dict[str, Any]]:
    """This account's snapshots carrying every tag given.

    Args:
        client: EC2 client of the region.
        **tags: tag key -> value (keys with ``:`` are passed as a dict).
    """
    filters = [{"Name": f"tag:{k}", "Values": [v]} for k, v in tags.items()]
    return list(
        paginate(client, "describe_snapshots", "Snapshots", OwnerIds=["self"], Filters=filters)
    )


def _expired(
    ctx: ToolContext, instance: Instance, schedule: str, days: int | None, key: str
) -> list[dict[str, Any]]:
    if days is None:
        return []
    client = ctx.aws.client("ec2", instance.region, instance.account_key)
    now = ctx.clock.now()
    mine = tagged_snapshots(client, **{SCHEDULE_TAG: schedule, INSTANCE_TAG: instance.instance_id})
    return [
        s
        for s in mine
        if tag_value(s.get("Tags"), KEY_TAG) != key and expired(s["StartTime"], days, now)
    ]


def _instance_change(instance: Instance, volumes: dict[str, dict[str, Any]]) -> ResourceChange:
    sizes = ", ".join(f"{v} ({c['size_gb']} GB)" for v, c in volumes.items())
    return ResourceChange(
        resource_id=instance.instance_id,
        name=instance.name,
        resource_type="ec2:instance",
        region=instance.region,
        account=instance.account,
        before=instance.state,
        after=f"{instance.state}, snapshots of {sizes}",
        dependents=list(volumes),
    )


def _deletion(instance: Instance, snapshot: dict[str, Any]) -> ResourceChange:
    made = snapshot["StartTime"].strftime("%Y-%m-%d %H:%M UTC")
    return ResourceChange(
        resource_id=snapshot["SnapshotId"],
        name=tag_value(snapshot.get("Tags"), "Name"),
        resource_type="ec2:snapshot",
        region=instance.region,
        account=instance.account,
        before=f"kept (made {made})",
        after="deleted",
        dependents=[instance.instance_id],
    )


def _summary(changes: list[ResourceChange], days: int | None, deleting: int) -> str:
    said = f"Snapshot the EBS volumes of {', '.join(c.label for c in changes)}"
    if days is None:
        return said + "."
    return said + f"; keep this schedule's snapshots {days} days ({deleting} older to delete)."


def _retention_notes(schedule: str, days: int | None, deleting: int) -> list[str]:
    if days is None:
        return ["No retention: earlier snapshots are kept."]
    return [
        f"Retention {days} days deletes only snapshots tagged {SCHEDULE_TAG}={schedule} and "
        f"{INSTANCE_TAG}=<the instance> older than that ({deleting} today, listed as changes)."
    ]


def _cost(region: str, size_gb: Decimal, notes: list[str]) -> float | None:
    """Snapshot storage at list price, counted at the volumes' full size (an upper bound)."""
    try:
        price = catalog().ebs_snapshot(region)
    except ToolError as error:
        notes.append(f"Cost not priced: {error}")
        return None
    notes.append(
        f"Cost: at most {size_gb} GB x ${price.usd}/GB-month of EBS snapshot storage (list "
        f"price as of {price.as_of}). Later snapshots store only changed blocks; deleted "
        "snapshots free only their own blocks (not counted)."
    )
    return float((size_gb * price.usd).quantize(Decimal("0.01")))


def observe(ctx: ToolContext, plan: ActionPlan) -> str:
    """The snapshots the plan's key made so far, per instance, in words.

    Args:
        ctx: tool context.
        plan: the plan whose execution was cut off.
    """
    args, seen = plan.args, []
    for target in args["targets"]:
        client = ctx.aws.client("ec2", target["region"], target.get("account_key"))
        tags = {KEY_TAG: args["key"], SCHEDULE_TAG: args["schedule"]}
        made = tagged_snapshots(client, **tags, **{INSTANCE_TAG: target["instance_id"]})
        seen.append(f"{target['instance_id']} has {len(made)} snapshots of this run")
    return "; ".join(seen) + "."


@tool(
    name=TOOL,
    description="Back up EC2 instances: snapshot all their EBS volumes together, optionally "
    "deleting this schedule's snapshots older than a retention in days.",
    example="back up the volumes of web-1",
    examples=CREATE_SNAPSHOTS,
    args=CreateSnapshotsArgs,
    result=ActionResult,
    render=render_action_result,
    permissions=needs(finder.INSTANCE_PERMISSIONS, finder.VOLUME_PERMISSIONS, RUN_PERMISSIONS),
    risk="low",
    mutating=True,
    preview=plan_snapshots,
    observe=observe,
)
def create_snapshots(ctx: ToolContext, plan: ActionPlan) -> ActionResult:
    """Snapshot each instance of the plan once (reusing snapshots its key already made), then
    delete the expired snapshots the plan lists that still carry the schedule's tag.

    Args:
        ctx: tool context.
        plan: the approved plan.
    """
    changes = {c.resource_id: c for c in plan.changes}
    outcomes: list[ActionOutcome] = []
    for target in plan.args["targets"]:
        client = ctx.aws.client("ec2", target["region"], target.get("account_key"))
        change = changes[target["instance_id"]]
        outcomes.append(_take(client, plan.args, target, change))
        schedule = plan.args["schedule"]
        outcomes += [_delete(client, schedule, changes[s]) for s in target["delete"]]
    return ActionResult(action=plan.tool, outcomes=outcomes)


def _take(
    client: Any, args: dict[str, Any], target: dict[str, Any], change: ResourceChange
) -> ActionOutcome:
    instance_id = target["instance_id"]
    mine = {KEY_TAG: args["key"], SCHEDULE_TAG: args["schedule"], INSTANCE_TAG: instance_id}
    made = tagged_snapshots(client, **mine)
    if made:
        ids = ", ".join(s["SnapshotId"] for s in made)
        return ActionOutcome(
            resource=change.label,
            status="nothing-to-do",
            detail=f"snapshots {ids} exist already (same key); reused.",
        )
    if _state(client, instance_id) is None:
        return not_ready(change, None, None)
    tags = backup_tags(args["schedule"], args["key"], Name=target["name"])
    tags.append({"Key": INSTANCE_TAG, "Value": instance_id})
    created = client.create_snapshots(
        InstanceSpecification={"InstanceId": instance_id, "ExcludeBootVolume": False},
        Description=f"CloudFabric backup {target['name']} of {change.label}",
        TagSpecifications=[{"ResourceType": "snapshot", "Tags": tags}],
    )["Snapshots"]
    ids = ", ".join(s["SnapshotId"] for s in created)
    return ActionOutcome(resource=change.label, status="done", detail=f"snapshots {ids} started.")


def _delete(client: Any, schedule: str, change: ResourceChange) -> ActionOutcome:
    try:
        found = client.describe_snapshots(SnapshotIds=[change.resource_id])["Snapshots"]
    except ClientError as error:
        if "NotFound" not in error.response.get("Error", {}).get("Code", ""):
            raise
        found = []
    if not found:
        return ActionOutcome(
            resource=change.label, status="nothing-to-do", detail="already deleted."
        )
    if tag_value(found[0].get("Tags"), SCHEDULE_TAG) != schedule:
        return ActionOutcome(
            resource=change.label,
            status="skipped",
            detail=f"no longer tagged {SCHEDULE_TAG}={schedule}; left alone.",
        )
    client.delete_snapshot(SnapshotId=change.resource_id)
    return ActionOutcome(resource=change.label, status="done", detail="expired; deleted.")


def _state(client: Any, instance_id: str) -> str | None:
    try:
        reservations = client.describe_instances(InstanceIds=[instance_id])["Reservations"]
    except ClientError as error:
        if "NotFound" in error.response.get("Error", {}).get("Code", ""):
            return None
        raise
    states = [i["State"]["Name"] for r in reservations for i in r["Instances"]]
    return states[0] if states and states[0] not in ("terminated", "shutting-down") else None
