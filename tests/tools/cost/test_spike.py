"""Spike investigation, actuals and forecast on a Cost Explorer series built for each test."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest

from core.clock import Clock
from core.sandbox.costs import install_cost_answers
from tests.estate import launch
from tools.context import ToolContext
from tools.cost import actuals, forecast
from tools.cost.spike import find_spike_day, investigate
from tools.errors import InvalidInput, ToolError

pytestmark = pytest.mark.time_sensitive

EC2 = "Amazon Elastic Compute Cloud - Compute"
RDS = "Amazon Relational Database Service"
ACCOUNT = "123456789012"


def _series(today: date, spike_days_ago: int | None = 1) -> dict[str, dict[str, float]]:
    series = {}
    for age in range(20, 0, -1):
        day = today - timedelta(days=age)
        ec2 = 10.0 if age == spike_days_ago else 3.0
        series[day.isoformat()] = {EC2: ec2, RDS: 9.0}
    return series


def test_spike_is_found_and_tied_to_the_new_instance(ctx: ToolContext) -> None:
    today = Clock().now().date()
    install_cost_answers(_series(today), ACCOUNT, Clock())
    ctx.aws.client("ec2", "us-east-1").run_instances(
        ImageId="ami-12c6146b", MinCount=1, MaxCount=1, InstanceType="m5.4xlarge",
        TagSpecifications=[{"ResourceType": "instance", "Tags": [
            {"Key": "Name", "Value": "surprise-worker"}, {"Key": "team", "Value": "data"}]}],
    )  # fmt: skip
    report = investigate(ctx, today=today)
    assert report.window_start == today - timedelta(days=1)
    assert report.contributors[0].name == EC2
    assert report.contributors[0].added == Decimal(7)
    assert report.added == Decimal(7)
    cause = report.causes[0]
    assert cause.source == "inventory" and "surprise-worker" in str(cause.resource)
    assert cause.who == "data"


def test_quiet_day_asked_about_falls_back_to_the_real_jump(ctx: ToolContext) -> None:
    today = Clock().now().date()
    install_cost_answers(_series(today, spike_days_ago=4), ACCOUNT, Clock())
    launch(ctx.aws, "web-1")
    report = investigate(ctx, start=today - timedelta(days=2), today=today)
    assert report.window_start == today - timedelta(days=4)
    assert "did not rise" in report.notes[0]


def test_spike_day_needs_data() -> None:
    with pytest.raises(ToolError, match="too little"):
        find_spike_day({date(2026, 1, 1): Decimal(1)})
    days = {date(2026, 1, d): Decimal(5) for d in range(1, 10)}
    days[date(2026, 1, 6)] = Decimal(20)
    assert find_spike_day(days) == date(2026, 1, 6)


def test_actuals_reject_bad_grouping_and_dates(ctx: ToolContext) -> None:
    with pytest.raises(InvalidInput, match="Choose one of"):
        actuals.get_costs(ctx.aws, date(2026, 1, 1), date(2026, 1, 2), "DAILY", "colour")
    with pytest.raises(InvalidInput, match="must be after"):
        actuals.get_costs(ctx.aws, date(2026, 1, 2), date(2026, 1, 1))


def test_actuals_totals_equal_the_series(ctx: ToolContext) -> None:
    today = Clock().now().date()
    install_cost_answers(_series(today), ACCOUNT, Clock())
    series = actuals.daily_by_service(ctx.aws, today)
    assert series.total == Decimal(20 * 12 + 7)
    assert series.by_group()[RDS] == Decimal(180)


def test_forecast_projects_the_recent_daily_average(ctx: ToolContext) -> None:
    today = Clock().now().date()
    flat = {(today - timedelta(days=a)).isoformat(): {RDS: 10.0} for a in range(1, 32)}
    install_cost_answers(flat, ACCOUNT, Clock())
    result = forecast.forecast_month(ctx.aws, today)
    remaining = (forecast.month_end(today) - today).days
    assert result.amount == Decimal(10 * remaining)
    assert result.month_to_date == Decimal(10 * (today.day - 1))
    assert "Cost Explorer forecast unavailable" in result.method


class ChangeLog:
    """Stands in for the discovery inventory's change log (another domain's store)."""

    def __init__(self, rows: list[SimpleNamespace]) -> None:
        self.rows = rows

    def changes(self, since: datetime | None = None) -> list[SimpleNamespace]:
        return [r for r in self.rows if since is None or r.at >= since]


def test_discovery_change_events_name_a_resize(ctx: ToolContext) -> None:
    today = Clock().now().date()
    install_cost_answers(_series(today, spike_days_ago=3), ACCOUNT, Clock())
    spike_day = datetime.combine(today - timedelta(days=3), datetime.min.time(), tzinfo=UTC)
    row = SimpleNamespace(
        at=spike_day + timedelta(hours=9), kind="changed", resource_type="ec2:instance",
        name="batch-worker", arn="arn:aws:ec2:us-east-1:123456789012:instance/i-1",
        changed_fields=["config.instance_type", "tags.owner"],
    )  # fmt: skip
    unrelated = SimpleNamespace(
        at=spike_day, kind="changed", resource_type="ec2:security-group", name="web-sg",
        arn="arn:sg", changed_fields=["config.ingress"],
    )  # fmt: skip
    ctx.extras["inventory"] = ChangeLog([row, unrelated])
    report = investigate(ctx, today=today)
    sources = [(c.source, c.resource, c.what) for c in report.causes]
    assert sources == [("discovery", "batch-worker", "ec2:instance changed (config.instance_type)")]
