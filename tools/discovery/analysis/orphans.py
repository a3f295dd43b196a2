"""Orphans: things that cost money and serve nothing (priced by the cost domain)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from pydantic import BaseModel, Field

from tools.discovery.resource_models import Resource


class Orphan(BaseModel):
    """An unused resource and what it costs."""

    arn: str = Field(description="Resource ARN.")
    label: str = Field(description="name (id).")
    type: str = Field(description="Resource type.")
    region: str = Field(description="Region.")
    account: str = Field(description="Account id.")
    reason: str = Field(description="Reason code: unattached_volume, unassociated_eip, ...")
    detail: str | None = Field(default=None, description="Size, age or target health.")
    monthly_cost: float | None = Field(
        default=None, description="Estimated list-price USD per month (None when unknown)."
    )


def find_orphans(
    resources: Sequence[Resource], snapshot_max_age_days: int, now: datetime
) -> list[Orphan]:
    """Unattached volumes, unassociated EIPs, load balancers without healthy targets, old snapshots,
    in the order of ``resources`` and not yet priced (``monthly_cost`` None).

    Args:
        resources: the inventory.
        snapshot_max_age_days: snapshots older than this count.
        now: the current time (from the clock).
    """
    moment = now
    healthy_by_lb: dict[str, int] = {}
    for group in (r for r in resources if r.type == "elbv2:target-group"):
        for lb in group.config.get("load_balancers", []):
            healthy_by_lb[lb] = healthy_by_lb.get(lb, 0) + int(
                group.config.get("healthy_targets", 0)
            )
    found: list[Orphan] = []
    for resource in resources:
        cutoff = moment - timedelta(days=snapshot_max_age_days)
        orphan = _orphan(resource, healthy_by_lb, cutoff, moment)
        if orphan:
            found.append(orphan)
    return found


def _orphan(
    resource: Resource, healthy_by_lb: dict[str, int], cutoff: datetime, now: datetime
) -> Orphan | None:
    base = {
        "arn": resource.arn,
        "label": resource.label,
        "type": resource.type,
        "region": resource.region,
        "account": resource.account,
    }
    config = resource.config
    if resource.type == "ec2:volume" and resource.state == "available":
        detail = f"{config.get('size_gb')} GB {config.get('volume_type')}"
        return Orphan(**base, reason="unattached_volume", detail=detail)
    if resource.type == "ec2:elastic-ip" and resource.state == "unassociated":
        return Orphan(**base, reason="unassociated_eip", detail=config.get("public_ip"))
    if resource.type == "elbv2:load-balancer" and healthy_by_lb.get(resource.arn, 0) == 0:
        return Orphan(**base, reason="no_healthy_targets")
    if resource.type == "ec2:snapshot":
        started = _parse(config.get("start_time"))
        if started and started < cutoff:
            age = (now - started).days
            return Orphan(
                **base,
                reason="old_snapshot",
                detail=f"{age} days, {config.get('size_gb')} GB",
            )
    return None


def _parse(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
