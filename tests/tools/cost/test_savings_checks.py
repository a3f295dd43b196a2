"""Each savings check on its own: when it fires, the dollars, and when it stays quiet."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from tools.cost import savings_compute as compute
from tools.cost import savings_storage as storage
from tools.cost.catalog import catalog
from tools.cost.estimate_models import CostResource
from tools.cost.metrics import Usage

pytestmark = pytest.mark.time_sensitive

NOW = datetime(2026, 11, 22, tzinfo=UTC)


def _instance(instance_type: str, state: str = "running") -> CostResource:
    return CostResource(
        kind="ec2_instance", resource_id="i-1", region="us-east-1",
        instance_type=instance_type, state=state, name="app",
    )  # fmt: skip


def test_idle_needs_low_average_and_low_peak() -> None:
    quiet = Usage(average=2.0, peak=4.0, datapoints=336, days=14)
    burst = Usage(average=2.0, peak=90.0, datapoints=336, days=14)
    found = compute.idle_instance(_instance("m5.large"), quiet)
    assert found is not None and found.monthly_savings == Decimal("70.08")
    assert compute.idle_instance(_instance("m5.large"), burst) is None
    assert compute.idle_instance(_instance("m5.large"), None) is None  # no data, no claim
    assert compute.idle_instance(_instance("m5.large", "stopped"), quiet) is None


def test_rightsizing_steps_down_one_size_in_the_family() -> None:
    prices = catalog()
    usage = Usage(average=12.0, peak=20.0, datapoints=336, days=14)
    found = compute.oversized_instance(prices, _instance("m5.2xlarge"), usage)
    assert found is not None and found.fix is not None
    assert found.fix.args["instance_type"] == "m5.xlarge"
    assert found.monthly_savings == (Decimal("0.384") - Decimal("0.192")) * 730
    assert compute.smaller_size(prices, "m5.large", "us-east-1") is None  # no m5.medium
    assert compute.oversized_instance(prices, _instance("t3.large"), usage) is None
    busy = Usage(average=30.0, peak=70.0, datapoints=336, days=14)
    assert compute.oversized_instance(prices, _instance("m5.2xlarge"), busy) is None


def test_previous_generation_picks_the_cheapest_successor() -> None:
    prices = catalog()
    assert compute.current_generation(prices, "m4.large", "us-east-1") in ("m5.large", "m6i.large")
    assert compute.current_generation(prices, "t2.micro", "us-east-1") == "t3.micro"
    assert compute.current_generation(prices, "m5.large", "us-east-1") is None


def test_old_snapshot_after_ninety_days() -> None:
    snap = CostResource(
        kind="ebs_snapshot", resource_id="snap-1", region="us-east-1",
        size_gb=Decimal(100), created=NOW - timedelta(days=120),
    )  # fmt: skip
    found = storage.old_snapshot(snap, NOW)
    assert found is not None and found.monthly_savings == Decimal("5.00")
    assert found.fix is None and found.judgement
    assert (
        storage.old_snapshot(snap.model_copy(update={"created": NOW - timedelta(days=30)}), NOW)
        is None
    )


def test_idle_load_balancer_only_without_healthy_targets() -> None:
    alb = CostResource(kind="load_balancer", resource_id="arn:lb", region="us-east-1",
                       volume_type="application", name="web-alb")  # fmt: skip
    found = storage.idle_load_balancer(alb, healthy_targets=0)
    assert found is not None and found.monthly_savings == Decimal("16.425")
    assert found.resource == "web-alb"
    assert storage.idle_load_balancer(alb, healthy_targets=2) is None
    ireland = storage.idle_load_balancer(alb.model_copy(update={"region": "eu-west-1"}), 0)
    assert ireland is not None and ireland.monthly_savings == Decimal("18.396")


def test_nat_heavy_traffic_suggests_missing_gateway_endpoints() -> None:
    nat = CostResource(kind="nat_gateway", resource_id="nat-1", region="us-east-1")
    found = storage.nat_heavy_traffic(catalog(), nat, 500.0, set())
    assert found is not None and found.monthly_savings == Decimal("22.500")
    assert "dynamodb, s3" in found.title and "Upper bound" in str(found.judgement)
    assert storage.nat_heavy_traffic(catalog(), nat, 500.0, {"s3", "dynamodb"}) is None
    assert storage.nat_heavy_traffic(catalog(), nat, 20.0, set()) is None
    assert storage.nat_heavy_traffic(catalog(), nat, None, set()) is None


def test_unattached_and_gp2_checks_stay_quiet_when_not_applicable() -> None:
    attached = CostResource(kind="ebs_volume", resource_id="vol-1", region="us-east-1",
                            volume_type="gp3", size_gb=Decimal(50), state="in-use")  # fmt: skip
    assert storage.unattached_volume(attached) is None
    assert storage.gp2_volume(attached) is None
    big = attached.model_copy(update={"volume_type": "gp2", "size_gb": Decimal(2000)})
    found = storage.gp2_volume(big)  # 6,000 IOPS kept on gp3: 3,000 extra at $0.005
    assert found is not None and found.monthly_savings == Decimal(2000) * Decimal("0.02") - 15
