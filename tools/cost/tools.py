"""Agent-facing cost tools (read-only); the fixes live in ``tools/actions``.

The estate they price is read through discovery (``tools.cost.resources``); orphans are found
in discovery's inventory and priced here.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from core.aws import check_region
from core.calendar import resolve_period
from tools.context import ToolContext
from tools.cost import (
    actuals,
    changes,
    chart,
    examples,
    forecast,
    live_pricing,
    orphans,
    recommend,
    render,
    resources,
    spike,
)
from tools.cost.estimator import check_grouping, estimate_all, group_totals
from tools.cost.models import (
    ActualsArgs,
    ActualsResult,
    ChartArgs,
    ChartResult,
    EstimateArgs,
    EstimateResult,
    ForecastArgs,
    ForecastResult,
    OrphansArgs,
    OrphansResult,
    PriceArgs,
    PriceResult,
    RecommendationsArgs,
    RecommendationsResult,
    SpikeArgs,
    SpikeResult,
    TopResourcesArgs,
)
from tools.cost.price_lookup import lookup_price
from tools.cost.spend import actual_spend
from tools.discovery.examples import ORPHANS
from tools.discovery.scan import PERMISSIONS as SCAN_PERMISSIONS
from tools.errors import InvalidInput
from tools.iam import needs
from tools.registry import tool


def _regions(region: str | None) -> list[str] | None:
    if region is None:
        return None
    try:
        return [check_region(region)]
    except ValueError as error:
        raise InvalidInput(str(error)) from error


@tool(
    name="cost.price",
    description="Look up one AWS public list price (EC2, EBS, S3, RDS, Lambda, NAT, IPv4...).",
    example="how much is an m5.large in eu-central-1?",
    examples=examples.PRICE,
    args=PriceArgs,
    result=PriceResult,
    render=render.render_price,
    permissions=live_pricing.PERMISSIONS,
)
def price(ctx: ToolContext, args: PriceArgs) -> PriceResult:
    """One list price with its as-of date.

    Args:
        ctx: tool context.
        args: what to price.
    """
    return lookup_price(args, None if ctx.settings.is_sandbox else ctx.aws)


@tool(
    name="cost.estimate",
    description="Monthly run-rate of the estate (per resource and group) or of proposed resources.",
    example="what would 3 m5.large and a NAT gateway cost in eu-west-1 a month?",
    examples=examples.ESTIMATE,
    args=EstimateArgs,
    result=EstimateResult,
    render=render.render_estimate,
    permissions=resources.PERMISSIONS,
)
def estimate(ctx: ToolContext, args: EstimateArgs) -> EstimateResult:
    """Price proposed resources, or what runs now.

    Args:
        ctx: tool context.
        args: resources or filters, and the grouping.
    """
    check_grouping(args.group_by)
    proposed = bool(args.resources)
    estate = args.resources or resources.collect(ctx, _regions(args.region))
    if args.tags:
        estate = [r for r in estate if all(r.tags.get(k) == v for k, v in args.tags.items())]
    estimates = estimate_all(estate)
    return EstimateResult(
        estimates=estimates,
        groups=group_totals(estimates, args.group_by),
        group_by=args.group_by,
        total=sum((e.monthly_usd for e in estimates), Decimal(0)),
        proposed=proposed,
    )


@tool(
    name="cost.top_resources",
    description="The most expensive resources by monthly run-rate at list prices.",
    example="what's my most expensive resource?",
    examples=examples.TOP_RESOURCES,
    args=TopResourcesArgs,
    result=EstimateResult,
    render=render.render_top,
    permissions=resources.PERMISSIONS,
)
def top_resources(ctx: ToolContext, args: TopResourcesArgs) -> EstimateResult:
    """Rank what runs now by run-rate.

    Args:
        ctx: tool context.
        args: how many and where.
    """
    estimates = estimate_all(resources.collect(ctx, _regions(args.region)))
    return EstimateResult(
        estimates=estimates[: args.limit],
        groups=group_totals(estimates, "kind"),
        group_by="kind",
        total=sum((e.monthly_usd for e in estimates), Decimal(0)),
        proposed=False,
    )


@tool(
    name="cost.actuals",
    description="Actual spend from Cost Explorer by service, account, region, tag or usage type.",
    example="how much did we spend last month by service?",
    examples=examples.ACTUALS,
    args=ActualsArgs,
    result=ActualsResult,
    render=render.render_actuals,
    permissions=actuals.PERMISSIONS,
)
def spend(ctx: ToolContext, args: ActualsArgs) -> ActualsResult:
    """Actual spend over the last ``days`` days.

    Args:
        ctx: tool context.
        args: range, granularity and grouping.
    """
    return actual_spend(ctx.aws, args, ctx.clock.today())


@tool(
    name="cost.investigate_spike",
    description="Explain a jump in spend: what added cost (service, account, usage) and why.",
    example="why did costs jump yesterday?",
    examples=examples.SPIKE,
    args=SpikeArgs,
    result=SpikeResult,
    render=render.render_spike,
    permissions=needs(actuals.PERMISSIONS, changes.PERMISSIONS),
)
def investigate_spike(ctx: ToolContext, args: SpikeArgs) -> SpikeResult:
    """Investigate the given window, or the biggest recent jump.

    Args:
        ctx: tool context.
        args: optional window.
    """
    start, end = args.start, args.end
    if args.period:
        first, after = resolve_period(args.period, ctx.clock.today())
        start, end = first, max(first, after - timedelta(days=1))
    return SpikeResult(report=spike.investigate(ctx, ctx.clock.today(), start, end))


@tool(
    name="cost.recommendations",
    description="Savings with evidence and a fix: idle or old EC2, gp2, idle volumes and IPs.",
    example="where can we save money?",
    examples=examples.RECOMMENDATIONS,
    args=RecommendationsArgs,
    result=RecommendationsResult,
    render=render.render_recommendations,
    permissions=recommend.PERMISSIONS,
)
def recommendations(ctx: ToolContext, args: RecommendationsArgs) -> RecommendationsResult:
    """Every savings opportunity, largest first.

    Args:
        ctx: tool context.
        args: optional region.
    """
    found = recommend.recommendations(ctx, _regions(args.region))
    total = sum((r.monthly_savings for r in found), Decimal(0))
    return RecommendationsResult(recommendations=found, total=total)


@tool(
    name="cost.forecast",
    description="Forecast this month's spend (Cost Explorer, or a stated run-rate projection).",
    example="what will this month's bill be?",
    examples=examples.FORECAST,
    args=ForecastArgs,
    result=ForecastResult,
    render=render.render_forecast,
    permissions=forecast.PERMISSIONS,
)
def month_forecast(ctx: ToolContext, args: ForecastArgs) -> ForecastResult:
    """Forecast the current month.

    Args:
        ctx: tool context.
        args: none.
    """
    return ForecastResult(forecast=forecast.forecast_month(ctx.aws, ctx.clock.today()))


@tool(
    name="cost.chart",
    description="Draw a cost trend or breakdown chart (PNG uploaded to the thread).",
    example="chart our daily spend for the last 30 days",
    examples=examples.CHART,
    args=ChartArgs,
    result=ChartResult,
    render=render.render_chart,
    permissions=actuals.PERMISSIONS,
)
def cost_chart(ctx: ToolContext, args: ChartArgs) -> ChartResult:
    """Draw the chart to a PNG under the data folder.

    Args:
        ctx: tool context.
        args: which chart.
    """
    start, end = actuals.last_days(args.days, ctx.clock.today())
    series = actuals.get_costs(ctx.aws, start, end, "DAILY", args.group_by)
    path = ctx.new_file("charts", f"cost-{args.kind}")
    if args.kind == "trend":
        title = f"Daily spend by {args.group_by}, {start} to {end}"
        chart.trend_chart(series, path, title)
    else:
        title = f"Spend by {args.group_by}, {start} to {end}"
        chart.breakdown_chart(series.by_group(), path, title)
    return ChartResult(title=title, files=[str(path)], total=series.total)


@tool(
    name="inventory.orphans",
    description=(
        "Find unused resources that cost money: unattached volumes, idle Elastic IPs, "
        "empty load balancers, old snapshots."
    ),
    example="what is unused and costing money?",
    examples=ORPHANS,
    args=OrphansArgs,
    result=OrphansResult,
    render=render.render_orphans,
    permissions=SCAN_PERMISSIONS,
)
def inventory_orphans(ctx: ToolContext, args: OrphansArgs) -> OrphansResult:
    """Orphans in the inventory (scanned first if empty) with their monthly list-price cost.

    Args:
        ctx: tool context.
        args: region/account filter, snapshot age.
    """
    return orphans.orphans(ctx, args)
