"""Cost answers on the sandbox at chosen instants: the 1st of a month, year end, 29 February.

Each test seeds the sandbox with the clock at its instant (time-machine), then asks in words,
as a person would, through the offline router and the real tools.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import time_machine
from moto import mock_aws

from agents.offline.router import route
from core.aws import AwsClients
from core.sandbox import DemoEstate, seed_demo_estate
from core.settings import Settings
from tools.blocks import to_text
from tools.context import ToolContext
from tools.registry import load_builtin_tools

pytestmark = pytest.mark.time_sensitive
REGISTRY = load_builtin_tools()


def _at(instant: str) -> datetime:
    return datetime.fromisoformat(instant).replace(tzinfo=UTC)


@pytest.fixture
def demo_at(
    tmp_path: Path, request: pytest.FixtureRequest
) -> Iterator[tuple[ToolContext, DemoEstate]]:
    """The sandbox seeded at the instant given by the test's ``instant`` parameter."""
    settings = Settings(_env_file=None, data_dir=tmp_path / "cf")  # type: ignore[call-arg]
    with time_machine.travel(_at(request.param), tick=True), mock_aws():
        aws = AwsClients(settings, sandbox=True)
        estate = seed_demo_estate(aws)
        yield ToolContext(settings=settings, aws=aws, db=None, actor="alice"), estate  # type: ignore[arg-type]


def ask(ctx: ToolContext, text: str) -> tuple[Any, str]:
    """Route a question offline, run its tool, return (result, rendered text)."""
    call = route(text)[0]
    spec = REGISTRY.get(call["name"])
    result = spec.handler(ctx, spec.args_model(**call["args"]))
    return result, to_text(spec.render(result))


def _seeded_total(estate: DemoEstate, start: date, end: date) -> Decimal:
    return sum(
        (Decimal(str(v)) for day, costs in estate.cost_by_day.items()
         if start.isoformat() <= day < end.isoformat() for v in costs.values()),
        Decimal(0),
    )  # fmt: skip


@pytest.mark.parametrize("demo_at", ["2027-03-01T00:00:01"], indirect=True)
def test_on_the_first_this_month_has_just_begun_and_last_month_is_beside_it(
    demo_at: tuple[ToolContext, DemoEstate],
) -> None:
    ctx, estate = demo_at
    result, text = ask(ctx, "how much have we spent this month?")
    assert result.just_begun and result.total == 0
    assert result.previous.label == "February 2027"
    february = _seeded_total(estate, date(2027, 2, 1), date(2027, 3, 1))
    assert abs(result.previous.total - february) < Decimal("0.01")
    assert "This month (2027-03-01) has just begun" in text and "February 2027 came to" in text
    forecast, text = ask(ctx, "what will this month's bill be?")
    assert forecast.forecast.month_to_date == 0 and forecast.forecast.days_elapsed == 0
    assert forecast.forecast.last_month == "February 2027"
    assert "This month has just begun" in text
    assert forecast.forecast.end == date(2027, 4, 1)


@pytest.mark.parametrize("demo_at", ["2028-02-29T12:00:00"], indirect=True)
def test_on_29_february_last_month_yesterday_and_the_spike_are_right(
    demo_at: tuple[ToolContext, DemoEstate],
) -> None:
    ctx, estate = demo_at
    result, _ = ask(ctx, "how much did we spend last month?")
    assert (result.start, result.end) == (date(2028, 1, 1), date(2028, 2, 1))
    assert abs(result.total - _seeded_total(estate, result.start, result.end)) < Decimal("0.01")
    result, _ = ask(ctx, "what did we spend yesterday")
    assert (result.start, result.end) == (date(2028, 2, 28), date(2028, 2, 29))
    spike, text = ask(ctx, "why did costs jump?")
    assert spike.report.window_start == date(2028, 2, 26)
    assert "carol" in {cause.who for cause in spike.report.causes}
    assert "Spend jumped on 2028-02-26" in text
    forecast, _ = ask(ctx, "what will this month's bill be?")
    assert forecast.forecast.end == date(2028, 3, 1) and forecast.forecast.days_elapsed == 28


@pytest.mark.parametrize("demo_at", ["2026-12-31T23:59:00"], indirect=True)
def test_at_year_end_named_months_and_weeks_look_back_correctly(
    demo_at: tuple[ToolContext, DemoEstate],
) -> None:
    ctx, _ = demo_at
    result, text = ask(ctx, "how much did we spend in october")
    assert (result.start, result.end) == (date(2026, 10, 1), date(2026, 11, 1))
    assert result.total > 0 and "October 2026" in text
    result, _ = ask(ctx, "what did we spend last week by region")
    assert (result.start, result.end) == (date(2026, 12, 21), date(2026, 12, 28))
    result, _ = ask(ctx, "how much did we spend since monday")
    assert (result.start, result.end) == (date(2026, 12, 28), date(2026, 12, 31))
    spike, _ = ask(ctx, "why did costs jump?")
    assert spike.report.window_start == date(2026, 12, 28)


@pytest.mark.parametrize("demo_at", ["2027-01-01T00:00:05"], indirect=True)
def test_on_new_years_day_december_is_last_year(demo_at: tuple[ToolContext, DemoEstate]) -> None:
    ctx, _ = demo_at
    result, _ = ask(ctx, "show spend for december")
    assert (result.start, result.end) == (date(2026, 12, 1), date(2027, 1, 1))
    result, text = ask(ctx, "how much have we spent this year")
    assert result.just_begun and result.previous.label == "2026-01-01 to 2026-12-31"
    assert "has just begun" in text
