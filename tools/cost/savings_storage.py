"""Savings checks on storage and network: gp2, unattached volumes, idle IPs, snapshots, LBs, NAT."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from tools.cost.catalog import PriceCatalog
from tools.cost.estimator import estimate
from tools.cost.models import CostResource
from tools.cost.savings_models import FixCall, Recommendation
from tools.errors import ToolError

OLD_SNAPSHOT_DAYS = 90
NAT_HEAVY_GB = 100.0
CENT = Decimal("0.01")


def _label(resource: CostResource) -> dict[str, str | None]:
    return {
        "resource_id": resource.resource_id,
        "resource": resource.label,
        "region": resource.region,
        "account": resource.account,
    }


def _gp3_iops(size_gb: Decimal) -> int:
    return max(3000, min(3 * int(size_gb), 16000))


def gp2_volume(resource: CostResource) -> Recommendation | None:
    """gp2 volume -> gp3 with the same baseline IOPS.

    Args:
        resource: an EBS volume.
    """
    if resource.volume_type != "gp2":
        return None
    before = estimate(resource).monthly_usd
    iops = _gp3_iops(resource.size_gb)
    after = estimate(
        resource.model_copy(update={"volume_type": "gp3", "iops": iops, "throughput_mibps": 125})
    ).monthly_usd
    if after >= before:
        return None
    return Recommendation(
        check="gp2-to-gp3",
        title=f"Change {resource.label} from gp2 to gp3",
        monthly_savings=before - after,
        evidence=[
            f"{resource.size_gb} GB gp2 costs {before.quantize(CENT)} USD a month; "
            f"as gp3 with {iops:,} IOPS it costs {after.quantize(CENT)} USD.",
            "gp3 keeps at least gp2's baseline performance; the change is online.",
        ],
        fix=FixCall(
            tool="ebs.modify_volume_type",
            args={
                "targets": [resource.resource_id],
                "volume_type": "gp3",
                "region": resource.region,
            },
        ),
        **_label(resource),
    )


def unattached_volume(resource: CostResource) -> Recommendation | None:
    """Volume attached to nothing -> snapshot it, then delete it.

    Args:
        resource: an EBS volume.
    """
    if resource.state != "available":
        return None
    volume = estimate(resource).monthly_usd
    snapshot = estimate(resource.model_copy(update={"kind": "ebs_snapshot"})).monthly_usd
    return Recommendation(
        check="unattached-volume",
        title=f"Snapshot and delete unattached volume {resource.label}",
        monthly_savings=volume - snapshot,
        evidence=[
            f"{resource.size_gb} GB {resource.volume_type}, attached to nothing "
            f"(state 'available'): {volume.quantize(CENT)} USD a month.",
            f"A snapshot kept instead costs at most {snapshot.quantize(CENT)} USD a month.",
        ],
        fix=FixCall(
            tool="ebs.snapshot_and_delete_volume",
            args={"targets": [resource.resource_id], "region": resource.region},
        ),
        **_label(resource),
    )


def unassociated_address(resource: CostResource) -> Recommendation | None:
    """Elastic IP associated with nothing -> release it.

    Args:
        resource: an Elastic IP.
    """
    if resource.attached_to:
        return None
    cost = estimate(resource).monthly_usd
    return Recommendation(
        check="unassociated-eip",
        title=f"Release unassociated Elastic IP {resource.label}",
        monthly_savings=cost,
        evidence=[
            f"{resource.public_ip} is associated with nothing; public IPv4 is billed "
            f"{cost.quantize(CENT)} USD a month (730 h) whether used or idle."
        ],
        fix=FixCall(
            tool="ec2.release_address",
            args={"targets": [resource.resource_id], "region": resource.region},
        ),
        **_label(resource),
    )


def old_snapshot(resource: CostResource, now: datetime) -> Recommendation | None:
    """Snapshot older than 90 days -> review and delete.

    Args:
        resource: an EBS snapshot.
        now: reference time (from the clock).
    """
    if resource.created is None:
        return None
    age = (now - resource.created).days
    if age < OLD_SNAPSHOT_DAYS:
        return None
    cost = estimate(resource).monthly_usd
    return Recommendation(
        check="old-snapshot",
        title=f"Review snapshot {resource.label} ({age} days old)",
        monthly_savings=cost,
        evidence=[
            f"Created {age} days ago from a {resource.size_gb} GB volume; "
            f"up to {cost.quantize(CENT)} USD a month."
        ],
        judgement=(
            "Snapshots are incremental, so the real saving can be smaller; "
            "retention is a policy decision."
        ),
        **_label(resource),
    )


def idle_load_balancer(resource: CostResource, healthy_targets: int) -> Recommendation | None:
    """Load balancer with no healthy targets -> delete it.

    Args:
        resource: a load balancer.
        healthy_targets: healthy targets across its target groups.
    """
    if healthy_targets > 0:
        return None
    try:
        cost = estimate(resource).monthly_usd
    except ToolError:
        return None  # no offline price for this region
    return Recommendation(
        check="idle-load-balancer",
        title=f"Delete idle load balancer {resource.label}",
        monthly_savings=cost,
        evidence=[
            f"No healthy targets behind it; its hourly charge alone is "
            f"{cost.quantize(CENT)} USD a month."
        ],
        judgement="Check DNS records do not still point at it before deleting.",
        **_label(resource),
    )


def nat_heavy_traffic(
    prices: PriceCatalog, resource: CostResource, gb_per_month: float | None, endpoints: set[str]
) -> Recommendation | None:
    """NAT gateway moving much data in a VPC without S3/DynamoDB gateway endpoints.

    Args:
        prices: the catalog.
        resource: a NAT gateway.
        gb_per_month: data processed a month (from CloudWatch), if known.
        endpoints: gateway endpoint services already in its VPC (``s3``, ``dynamodb``).
    """
    missing = sorted({"s3", "dynamodb"} - endpoints)
    if gb_per_month is None or gb_per_month < NAT_HEAVY_GB or not missing:
        return None
    gb = Decimal(str(round(gb_per_month)))
    per_gb = prices.nat_gb(resource.region)
    upper = gb * per_gb.usd
    return Recommendation(
        check="nat-gateway-endpoints",
        title=f"Add free gateway endpoints ({', '.join(missing)}) to the VPC of {resource.label}",
        monthly_savings=upper,
        evidence=[
            f"{gb:,} GB a month through the NAT gateway at ${per_gb.usd}/GB "
            f"= {upper.quantize(CENT)} USD.",
            f"Its VPC has no gateway endpoint for {', '.join(missing)}; those are free.",
        ],
        judgement="Upper bound: only traffic to S3/DynamoDB in the same region moves off the NAT.",
        **_label(resource),
    )
