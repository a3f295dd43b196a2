"""The cost questions of the issue, answered on the seeded sandbox estate."""

from __future__ import annotations

import struct
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
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


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[ToolContext, DemoEstate]]:
    """One seeded sandbox shared by the read-only tests of this module."""
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        data_dir=tmp_path_factory.mktemp("cf"),
        aws_mode="sandbox",
        model_provider="offline",
    )
    with mock_aws():
        aws = AwsClients(settings, sandbox=True)
        estate = seed_demo_estate(aws)
        yield ToolContext(settings=settings, aws=aws, db=None, actor="alice"), estate  # type: ignore[arg-type]


def ask(ctx: ToolContext, text: str) -> tuple[Any, str]:
    """Route a question offline, run the tool, return (result, rendered text)."""
    call = route(text)[0]
    spec = REGISTRY.get(call["name"])
    result = spec.handler(ctx, spec.args_model(**call["args"]))
    return result, to_text(spec.render(result))


def test_most_expensive_resource_is_named_with_its_run_rate(
    demo: tuple[ToolContext, DemoEstate],
) -> None:
    result, text = ask(demo[0], "what's my most expensive resource?")
    top = result.estimates[0]
    assert top.resource.name == "db-prod"
    assert top.monthly_usd == Decimal("730") * Decimal("0.356") + 100 * Decimal("0.23")
    assert "db-prod" in text and "$282.88 a month" in text


def test_why_did_costs_jump_finds_the_seeded_spike_and_cause(
    demo: tuple[ToolContext, DemoEstate],
) -> None:
    ctx, estate = demo
    result, text = ask(ctx, "why did costs jump?")
    report = result.report
    assert report.window_start.isoformat() == estate.cost_spike_day
    assert report.contributors[0].name == estate.cost_spike_service
    assert report.contributors[0].added > 7
    assert report.causes and "batch-worker" in str(report.causes[0].resource)
    assert f"Spend jumped on {estate.cost_spike_day}" in text


def test_where_can_we_save_lists_the_seeded_waste(demo: tuple[ToolContext, DemoEstate]) -> None:
    result, text = ask(demo[0], "where can we save?")
    found = {
        (r.check, (r.resource.split(" ")[0])): r.monthly_savings for r in result.recommendations
    }
    assert found[("idle-ec2", "batch-worker")] == Decimal("70.08")
    assert found[("unattached-volume", "old-data")] == Decimal("5.00")
    assert found[("unassociated-eip", "spare-ip")] == Decimal("3.65")
    assert found[("previous-generation", "legacy-app")] == Decimal("2.92")
    assert found[("gp2-to-gp3", "legacy-app-root")] == Decimal("0.60")  # 30 GB x (0.10 - 0.08)
    for line in ("batch-worker", "old-data", "spare-ip", "legacy-app", "$70.08/month"):
        assert line in text
    assert not any(r.resource.startswith(("web-1", "web-2")) for r in result.recommendations)


def test_actuals_forecast_and_price_answers(demo: tuple[ToolContext, DemoEstate]) -> None:
    ctx, estate = demo
    actual, text = ask(ctx, "how much did we spend in the last 30 days by service?")
    last_30 = sorted(estate.cost_by_day)[-30:]
    seeded = sum(Decimal(str(v)) for day in last_30 for v in estate.cost_by_day[day].values())
    assert abs(actual.total - seeded) < Decimal("0.01")
    assert "Amazon Relational Database Service" in text
    forecast, text = ask(ctx, "what will this month's bill be?")
    result = forecast.forecast
    assert result.month_total >= result.month_to_date
    assert result.last_month_total is not None and result.last_month_total > 0
    if result.days_elapsed == 0:  # the 1st: nothing is in yet, last month is shown beside
        assert result.month_to_date == 0 and "This month has just begun" in text
    else:
        assert result.month_to_date > 0 and "just begun" not in text
    assert f"Last month ({result.last_month})" in text
    assert "projected" in result.method
    _, text = ask(ctx, "how much is an m5.large in eu-central-1?")
    assert "$0.115 per hour" in text and "as of 2025-11-04" in text


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_cost_charts_are_valid_pngs(demo: tuple[ToolContext, DemoEstate]) -> None:
    for text in ("chart our daily spend", "bar chart of costs by service"):
        result, rendered = ask(demo[0], text)
        path = Path(result.files[0])
        width, height = _png_size(path)
        assert 600 <= width <= 2000 and 300 <= height <= 1200
        assert 10_000 < path.stat().st_size < 500_000
        assert "chart attached" in rendered
