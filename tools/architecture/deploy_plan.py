"""Deploy and destroy plans: what the approver sees and exactly what the executor runs.

Previews only read: the stack's state and template, IPAM, the store. Nothing is written to AWS
before approval (creating a change set is a write, so the change is computed here from the
templates and checked against the real change set after approval).
"""

from __future__ import annotations

import hashlib
from decimal import Decimal
from typing import Any

from tools.architecture.cfn import build_template, to_yaml
from tools.architecture.estimate import estimate_spec
from tools.architecture.lint import errors as lint_errors
from tools.architecture.service import ArchitectureStore, Stored
from tools.architecture.service_role import role_arn
from tools.architecture.spec import ArchitectureSpec
from tools.architecture.stack import (
    REPLACEABLE,
    SETTLED,
    deployed_template,
    stack_resources,
    stack_status,
    template_changes,
)
from tools.architecture.validate import blocking, validate
from tools.context import ToolContext
from tools.errors import ToolError
from tools.plan import ActionPlan, ResourceChange

DATA_TYPES = (
    "AWS::RDS::DBInstance",
    "AWS::RDS::DBCluster",
    "AWS::DynamoDB::Table",
    "AWS::ElastiCache::ReplicationGroup",
    "AWS::S3::Bucket",
)
AFTER = {"Add": "created", "Modify": "modified", "Remove": "deleted"}
BEFORE = {"Add": "absent", "Modify": "deployed", "Remove": "deployed"}


def refuse_critical(stored: Stored) -> None:
    """Raise with every reason when the version has unresolved critical findings.

    Args:
        stored: the version to deploy.
    """
    critical = blocking(validate(stored.spec))
    if critical:
        reasons = "; ".join(f"{f.component}: {f.reason}" for f in critical)
        raise ToolError(
            f"{stored.row.name} v{stored.version} cannot be deployed: {len(critical)} critical "
            f"finding(s) unresolved ({reasons}). Say 'apply the fixes' for a corrected version."
        )


def _reservation(
    ctx: ToolContext, spec: ArchitectureSpec, deployed: dict[str, Any] | None
) -> dict[str, Any] | None:
    network = spec.network
    if network is None or network.ipam_pool is None:
        return None
    running = (
        (deployed or {}).get("Resources", {}).get("Vpc", {}).get("Properties", {}).get("CidrBlock")
    )
    if running == network.cidr:
        return None
    return {
        "pool": network.ipam_pool,
        "cidr": network.cidr,
        "kind": "reservation",
        "usage": "vpc",
        "purpose": f"architecture {spec.name} VPC (stack {spec.stack_name})",
        "owner": ctx.actor,
    }


def plan_deploy(ctx: ToolContext, name: str | None, version: int | None) -> ActionPlan:
    """The deploy plan: template, the change against the running stack, cost delta, reservation.

    Args:
        ctx: tool context.
        name: architecture (None = the actor's latest).
        version: version (None = latest).
    """
    store = ArchitectureStore(ctx)
    stored = store.get(name, version)
    refuse_critical(stored)
    spec = stored.spec
    template = build_template(spec)
    body = to_yaml(template)
    bad = lint_errors(body, spec.region)
    if bad:
        raise ToolError(
            f"The template of {spec.name} v{stored.version} fails cfn-lint: "
            f"{bad[0].rule} {bad[0].message}"
        )
    cfn = ctx.aws.client("cloudformation", spec.region)
    status, _ = stack_status(cfn, spec.stack_name)
    if status is not None and status not in SETTLED | REPLACEABLE:
        raise ToolError(f"Stack {spec.stack_name} is {status}; deploy again once it has settled.")
    deployed = deployed_template(cfn, spec.stack_name)
    changes = template_changes(deployed, template)
    if not changes:
        raise ToolError(
            f"Nothing to deploy: {spec.stack_name} already runs this template (v{stored.version})."
        )
    before = _deployed_estimate(store, stored)
    after = estimate_spec(spec).total_monthly
    reservation = _reservation(ctx, spec, deployed)
    creating = deployed is None
    args = {
        "name": spec.name,
        "version": stored.version,
        "region": spec.region,
        "stack_name": spec.stack_name,
        "change_set_type": "CREATE" if creating else "UPDATE",
        "replace_stack": status in ("ROLLBACK_COMPLETE",),
        "template_body": body,
        "template_sha256": hashlib.sha256(body.encode()).hexdigest(),
        "changes": [c.as_dict() for c in changes],
        "role_arn": role_arn(ctx, spec.region),
        "reservation": reservation,
    }
    removes_data = any(c.action != "Add" and c.resource_type in DATA_TYPES for c in changes)
    return ActionPlan(
        tool="architecture.deploy",
        args=args,
        summary=_summary(spec, stored.version, changes, creating),
        risk="high" if removes_data else "medium",
        changes=[_resource_change(spec, c) for c in changes]
        + _reservation_change(spec, reservation),
        cost_delta_monthly=float((after - before).quantize(Decimal("0.01"))),
        reversible=True,
        reversal="Deploy the previous version again, or destroy the stack (snapshots are kept).",
        notes=_notes(spec, stored, status, args),
    )


