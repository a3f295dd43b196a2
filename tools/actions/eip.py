"""Release unassociated Elastic IPs, behind approval."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from pydantic import BaseModel, Field

from tools.context import ToolContext
from tools.cost.estimate_models import CostResource
from tools.cost.estimator import estimate
from tools.ec2 import examples
from tools.ec2.finder import ADDRESS_PERMISSIONS, Found, find_one
from tools.ec2.models import ActionOutcome, ActionResult
from tools.ec2.render import render_action_result
from tools.errors import ToolError
from tools.iam import needs
from tools.plan import ActionPlan, ResourceChange
from tools.registry import tool


class ReleaseAddressArgs(BaseModel):
    """Elastic IPs to release."""

    targets: list[str] = Field(
        min_length=1, description="Allocation ids (eipalloc-...), public IPs or Name tags."
    )
    region: str | None = Field(default=None, description="Region to look in (default: all).")


def _change(found: Found) -> ResourceChange:
    return ResourceChange(
        resource_id=found.resource.resource_id,
        name=found.name or found.config.get("public_ip"),
        resource_type="ec2:elastic-ip",
        region=found.region,
        account=found.account_key,
        before="unassociated",
        after="released",
    )


def plan_release(ctx: ToolContext, args: ReleaseAddressArgs) -> ActionPlan:
    """Resolve the addresses; only unassociated ones may be released.

    Args:
        ctx: tool context.
        args: which addresses.
    """
    found = [find_one(ctx, "address", t, args.region) for t in args.targets]
    busy = [f for f in found if f.config.get("association_id")]
    if busy:
        names = ", ".join(
            f"{f.label(f.config['public_ip'])} is associated with "
            f"{f.config.get('instance_id') or f.config.get('network_interface_id')}"
            for f in busy
        )
        raise ToolError(f"Only unassociated Elastic IPs can be released: {names}.")
    saving = sum(
        (
            estimate(
                CostResource(kind="elastic_ip", resource_id=f.resource.resource_id, region=f.region)
            ).monthly_usd
            for f in found
        ),
        Decimal(0),
    )
    changes = [_change(f) for f in found]
    targets = [
        {
            "allocation_id": f.resource.resource_id,
            "region": f.region,
            "account_key": f.account_key,
        }
        for f in found
    ]
    return ActionPlan(
        tool="ec2.release_address",
        args={"targets": targets},
        summary=f"Release {', '.join(c.label for c in changes)}.",
        risk="medium",
        changes=changes,
        cost_delta_monthly=-float(saving.quantize(Decimal("0.01"))),
        reversible=False,
        reversal="A released address usually cannot be recovered; allocate a new one if needed.",
        notes=["Anything that still points at these addresses (DNS, allow-lists) stops working."],
    )


def rebuild_release(ctx: ToolContext, plan: ActionPlan) -> ActionPlan:
    """The approved release planned again for its addresses as they are now (by allocation id).

    Args:
        ctx: tool context.
        plan: the approved plan.

    Raises:
        ToolError: an address is gone or associated now.
    """
    targets = plan.args["targets"]
    regions = {t["region"] for t in targets}
    region = regions.pop() if len(regions) == 1 else None
    ids = [t["allocation_id"] for t in targets]
    return plan_release(ctx, ReleaseAddressArgs(targets=ids, region=region))


def _current(client: Any, allocation_id: str) -> dict[str, Any] | None:
    filters = [{"Name": "allocation-id", "Values": [allocation_id]}]
    addresses = client.describe_addresses(Filters=filters)["Addresses"]
    return addresses[0] if addresses else None


@tool(
    name="ec2.release_address",
    description="Release Elastic IPs that are not associated with anything.",
    example="release the unused elastic ip spare-ip",
    examples=examples.RELEASE_ADDRESS,
    args=ReleaseAddressArgs,
    result=ActionResult,
    render=render_action_result,
    permissions=needs(ADDRESS_PERMISSIONS, "ec2:DescribeAddresses", "ec2:ReleaseAddress"),
    risk="medium",
    mutating=True,
    preview=plan_release,
    recheck=lambda ctx, plan: rebuild_release(ctx, plan),
)
def release_address(ctx: ToolContext, plan: ActionPlan) -> ActionResult:
    """Release exactly the plan's addresses that are still unassociated.

    Args:
        ctx: tool context.
        plan: the approved plan.
    """
    changes = {c.resource_id: c for c in plan.changes}
    outcomes = []
    for target in plan.args["targets"]:
        change = changes[target["allocation_id"]]
        client = ctx.aws.client("ec2", target["region"], target.get("account_key"))
        raw = _current(client, target["allocation_id"])
        if raw is None:
            outcomes.append(
                ActionOutcome(
                    resource=change.label, status="nothing-to-do", detail="already released."
                )
            )
        elif raw.get("AssociationId"):
            outcomes.append(
                ActionOutcome(
                    resource=change.label,
                    status="skipped",
                    detail="it is associated now, not unassociated as approved; left alone.",
                )
            )
        else:
            client.release_address(AllocationId=target["allocation_id"])
            outcomes.append(ActionOutcome(resource=change.label, status="done", detail="released."))
    return ActionResult(action=plan.tool, outcomes=outcomes)
