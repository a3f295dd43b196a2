"""Reconciliation over the seeded sandbox estate (both accounts, both regions)."""

from __future__ import annotations

import pytest

from core.sandbox import seed_demo_estate
from tests.tools.ipam.conftest import approve_and_run, call
from tools.context import ToolContext
from tools.ipam.report_models import PeeringView, ReconcileResult

pytestmark = pytest.mark.time_sensitive


def test_sandbox_overlapping_vpcs_are_reported_as_not_peerable(ctx: ToolContext) -> None:
    estate = seed_demo_estate(ctx.aws)
    approve_and_run(ctx, "ipam.create_pool", name="cloud", cidrs=["10.0.0.0/8"])
    result = call(ctx, "ipam.reconcile")
    assert isinstance(result, ReconcileResult)
    named = {frozenset((p.first, p.second)): p for p in result.not_peerable}
    prod = f"prod-vpc ({estate.vpc_ids['prod-vpc']})"
    analytics = f"analytics-vpc ({estate.vpc_ids['analytics-vpc']})"
    pair = named[frozenset((prod, analytics))]
    assert not pair.peerable and pair.overlaps
    assert {u.name for u in result.unmanaged if u.kind == "vpc"} >= {
        "prod-vpc",
        "analytics-vpc",
        "shared-vpc",
    }
    assert {"123456789012/us-east-1", "210987654321/us-east-1"} <= set(result.scanned)
    verdict = call(ctx, "ipam.check_peering", first="prod-vpc", second="analytics-vpc")
    assert isinstance(verdict, PeeringView) and not verdict.peerable
    shared = call(ctx, "ipam.check_peering", first="prod-vpc", second="shared-vpc")
    assert isinstance(shared, PeeringView) and shared.peerable
