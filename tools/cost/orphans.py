"""Orphans priced by the cost catalog: discovery says what serves nothing, cost what it costs."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from tools.context import ToolContext
from tools.cost.catalog import catalog
from tools.cost.estimator import estimate
from tools.cost.models import OrphansArgs, OrphansResult
from tools.cost.resources import to_cost_resource
from tools.discovery.analysis.orphans import Orphan, find_orphans
from tools.discovery.resource_models import Resource
from tools.errors import ToolError

CENT = Decimal("0.01")


def monthly_cost(resource: Resource) -> float | None:
    """A resource's monthly list-price run-rate in USD, or None when it cannot be priced.

    Args:
        resource: a resource from the inventory.
    """
    billable = to_cost_resource(resource)
    if billable is None:
        return None
    try:
        usd = estimate(billable).monthly_usd
    except ToolError:
        return None  # no published price for this type or region
    return float(usd.quantize(CENT, rounding=ROUND_HALF_UP))


def priced_orphans(
    resources: Sequence[Resource], snapshot_max_age_days: int, now: datetime
) -> list[Orphan]:
    """Unused resources that cost money, with their monthly cost, costliest first.

    Args:
        resources: the inventory.
        snapshot_max_age_days: snapshots older than this count.
        now: the current time (from the clock).
    """
    by_arn = {r.arn: r for r in resources}
    found = [
        orphan.model_copy(update={"monthly_cost": monthly_cost(by_arn[orphan.arn])})
        for orphan in find_orphans(resources, snapshot_max_age_days, now)
    ]
    return sorted(found, key=lambda o: (-(o.monthly_cost or 0), o.reason, o.label))


def prices_as_of() -> dict[str, str]:
    """When the prices orphans are priced with were published, per kind of charge."""
    prices = catalog()
    published = prices.as_of
    return {
        "alb": prices.services.as_of["elb"],
        "ebs": published["ebs"],
        "public_ipv4": published["vpc"],
    }


def orphans(ctx: ToolContext, args: OrphansArgs) -> OrphansResult:
    """Orphans in the inventory with their estimated monthly list-price cost.

    Args:
        ctx: tool context.
        args: region/account filter, snapshot age.
    """
    from tools.discovery import service  # the inventory loads when it is read

    age = args.snapshot_max_age_days or ctx.settings.discovery_snapshot_max_age_days
    resources = service.scoped(ctx, args.region, args.account)
    items = priced_orphans(resources, age, ctx.clock.now())
    total = round(sum(o.monthly_cost or 0 for o in items), 2)
    return OrphansResult(items=items, monthly_total=total, prices_as_of=prices_as_of())
