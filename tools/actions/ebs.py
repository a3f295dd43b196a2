"""EBS fixes behind approval: change a volume's type, snapshot then delete an unattached volume."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from pydantic import BaseModel, Field

from tools.actions import examples
from tools.actions.outcomes import not_ready
from tools.context import ToolContext
from tools.cost.estimate_models import CostResource
from tools.cost.estimator import estimate
from tools.ec2.finder import VOLUME_PERMISSIONS, Found, find_one
from tools.ec2.models import ActionOutcome, ActionResult
from tools.ec2.render import render_action_result
from tools.errors import InvalidInput, ToolError
from tools.iam import needs
from tools.plan import ActionPlan, ResourceChange
from tools.registry import tool

VOLUME_TYPES = ("gp2", "gp3", "io1", "io2", "st1", "sc1", "standard")


class ModifyVolumeTypeArgs(BaseModel):
    """Volumes to move to another type (gp2 -> gp3 by default)."""

    targets: list[str] = Field(min_length=1, description="Volume ids (vol-...) or Name tags.")
    volume_type: str = Field(default="gp3", description="Type to change them to.")
    region: str | None = Field(default=None, description="Region to look in (default: all).")


class SnapshotAndDeleteArgs(BaseModel):
    """Unattached volumes to snapshot and then delete."""

    targets: list[str] = Field(min_length=1, description="Volume ids (vol-...) or Name tags.")
    region: str | None = Field(default=None, description="Region to look in (default: all).")


def _resource(found: Found, volume_type: str, iops: int | None = None) -> CostResource:
    config = found.config
    return CostResource(
        kind="ebs_volume",
        resource_id=found.resource.resource_id,
        region=found.region,
        volume_type=volume_type,
        size_gb=Decimal(config["size_gb"]),
        iops=iops if iops is not None else config.get("iops"),
        throughput_mibps=config.get("throughput"),
    )


def gp3_iops_for(size_gb: int) -> int:
    """gp3 IOPS that keep a gp2 volume's baseline (3 IOPS/GB, at least 3,000, at most 16,000).

    Args:
        size_gb: volume size.
    """
    return max(3000, min(3 * size_gb, 16000))


def _volume_target(found: Found, **extra: Any) -> dict[str, Any]:
    return {
        "volume_id": found.resource.resource_id,
        "region": found.region,
        "account_key": found.account_key,
        **extra,
    }


def plan_modify_type(ctx: ToolContext, args: ModifyVolumeTypeArgs) -> ActionPlan:
    """Resolve the volumes and price the change.

    Args:
        ctx: tool context.
        args: volumes and the new type.
    """
    if args.volume_type not in VOLUME_TYPES:
        raise InvalidInput(
            f"'{args.volume_type}' is not an EBS volume type ({', '.join(VOLUME_TYPES)})."
        )
    volumes = [find_one(ctx, "volume", t, args.region) for t in args.targets]
    todo = [v for v in volumes if v.config["volume_type"] != args.volume_type]
    if not todo:
        raise ToolError(f"Nothing to change: every volume is already {args.volume_type}.")
    targets, changes, delta = [], [], Decimal(0)
    for found in todo:
        old = found.config["volume_type"]
        iops = (
            gp3_iops_for(found.config["size_gb"])
            if old == "gp2" and args.volume_type == "gp3"
            else None
        )
        targets.append(_volume_target(found, from_type=old, iops=iops))
        delta += estimate(_resource(found, args.volume_type, iops)).monthly_usd
        delta -= estimate(_resource(found, old)).monthly_usd
        changes.append(_change(found, old, args.volume_type))
    labels = ", ".join(c.label for c in changes)
    return ActionPlan(
        tool="ebs.modify_volume_type",
        args={"volume_type": args.volume_type, "targets": targets},
        summary=f"Change {labels} to {args.volume_type}.",
        risk="low",
        changes=changes,
        cost_delta_monthly=float(delta.quantize(Decimal("0.01"))),
        reversible=True,
        reversal="Modify the volumes back (EBS allows one modification per volume every 6 hours).",
        notes=[
            "Online change: the volume stays attached and in use while it is optimised.",
            "gp2 volumes keep their baseline IOPS (3 per GB, at least 3,000) on gp3.",
        ],
    )


def _ids_and_region(plan: ActionPlan) -> tuple[list[str], str | None]:
    """The plan's volume ids, and their region when they share one."""
    targets = plan.args["targets"]
    regions = {t["region"] for t in targets}
    return [t["volume_id"] for t in targets], (regions.pop() if len(regions) == 1 else None)


