"""Break-glass rules: per-person rate limit on the clock's 24 hours, the kill switch still holds,
and no tool (so no model) can reach it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from approvals.binding import Origin
from approvals.errors import BreakGlassNotConfigured, BreakGlassRateLimited, ChangeFrozen
from approvals.models import ApprovalRequest, ApprovalState
from bot.app import CloudFabric, create_app
from core.aws import AwsClients
from core.settings import Settings
from tests.estate import small_estate
from tools.actions.ec2_power import REBOOT, build_plan
from tools.ec2.models import PowerArgs
from tools.registry import load_builtin_tools

pytestmark = pytest.mark.time_sensitive
MONDAY = datetime(2027, 4, 5, 8, 0, tzinfo=UTC)
HERE = Origin("T1")


@pytest.fixture
def app(settings: Settings, aws: AwsClients) -> Iterator[CloudFabric]:
    update = {"break_glass_group": "glass", "approver_groups": {"glass": ["erin"]}}
    built = create_app(settings.model_copy(update=update), aws=aws)
    small_estate(aws)
    yield built
    built.close()


def ask(app: CloudFabric, n: int) -> ApprovalRequest:
    plan = build_plan(app.context_for("alice"), REBOOT, PowerArgs(targets=["web-1"]))
    return app.approvals.request(plan, "alice", f"T1:C1:{n}.1", f"origin-{n}", "T1")


def test_two_a_day_then_refused_until_24_hours_after_the_first(app: CloudFabric) -> None:
    assert app.break_glass is not None
    with time_machine.travel(MONDAY, tick=False) as clock:
        for n in (1, 2):
            done = app.break_glass.run(ask(app, n).id, "erin", "web-1 hangs", HERE)
            assert done.state == ApprovalState.SUCCEEDED
            clock.shift(timedelta(hours=1))
        third = ask(app, 3)
        with pytest.raises(BreakGlassRateLimited, match="2 times in the last 24 hours"):
            app.break_glass.run(third.id, "erin", "web-1 hangs again", HERE)
        assert app.approvals.get(third.id).state == ApprovalState.PENDING

        clock.move_to(MONDAY + timedelta(hours=23, minutes=59))
        with pytest.raises(BreakGlassRateLimited):
            app.break_glass.run(third.id, "erin", "web-1 hangs again", HERE)
        clock.move_to(MONDAY + timedelta(hours=24))
        fourth = ask(app, 4)
        assert (
            app.break_glass.run(fourth.id, "erin", "still", HERE).state == ApprovalState.SUCCEEDED
        )


def test_the_kill_switch_still_holds(app: CloudFabric) -> None:
    assert app.break_glass is not None
    request = ask(app, 1)
    app.approvals.freeze.set(True, "ops", "incident review")
    with pytest.raises(ChangeFrozen, match="Break-glass does not lift it"):
        app.break_glass.run(request.id, "erin", "urgent", HERE)
    assert app.approvals.get(request.id).state == ApprovalState.PENDING


def test_without_a_group_nobody_breaks_glass(settings: Settings, aws: AwsClients) -> None:
    app = create_app(settings, aws=aws)
    small_estate(aws)
    try:
        assert app.break_glass is not None
        with pytest.raises(BreakGlassNotConfigured, match="CF_BREAK_GLASS_GROUP"):
            app.break_glass.run(ask(app, 1).id, "erin", "urgent", HERE)
    finally:
        app.close()


def test_no_tool_can_break_glass() -> None:
    names = [spec.name for spec in load_builtin_tools().all()]
    assert names and not [n for n in names if "break" in n or "glass" in n]
