"""Orphans: things that cost money and serve nothing."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from importlib import resources as package_files
from typing import Any

from pydantic import BaseModel, Field

from tools.discovery.model import Resource

HOURS_PER_MONTH = 730


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


@lru_cache(maxsize=1)
def prices() -> dict[str, Any]:
    """The packaged price table (EBS, snapshots, public IPv4, ALB) with its provenance."""
    text = package_files.files("tools.discovery").joinpath("data/orphan_prices.json").read_text()
    data: dict[str, Any] = json.loads(text)
    return data


def _region_prices(region: str) -> dict[str, Any]:
    table: dict[str, Any] = prices()["regions"].get(region) or {}
    return table


def _volume_cost(resource: Resource) -> float | None:
    per_gb = _region_prices(resource.region).get("ebs_gb_month", {})
    rate = per_gb.get(str(resource.config.get("volume_type")))
    size = resource.config.get("size_gb")
    return round(rate * size, 2) if rate is not None and size else None


def _snapshot_cost(resource: Resource) -> float | None:
    rate = _region_prices(resource.region).get("ebs_gb_month", {}).get("snapshot")
    size = resource.config.get("size_gb")
    return round(rate * size, 2) if rate is not None and size else None


def _hourly(resource: Resource, key: str) -> float | None:
    rate = _region_prices(resource.region).get(key)
    return round(rate * HOURS_PER_MONTH, 2) if rate is not None else None


def find_orphans(
    resources: Sequence[Resource], snapshot_max_age_days: int, now: datetime
) -> list[Orphan]:
    """Unattached volumes, unassociated EIPs, load balancers without healthy targets, old snapshots.

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
    return sorted(found, key=lambda o: (-(o.monthly_cost or 0), o.reason, o.label))


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
        return Orphan(
            **base, reason="unattached_volume", detail=detail, monthly_cost=_volume_cost(resource)
        )
    if resource.type == "ec2:elastic-ip" and resource.state == "unassociated":
        return Orphan(
            **base,
            reason="unassociated_eip",
            detail=config.get("public_ip"),
            monthly_cost=_hourly(resource, "public_ipv4_hour"),
        )
    if resource.type == "elbv2:load-balancer" and healthy_by_lb.get(resource.arn, 0) == 0:
        return Orphan(
            **base, reason="no_healthy_targets", monthly_cost=_hourly(resource, "alb_hour")
        )
    if resource.type == "ec2:snapshot":
        started = _parse(config.get("start_time"))
        if started and started < cutoff:
            age = (now - started).days
            return Orphan(
                **base,
                reason="old_snapshot",
                detail=f"{age} days, {config.get('size_gb')} GB",
                monthly_cost=_snapshot_cost(resource),
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