def rebuild_modify_type(ctx: ToolContext, plan: ActionPlan) -> ActionPlan:
    """The approved type change planned again for its volumes as they are now (by id).

    Args:
        ctx: tool context.
        plan: the approved plan.

    Raises:
        ToolError: a volume is gone, or none needs the change any more.
    """
    ids, region = _ids_and_region(plan)
    again = ModifyVolumeTypeArgs(targets=ids, volume_type=plan.args["volume_type"], region=region)
    return plan_modify_type(ctx, again)


def rebuild_snapshot_delete(ctx: ToolContext, plan: ActionPlan) -> ActionPlan:
    """The approved snapshot-and-delete planned again for its volumes as they are now (by id).

    Args:
        ctx: tool context.
        plan: the approved plan.

    Raises:
        ToolError: a volume is gone or attached now.
    """
    ids, region = _ids_and_region(plan)
    return plan_snapshot_delete(ctx, SnapshotAndDeleteArgs(targets=ids, region=region))


def _change(found: Found, before: str, after: str) -> ResourceChange:
    return ResourceChange(
        resource_id=found.resource.resource_id,
        name=found.name,
        resource_type="ec2:volume",
        region=found.region,
        account=found.account_key,
        before=before,
        after=after,
        dependents=list(found.config.get("attached_to") or []),
    )


def _describe(ctx: ToolContext, target: dict[str, Any]) -> dict[str, Any] | None:
    client = ctx.aws.client("ec2", target["region"], target.get("account_key"))
    return find_one_quiet(client, target["volume_id"])


def find_one_quiet(client: Any, volume_id: str) -> dict[str, Any] | None:
    """The volume, or None when it no longer exists.

    Args:
        client: EC2 client of its region.
        volume_id: the volume id.
    """
    from botocore.exceptions import ClientError

    try:
        volumes = client.describe_volumes(VolumeIds=[volume_id])["Volumes"]
    except ClientError as error:
        if "NotFound" in str(error):
            return None
        raise
    return volumes[0] if volumes else None


@tool(
    name="ebs.modify_volume_type",
    description="Change EBS volumes to another type (e.g. gp2 to gp3) without detaching them.",
    example="convert volume vol-0abc1234def567890 to gp3",
    examples=examples.MODIFY_VOLUME_TYPE,
    args=ModifyVolumeTypeArgs,
    result=ActionResult,
    render=render_action_result,
    permissions=needs(VOLUME_PERMISSIONS, "ec2:ModifyVolume", "ec2:DescribeVolumes"),
    risk="low",
    mutating=True,
    preview=plan_modify_type,
    recheck=lambda ctx, plan: rebuild_modify_type(ctx, plan),
)
def modify_volume_type(ctx: ToolContext, plan: ActionPlan) -> ActionResult:
    """Modify exactly the volumes of the approved plan, re-checking each one's type.

    Args:
        ctx: tool context.
        plan: the approved plan.
    """
    changes = {c.resource_id: c for c in plan.changes}
    new_type = plan.args["volume_type"]
    outcomes = []
    for target in plan.args["targets"]:
        change = changes[target["volume_id"]]
        raw = _describe(ctx, target)
        current = raw["VolumeType"] if raw else None
        if current != target["from_type"]:
            outcomes.append(not_ready(change, current, new_type))
            continue
        client = ctx.aws.client("ec2", target["region"], target.get("account_key"))
        extra = {"Iops": target["iops"]} if target.get("iops") else {}
        client.modify_volume(VolumeId=target["volume_id"], VolumeType=new_type, **extra)
        outcomes.append(
            ActionOutcome(
                resource=change.label, status="done", detail=f"changing to {new_type} now."
            )
        )
    return ActionResult(action=plan.tool, outcomes=outcomes)


