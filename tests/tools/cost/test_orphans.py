"""Orphans priced by the cost catalog: what an unused resource costs a month."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tools.cost.orphans import priced_orphans
from tools.discovery.resource_models import Resource


def test_orphans_include_old_snapshots_and_empty_load_balancers() -> None:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    old = Resource(
        arn="arn:snap-old",
        account="1",
        region="us-east-1",
        type="ec2:snapshot",
        service="ec2",
        resource_id="snap-old",
        config={"start_time": (now - timedelta(days=400)).isoformat(), "size_gb": 20},
    )
    new = Resource(
        arn="arn:snap-new",
        account="1",
        region="us-east-1",
        type="ec2:snapshot",
        service="ec2",
        resource_id="snap-new",
        config={"start_time": (now - timedelta(days=3)).isoformat(), "size_gb": 20},
    )
    lb = Resource(
        arn="arn:lb",
        account="1",
        region="us-east-1",
        type="elbv2:load-balancer",
        service="elbv2",
        resource_id="lonely-alb",
    )
    tg = Resource(
        arn="arn:tg",
        account="1",
        region="us-east-1",
        type="elbv2:target-group",
        service="elbv2",
        resource_id="tg",
        config={"load_balancers": ["arn:lb"], "healthy_targets": 0},
    )

    found = {(o.label, o.reason): o for o in priced_orphans([old, new, lb, tg], 90, now=now)}

    assert set(found) == {("snap-old", "old_snapshot"), ("lonely-alb", "no_healthy_targets")}
    assert found[("snap-old", "old_snapshot")].monthly_cost == 1.0
    assert found[("lonely-alb", "no_healthy_targets")].monthly_cost == 16.43