def _deployed_estimate(store: ArchitectureStore, stored: Stored) -> Decimal:
    deployed = stored.row.deployed_version
    if deployed is None:
        return Decimal(0)
    return estimate_spec(store.get(stored.row.name, deployed).spec).total_monthly


def _summary(spec: ArchitectureSpec, version: int, changes: list[Any], creating: bool) -> str:
    counts = {a: sum(1 for c in changes if c.action == a) for a in ("Add", "Modify", "Remove")}
    verb = "Create" if creating else "Update"
    detail = ", ".join(f"{n} {AFTER[a]}" for a, n in counts.items() if n)
    return (
        f"{verb} stack {spec.stack_name} in {spec.region} with {spec.name} v{version} ({detail})."
    )


def _resource_change(spec: ArchitectureSpec, change: Any) -> ResourceChange:
    return ResourceChange(
        resource_id=change.logical_id,
        resource_type=change.resource_type,
        region=spec.region,
        before=BEFORE[change.action],
        after=AFTER[change.action],
    )


def _reservation_change(
    spec: ArchitectureSpec, reservation: dict[str, Any] | None
) -> list[ResourceChange]:
    if reservation is None:
        return []
    return [
        ResourceChange(
            resource_id=reservation["cidr"],
            name=reservation["purpose"],
            resource_type="ipam:reservation",
            region=spec.region,
            before="free",
            after=f"reserved in pool '{reservation['pool']}'",
        )
    ]


def _notes(
    spec: ArchitectureSpec, stored: Stored, status: str | None, args: dict[str, Any]
) -> list[str]:
    notes = [f"Runs under the CloudFormation service role {args['role_arn']}."]
    if spec.network is not None:
        notes.append(f"VPC {spec.network.cidr}: {spec.network.cidr_source}")
    if status == "ROLLBACK_COMPLETE":
        notes.append(f"The failed stack {spec.stack_name} (ROLLBACK_COMPLETE) is deleted first.")
    notes.append(
        "After approval a change set is made; it must match these changes exactly or nothing runs."
    )
    warnings = [f for f in validate(stored.spec) if f.severity != "critical"]
    notes += [f"{f.severity}: {f.component}: {f.reason}" for f in warnings]
    return notes


def plan_destroy(ctx: ToolContext, name: str) -> ActionPlan:
    """The destroy plan: every stack resource deleted, final snapshots of the data stores first.

    Args:
        ctx: tool context.
        name: the deployed architecture.
    """
    stored = ArchitectureStore(ctx).get(name)
    spec = stored.spec
    cfn = ctx.aws.client("cloudformation", spec.region)
    status, stack_id = stack_status(cfn, spec.stack_name)
    if status is None or stack_id is None:
        raise ToolError(
            f"{spec.name} is not deployed: there is no stack {spec.stack_name} in {spec.region}."
        )
    resources = stack_resources(cfn, stack_id)
    snapshots = [
        {
            "logical_id": r["LogicalResourceId"],
            "type": r["ResourceType"],
            "physical_id": r.get("PhysicalResourceId", ""),
        }
        for r in resources
        if r["ResourceType"] in DATA_TYPES and r["ResourceType"] != "AWS::S3::Bucket"
    ]
    kept = [r["LogicalResourceId"] for r in resources if r["ResourceType"] == "AWS::S3::Bucket"]
    changes = [
        ResourceChange(
            resource_id=r.get("PhysicalResourceId") or r["LogicalResourceId"],
            name=r["LogicalResourceId"],
            resource_type=r["ResourceType"],
            region=spec.region,
            before=r["ResourceStatus"],
            after="kept (retained with its data)" if r["LogicalResourceId"] in kept else "deleted",
        )
        for r in resources
    ]
    saving = -estimate_spec(spec).total_monthly
    release = _release_args(ctx, spec)
    return ActionPlan(
        tool="architecture.destroy",
        args={
            "name": spec.name,
            "region": spec.region,
            "stack_id": stack_id,
            "stack_name": spec.stack_name,
            "snapshots": snapshots,
            "kept": kept,
            "release": release,
        },
        summary=f"Delete stack {spec.stack_name} ({len(resources)} resources) in {spec.region}, "
        f"after final snapshots of {len(snapshots)} data store(s).",
        risk="high",
        changes=changes,
        cost_delta_monthly=float(saving.quantize(Decimal("0.01"))),
        reversible=False,
        reversal="Deploy the architecture again and restore the data from the final snapshots.",
        notes=[
            f"Final snapshot of {s['logical_id']} ({s['physical_id']}) before deletion."
            for s in snapshots
        ]
        + [f"Bucket {k} is kept with its data (DeletionPolicy: Retain)." for k in kept]
        + (
            [f"The VPC block {release['cidr']} goes back to IPAM pool '{release['pool']}'."]
            if release
            else []
        ),
    )


def _release_args(ctx: ToolContext, spec: ArchitectureSpec) -> dict[str, Any] | None:
    network = spec.network
    if network is None or network.ipam_pool is None:
        return None
    from tools.ipam import service as ipam

    with ctx.db.session() as session:
        pool = ipam.find_pool(session, network.ipam_pool)
        row = ipam.find_allocation(session, pool, network.cidr)
        if row is None:
            return None
        return {"pool": pool.name, "cidr": row.cidr, "allocation_id": row.id}