def plan_snapshot_delete(ctx: ToolContext, args: SnapshotAndDeleteArgs) -> ActionPlan:
    """Resolve unattached volumes and price their removal (keeping a snapshot).

    Args:
        ctx: tool context.
        args: volumes to remove.
    """
    volumes = [find_one(ctx, "volume", t, args.region) for t in args.targets]
    attached = [v for v in volumes if v.resource.state != "available"]
    if attached:
        names = ", ".join(
            f"{v.label(v.resource.resource_id)} is {v.resource.state}" for v in attached
        )
        raise ToolError(f"Only unattached (available) volumes can be removed: {names}.")
    delta = Decimal(0)
    for found in volumes:
        volume = _resource(found, found.config["volume_type"])
        snapshot = volume.model_copy(update={"kind": "ebs_snapshot"})
        delta += estimate(snapshot).monthly_usd - estimate(volume).monthly_usd
    changes = [_change(v, "available", "deleted (kept as a snapshot)") for v in volumes]
    return ActionPlan(
        tool="ebs.snapshot_and_delete_volume",
        args={"targets": [_volume_target(v) for v in volumes]},
        summary=f"Snapshot then delete {', '.join(c.label for c in changes)}.",
        risk="medium",
        changes=changes,
        cost_delta_monthly=float(delta.quantize(Decimal("0.01"))),
        reversible=True,
        reversal="Create a new volume from the snapshot (its id is in the result).",
        notes=["The saving counts the snapshot at the full volume size (an upper bound)."],
    )


@tool(
    name="ebs.snapshot_and_delete_volume",
    description="Snapshot unattached EBS volumes, then delete them once the snapshot completes.",
    example="snapshot and delete the unattached volume old-data",
    examples=examples.SNAPSHOT_AND_DELETE_VOLUME,
    args=SnapshotAndDeleteArgs,
    result=ActionResult,
    render=render_action_result,
    permissions=needs(
        VOLUME_PERMISSIONS,
        "ec2:DescribeVolumes",
        "ec2:CreateSnapshot",
        "ec2:CreateTags",
        "ec2:DescribeSnapshots",
        "ec2:DeleteVolume",
    ),
    risk="medium",
    mutating=True,
    preview=plan_snapshot_delete,
    recheck=lambda ctx, plan: rebuild_snapshot_delete(ctx, plan),
)
def snapshot_and_delete_volume(ctx: ToolContext, plan: ActionPlan) -> ActionResult:
    """Snapshot and delete exactly the volumes of the plan that are still unattached.

    Args:
        ctx: tool context.
        plan: the approved plan.
    """
    changes = {c.resource_id: c for c in plan.changes}
    outcomes = []
    for target in plan.args["targets"]:
        change = changes[target["volume_id"]]
        raw = _describe(ctx, target)
        if raw is None:
            outcomes.append(
                ActionOutcome(
                    resource=change.label,
                    status="nothing-to-do",
                    detail="already deleted; nothing to do.",
                )
            )
            continue
        if raw["State"] != "available":
            outcomes.append(not_ready(change, raw["State"], "deleted"))
            continue
        outcomes.append(_snapshot_then_delete(ctx, target, change))
    return ActionResult(action=plan.tool, outcomes=outcomes)


def _snapshot_then_delete(
    ctx: ToolContext, target: dict[str, Any], change: ResourceChange
) -> ActionOutcome:
    client = ctx.aws.client("ec2", target["region"], target.get("account_key"))
    volume_id = target["volume_id"]
    snapshot = client.create_snapshot(
        VolumeId=volume_id,
        Description=f"Kept before deleting {change.label}",
        TagSpecifications=[
            {
                "ResourceType": "snapshot",
                "Tags": [{"Key": "Name", "Value": f"before-delete-{change.name or volume_id}"}],
            }
        ],
    )
    waiter = client.get_waiter("snapshot_completed")
    waiter.wait(SnapshotIds=[snapshot["SnapshotId"]], WaiterConfig={"Delay": 15, "MaxAttempts": 80})
    client.delete_volume(VolumeId=volume_id)
    return ActionOutcome(
        resource=change.label,
        status="done",
        detail=f"snapshot {snapshot['SnapshotId']} completed; volume deleted.",
    )
