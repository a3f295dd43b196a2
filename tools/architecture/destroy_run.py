"""Running an approved destroy: final snapshots of every data store, then delete the stack and
give the VPC block back to IPAM."""

from __future__ import annotations

from botocore.exceptions import ClientError

from tools.architecture.deploy_run import SUCCEEDED, Watch, _release, _timing
from tools.architecture.models import DeployResult
from tools.architecture.service import ArchitectureStore
from tools.architecture.stack import failure_of, stack_status
from tools.context import ToolContext
from tools.errors import ToolError
from tools.plan import ActionPlan
from tools.progress import report


def _snapshot(ctx: ToolContext, region: str, item: dict[str, str], stamp: str) -> str:
    """Take one final snapshot (or backup) and wait until it is usable; returns its id."""
    physical, kind = item["physical_id"], item["type"]
    name = f"{physical}-final-{stamp}"[:255]
    if not physical:
        return f"{item['logical_id']}: not created, nothing to snapshot"
    if kind == "AWS::RDS::DBInstance":
        rds = ctx.aws.client("rds", region)
        rds.create_db_snapshot(DBSnapshotIdentifier=name, DBInstanceIdentifier=physical)
        rds.get_waiter("db_snapshot_available").wait(
            DBSnapshotIdentifier=name, WaiterConfig={"Delay": 15, "MaxAttempts": 240}
        )
    elif kind == "AWS::RDS::DBCluster":
        rds = ctx.aws.client("rds", region)
        rds.create_db_cluster_snapshot(
            DBClusterSnapshotIdentifier=name, DBClusterIdentifier=physical
        )
        rds.get_waiter("db_cluster_snapshot_available").wait(
            DBClusterSnapshotIdentifier=name, WaiterConfig={"Delay": 15, "MaxAttempts": 240}
        )
    elif kind == "AWS::DynamoDB::Table":
        backup = ctx.aws.client("dynamodb", region).create_backup(
            TableName=physical, BackupName=name[:255]
        )
        name = backup["BackupDetails"]["BackupArn"]
    elif kind == "AWS::ElastiCache::ReplicationGroup":
        ctx.aws.client("elasticache", region).create_snapshot(
            ReplicationGroupId=physical, SnapshotName=name[:255]
        )
    return f"{item['logical_id']}: {name}"


def execute_destroy(ctx: ToolContext, plan: ActionPlan) -> DeployResult:
    """Snapshot the data stores, delete the stack, release the VPC block.

    Args:
        ctx: tool context.
        plan: the approved plan (``architecture.destroy``).
    """
    args = plan.args
    region = args["region"]
    cfn = ctx.aws.client("cloudformation", region)
    status, stack_id = stack_status(cfn, args["stack_id"])
    if status is None or status == "DELETE_COMPLETE" or stack_id != args["stack_id"]:
        raise ToolError(
            f"Stack {args['stack_name']} is already gone (or was replaced); nothing was deleted."
        )
    stamp = ctx.clock.now().strftime("%Y%m%d%H%M")
    snapshots = []
    for item in args["snapshots"]:
        report(f"Final snapshot of {item['logical_id']}...")
        try:
            snapshots.append(_snapshot(ctx, region, item, stamp))
        except ClientError as error:
            raise ToolError(
                f"The final snapshot of {item['logical_id']} failed ({error}); nothing was deleted."
            ) from error
    report(f"Deleting stack {args['stack_name']}...")
    interval, deadline = _timing(ctx)
    watch = Watch(cfn, args["stack_id"], len(plan.changes), interval, deadline)
    kept = f"Snapshots taken: {', '.join(snapshots) or 'none'}."
    try:
        cfn.delete_stack(StackName=args["stack_id"])
    except ClientError as error:
        raise ToolError(
            f"Destroy failed: deleting the stack was refused ({error}). {kept}"
        ) from error
    final = watch.until_settled()
    if final not in SUCCEEDED:
        cause = failure_of(watch.events) or f"the stack ended {final}"
        raise ToolError(f"Destroy failed: {cause}. {kept}")
    release = args.get("release")
    _release(ctx, release)
    ArchitectureStore(ctx).mark_destroyed(args["name"])
    return DeployResult(
        name=args["name"],
        stack_id=args["stack_id"],
        status=final,
        changes=[
            f"deleted {c.name or c.resource_id} ({c.resource_type})"
            for c in plan.changes
            if c.after == "deleted"
        ],
        snapshots=snapshots,
        kept=list(args["kept"]),
        reservation=f"{release['cidr']} released to IPAM pool '{release['pool']}'"
        if release
        else None,
    )
