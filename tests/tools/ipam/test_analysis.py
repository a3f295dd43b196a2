"""Pool analysis, conflicts and compliance as a user sees them."""

from __future__ import annotations

import ipaddress
from datetime import UTC, datetime, timedelta

import pytest

from tests.tools.ipam.conftest import approve_and_run, call
from tools.context import ToolContext
from tools.errors import InvalidInput
from tools.ipam.analysis import fragmentation, runway
from tools.ipam.report_models import AnalyzeResult, FindConflictsResult, PlanSubnetsResult
from tools.ipam.space import AddressSpace

pytestmark = pytest.mark.time_sensitive


def test_analysis_reports_use_gaps_and_fragmentation(ctx: ToolContext) -> None:
    approve_and_run(ctx, "ipam.create_pool", name="prod", cidrs=["10.0.0.0/20"], environment="prod")
    approve_and_run(ctx, "ipam.allocate", pool="prod", prefix_length=24, purpose="web")
    approve_and_run(ctx, "ipam.allocate", pool="prod", cidr="10.0.8.0/22", purpose="db")
    approve_and_run(ctx, "ipam.allocate", pool="prod", cidr="10.0.4.0/24", kind="reservation")
    result = call(ctx, "ipam.analyze", pool="prod")
    assert isinstance(result, AnalyzeResult)
    assert (result.size, result.allocated, result.reserved) == (4096, 1280, 256)
    assert result.usable_allocated == 1280 - 2 * 5
    assert result.free == 4096 - 1536 and result.used_pct == 37.5
    assert result.largest_free_block == "10.0.12.0/22"
    assert result.free_range_count == 3
    assert result.free_ranges[0] == "10.0.1.0 to 10.0.3.255 (768 addresses)"
    assert result.free_blocks_by_size["/24"] == 10
    assert 0 < result.fragmentation < 1
    assert result.rate_per_day > 0 and result.days_left is not None


def test_fragmentation_is_zero_for_one_free_block_and_grows_when_scattered() -> None:
    space = AddressSpace([ipaddress.ip_network("10.0.0.0/24")])
    space.occupy(ipaddress.ip_network("10.0.0.0/25"))
    assert fragmentation(space) == 0.0
    for start in range(128, 256, 32):
        space.occupy(ipaddress.ip_network(f"10.0.0.{start}/28"))
    assert fragmentation(space) == 0.75


def test_runway_projects_from_the_allocation_rate() -> None:
    start = datetime(2026, 1, 1, tzinfo=UTC)
    history = [(start + timedelta(days=d), 256) for d in range(10)]
    projection = runway(history, free=2560, now=start + timedelta(days=10))
    assert projection.rate_per_day == 256.0
    assert projection.days_left == 10.0
    assert runway([(start, 256), (start + timedelta(days=1), -256)], 100, start).days_left is None


def test_conflicts_and_compliance_across_pools(ctx: ToolContext) -> None:
    approve_and_run(ctx, "ipam.create_pool", name="prod", cidrs=["10.0.0.0/16"], environment="prod")
    approve_and_run(ctx, "ipam.create_pool", name="dev", cidrs=["10.0.128.0/17"], environment="dev")
    approve_and_run(ctx, "ipam.create_pool", name="cgnat", cidrs=["100.64.0.0/16"])
    approve_and_run(ctx, "ipam.allocate", pool="cgnat", cidr="100.64.0.0/29", usage="other")
    result = call(ctx, "ipam.find_conflicts")
    assert isinstance(result, FindConflictsResult)
    assert [c.message for c in result.conflicts] == [
        "10.0.0.0/16 (pool prod) overlaps 10.0.128.0/17 (pool dev)."
    ]
    rules = sorted(v.rule for v in result.violations)
    assert rules == ["allowed_ranges", "allowed_ranges", "cross_environment", "size"]
    only_dev = call(ctx, "ipam.find_conflicts", pool="dev")
    assert isinstance(only_dev, FindConflictsResult)
    assert [v.rule for v in only_dev.violations] == ["cross_environment"]


def test_child_pools_and_allocations_inside_their_pools_are_not_conflicts(
    ctx: ToolContext,
) -> None:
    approve_and_run(ctx, "ipam.create_pool", name="top", cidrs=["10.0.0.0/8"])
    approve_and_run(ctx, "ipam.create_pool", name="eu", cidrs=["10.1.0.0/16"], parent="top")
    approve_and_run(ctx, "ipam.allocate", pool="eu", prefix_length=20)
    result = call(ctx, "ipam.find_conflicts")
    assert isinstance(result, FindConflictsResult)
    assert result.conflicts == [] and result.checked == 3


def test_subnet_plan_sizes_tiers_by_hosts_across_azs(ctx: ToolContext) -> None:
    plan = call(
        ctx,
        "ipam.plan_subnets",
        cidr="10.0.0.0/20",
        region="eu-west-1",
        tiers={"public": 100, "private": 1000, "data": 100},
    )
    assert isinstance(plan, PlanSubnetsResult)
    assert len(plan.subnets) == 9
    private = [s for s in plan.subnets if s.tier == "private"]
    assert [s.cidr for s in private] == ["10.0.0.0/22", "10.0.4.0/22", "10.0.8.0/22"]
    assert {s.az for s in private} == {"eu-west-1a", "eu-west-1b", "eu-west-1c"}
    assert all(s.usable >= s.hosts_needed for s in plan.subnets)
    assert plan.spare == ["10.0.15.0/24"]


def test_subnet_plan_that_does_not_fit_says_by_how_much(ctx: ToolContext) -> None:
    with pytest.raises(InvalidInput, match=r"needs 3,072 addresses but 10\.0\.0\.0/22 has 1,024"):
        call(ctx, "ipam.plan_subnets", cidr="10.0.0.0/22", tiers={"private": 1000})
    with pytest.raises(InvalidInput, match="host bits"):
        call(ctx, "ipam.plan_subnets", cidr="10.0.0.1/22")
