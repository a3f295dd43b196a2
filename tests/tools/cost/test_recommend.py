"""Savings recommendations find the seeded waste, in dollars, with a fix that really runs."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from tests.tools.cost.estate import REGION, Estate, seed
from tools.context import ToolContext
from tools.cost.recommend import recommendations
from tools.cost.savings_models import Recommendation
from tools.registry import load_builtin_tools

pytestmark = pytest.mark.time_sensitive


@pytest.fixture
def estate(ctx: ToolContext) -> Estate:
    return seed(ctx.aws)


def _by_check(found: list[Recommendation]) -> dict[tuple[str, str], Recommendation]:
    return {(r.check, r.resource.split(" ")[0]): r for r in found}


def test_seeded_waste_is_listed_with_dollars(ctx: ToolContext, estate: Estate) -> None:
    found = recommendations(ctx, [REGION], now=estate.now)
    by = _by_check(found)
    idle = by[("idle-ec2", "batch-worker")]
    assert idle.monthly_savings == Decimal("70.08")  # m5.large 0.096 x 730
    assert "CPU averaged" in idle.evidence[0]
    assert idle.fix is not None and idle.fix.tool == "ec2.stop_instances"
    assert idle.fix.args == {"targets": [estate.instances["batch-worker"]], "region": REGION}
    assert by[("unattached-volume", "old-data")].monthly_savings == Decimal("5.00")
    assert by[("unassociated-eip", "spare-ip")].monthly_savings == Decimal("3.65")
    legacy = by[("previous-generation", "legacy-app")]
    assert legacy.monthly_savings == Decimal("2.92")  # (0.10 - 0.096) x 730
    assert legacy.fix is not None and legacy.fix.args["instance_type"] == "m5.large"
    assert ("stopped-instance-storage", "legacy-app") in by
    gp2 = [r for r in found if r.check == "gp2-to-gp3"]
    assert gp2 and all(r.monthly_savings == Decimal("0.16") for r in gp2)  # 8 GB x 0.02
    assert by[("rightsize-ec2", "api")].fix is not None
    assert [r.monthly_savings for r in found] == sorted(
        (r.monthly_savings for r in found), reverse=True
    )


def test_busy_instances_are_not_called_idle(ctx: ToolContext, estate: Estate) -> None:
    found = recommendations(ctx, [REGION], now=estate.now)
    flagged = {r.resource.split(" ")[0] for r in found if r.check in ("idle-ec2", "rightsize-ec2")}
    assert "web-1" not in flagged and "web-2" not in flagged


def test_unattached_volume_fix_runs_from_the_recommendation(
    ctx: ToolContext, estate: Estate
) -> None:
    found = recommendations(ctx, [REGION], now=estate.now)
    rec = _by_check(found)[("unattached-volume", "old-data")]
    assert rec.fix is not None
    spec = load_builtin_tools().get(rec.fix.tool)
    assert spec.preview is not None
    plan = spec.preview(ctx, spec.args_model(**rec.fix.args))
    assert plan.cost_delta_monthly == -float(rec.monthly_savings)
    result = spec.handler(ctx, plan)
    assert result.outcomes[0].status == "done"
    volumes = ctx.aws.client("ec2", REGION).describe_volumes()["Volumes"]
    assert estate.volumes["old-data"] not in {v["VolumeId"] for v in volumes}


def test_heavy_nat_traffic_suggests_gateway_endpoints(ctx: ToolContext, estate: Estate) -> None:
    start = estate.now - timedelta(days=14)
    points = [
        {
            "MetricName": "BytesOutToDestination",
            "Dimensions": [{"Name": "NatGatewayId", "Value": estate.nat_gateway}],
            "Timestamp": start + timedelta(hours=h),
            "Value": 2e9,
            "Unit": "Bytes",
        }
        for h in range(14 * 24)
    ]
    cloudwatch = ctx.aws.client("cloudwatch", REGION)
    for i in range(0, len(points), 500):
        cloudwatch.put_metric_data(Namespace="AWS/NATGateway", MetricData=points[i : i + 500])
    found = recommendations(ctx, [REGION], now=estate.now)
    nat = next(r for r in found if r.check == "nat-gateway-endpoints")
    gb_month = Decimal(round(2 * 14 * 24 / 14 * 730 / 24))  # 2 GB an hour for 730 h
    assert nat.monthly_savings == gb_month * Decimal("0.045")
    assert nat.fix is None and "Upper bound" in str(nat.judgement)
