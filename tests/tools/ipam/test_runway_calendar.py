"""IPAM runway through the analysis tool, with allocations made across year end and 29 February."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from tools.context import ToolContext
from tools.ipam import service
from tools.ipam.insights import analyze
from tools.ipam.models import AllocateArgs, CreatePoolArgs
from tools.ipam.operations import insert_allocation, insert_pool
from tools.ipam.report_models import AnalyzeArgs

pytestmark = pytest.mark.time_sensitive


def _allocate_daily(ctx: ToolContext, first_noon: datetime, days: int) -> None:
    """A /22 pool, then one /26 (64 addresses) at noon on each of ``days`` days."""
    with time_machine.travel(first_noon - timedelta(days=1), tick=False) as traveller:
        with ctx.db.session() as session:
            insert_pool(
                session, CreatePoolArgs(name="edge", cidrs=["10.9.0.0/22"]), None, "alice",
                ctx.clock.now(),
            )  # fmt: skip
        for day in range(days):
            traveller.move_to(first_noon + timedelta(days=day))
            with ctx.db.session() as session:
                pool = service.find_pool(session, "edge")
                cidr = f"10.9.0.{64 * day}/26"
                insert_allocation(
                    session, pool, AllocateArgs(pool="edge", cidr=cidr), "alice", ctx.clock.now()
                )


@pytest.mark.parametrize(
    ("first_noon", "full_on"),
    [
        # 1024 addresses, 192 used after three days at 64 a day: 832 left = 13 more days.
        (datetime(2028, 2, 27, 12, tzinfo=UTC), datetime(2028, 3, 13, 12, tzinfo=UTC)),
        (datetime(2026, 12, 30, 12, tzinfo=UTC), datetime(2027, 1, 14, 12, tzinfo=UTC)),
        (datetime(2027, 2, 27, 12, tzinfo=UTC), datetime(2027, 3, 14, 12, tzinfo=UTC)),
    ],
)
def test_runway_counts_real_days_across_leap_day_and_year_end(
    ctx: ToolContext, first_noon: datetime, full_on: datetime
) -> None:
    _allocate_daily(ctx, first_noon, days=3)
    with time_machine.travel(first_noon + timedelta(days=2), tick=False):
        result = analyze(ctx, AnalyzeArgs(pool="edge"))
    assert result.free == 1024 - 192
    assert result.rate_per_day == 64.0
    assert result.days_left == 13.0
    assert result.full_on == full_on
