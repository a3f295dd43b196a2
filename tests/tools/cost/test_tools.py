"""The agent-facing cost tools: metadata, bad input, and what their replies say."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.estate import launch
from tools.blocks import to_text
from tools.context import ToolContext
from tools.cost.models import CostResource
from tools.cost.tool_models import EstimateArgs, PriceArgs, TopResourcesArgs
from tools.errors import InvalidInput
from tools.registry import load_builtin_tools

pytestmark = pytest.mark.time_sensitive

REGISTRY = load_builtin_tools()
COST_TOOLS = (
    "cost.price", "cost.estimate", "cost.actuals", "cost.top_resources",
    "cost.investigate_spike", "cost.recommendations", "cost.forecast", "cost.chart",
)  # fmt: skip


def test_cost_tools_are_read_only_with_descriptions_and_examples() -> None:
    for name in COST_TOOLS:
        spec = REGISTRY.get(name)
        assert not spec.mutating and spec.description and spec.example and spec.permissions


def _run(ctx: ToolContext, name: str, args: object) -> tuple[object, str]:
    spec = REGISTRY.get(name)
    result = spec.handler(ctx, args)
    return result, to_text(spec.render(result))


def test_price_reply_shows_figure_month_and_date(ctx: ToolContext) -> None:
    _, text = _run(ctx, "cost.price", PriceArgs(service="nat_hour"))
    assert "$0.045 per hour" in text and "$32.85 a month" in text and "2025-10-28" in text
    _, text = _run(ctx, "cost.price", PriceArgs(service="data_transfer", region="eu-west-1"))
    assert "up to 10,240 GB/month" in text
    with pytest.raises(InvalidInput, match="Which one"):
        _run(ctx, "cost.price", PriceArgs(service="ec2"))


def test_proposal_estimate_lists_line_items_and_assumptions(ctx: ToolContext) -> None:
    proposal = [
        CostResource(kind="ec2_instance", resource_id="app", region="eu-central-1",
                     instance_type="m5.large", state="running"),
        CostResource(kind="ebs_volume", resource_id="data", region="eu-central-1",
                     volume_type="gp3", size_gb=Decimal(200)),
    ]  # fmt: skip
    result, text = _run(ctx, "cost.estimate", EstimateArgs(resources=proposal))
    assert result.total == Decimal("730") * Decimal("0.115") + 200 * Decimal("0.0952")  # type: ignore[attr-defined]
    assert "730 hour x $0.115" in text and "Assumptions" in text


def test_estimate_rejects_unknown_grouping_and_types(ctx: ToolContext) -> None:
    with pytest.raises(InvalidInput, match="Cannot group by"):
        _run(ctx, "cost.estimate", EstimateArgs(group_by="colour"))
    bad = [CostResource(kind="ec2_instance", region="eu-west-1", instance_type="m9.huge")]
    with pytest.raises(InvalidInput, match="Nearest valid choices"):
        _run(ctx, "cost.estimate", EstimateArgs(resources=bad))


def test_live_estimate_groups_by_tag(ctx: ToolContext) -> None:
    launch(ctx.aws, "web-1", team="web")
    launch(ctx.aws, "web-2", team="web")
    launch(ctx.aws, "etl", team="data")
    result, text = _run(ctx, "cost.estimate", EstimateArgs(group_by="tag:team"))
    groups = {g.key: g.monthly_usd for g in result.groups}  # type: ignore[attr-defined]
    assert groups["team=web"] == 2 * groups["team=data"] == 2 * (Decimal("7.592") + Decimal("3.65"))
    assert "team=web" in text


def test_top_resources_on_an_empty_account_says_so(ctx: ToolContext) -> None:
    _, text = _run(ctx, "cost.top_resources", TopResourcesArgs())
    assert "no billable resources" in text
