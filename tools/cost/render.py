"""Block Kit for the cost tools' results."""

from __future__ import annotations

from decimal import Decimal

from slack_sdk.models.blocks import Block

from tools import blocks
from tools.cost.models import ResourceEstimate, money
from tools.cost.savings_models import Recommendation
from tools.cost.tool_models import (
    ActualsResult,
    ChartResult,
    EstimateResult,
    ForecastResult,
    PeriodTotal,
    PriceResult,
    RecommendationsResult,
    SpikeResult,
)


def _price_figure(value: Decimal) -> str:
    return f"${value.normalize():f}"


def render_price(result: PriceResult) -> list[Block]:
    """One list price with its date.

    Args:
        result: the price.
    """
    line = f"*{result.item}* in `{result.region}`: *{_price_figure(result.usd)} per {result.unit}*"
    if result.monthly_usd is not None:
        line += f" (= {money(result.monthly_usd)} a month at 730 h)"
    out: list[Block] = [blocks.text(line)]
    if result.tiers:
        out.append(blocks.text("\n".join(result.tiers)))
    out.append(
        blocks.note(f"AWS public on-demand list price, as of {result.as_of} ({result.source}).")
    )
    return out


def _estimate_rows(estimates: list[ResourceEstimate]) -> list[list[str]]:
    return [
        [e.resource.label[:48], e.resource.kind, e.resource.region, money(e.monthly_usd)]
        for e in estimates
    ]


def _line_items(estimate: ResourceEstimate) -> str:
    lines = [
        f"• {i.description}: {i.quantity.normalize():f} {i.unit} x {_price_figure(i.unit_price)}"
        f" = {money(i.monthly_usd)} (as of {i.as_of})"
        for i in estimate.line_items
    ]
    return "\n".join(lines) or "• nothing billed"


def render_estimate(result: EstimateResult) -> list[Block]:
    """Run-rate per resource, per group and in total, with line items for proposals.

    Args:
        result: the estimate.
    """
    what = "Proposed resources" if result.proposed else "Monthly run-rate of the estate"
    out: list[Block] = [blocks.text(f"*{what}: {money(result.total)} a month*")]
    if result.proposed:
        for item in result.estimates:
            out.append(
                blocks.text(
                    f"*{item.resource.label}* — {money(item.monthly_usd)}\n{_line_items(item)}"
                )
            )
    else:
        out += blocks.table(
            ["RESOURCE", "KIND", "REGION", "MONTHLY"], _estimate_rows(result.estimates[:15])
        )
        rows = [[g.key, str(g.resources), money(g.monthly_usd)] for g in result.groups]
        out += blocks.table([result.group_by.upper(), "RESOURCES", "MONTHLY"], rows)
    assumptions = sorted({a for e in result.estimates for a in e.assumptions})
    if assumptions:
        out.append(blocks.note("Assumptions: " + " ".join(assumptions)))
    return out


def render_top(result: EstimateResult) -> list[Block]:
    """The most expensive resources, the first one spelled out.

    Args:
        result: the ranked estimates.
    """
    if not result.estimates:
        return [blocks.text("I found no billable resources to rank.")]
    top = result.estimates[0]
    out: list[Block] = [
        blocks.text(
            f"Your most expensive resource is *{top.resource.label}* ({top.resource.kind}, "
            f"{top.resource.region}) at *{money(top.monthly_usd)} a month*.\n{_line_items(top)}"
        ),
        *blocks.table(["RESOURCE", "KIND", "REGION", "MONTHLY"], _estimate_rows(result.estimates)),
    ]
    out.append(blocks.note("List-price run-rates (730 h a month); usage charges are not included."))
    return out


def render_actuals(result: ActualsResult) -> list[Block]:
    """Actual spend per group and per period.

    Args:
        result: the spend.
    """
    if result.just_begun and result.previous is not None:
        return _just_begun(result, result.previous)
    head = f"*Actual spend {result.label or result.start}: {money(result.total)}*"
    rows = [[name[:48], money(amount)] for name, amount in list(result.by_group.items())[:15]]
    out: list[Block] = [blocks.text(head), *blocks.table([result.group_by.upper(), "SPEND"], rows)]
    periods = [[str(day), money(amount)] for day, amount in list(result.by_period.items())[-14:]]
    out += blocks.table([result.granularity.lower(), "SPEND"], periods)
    out.append(blocks.note("From Cost Explorer (unblended cost)."))
    return out


def _just_begun(result: ActualsResult, previous: PeriodTotal) -> list[Block]:
    rows = [[name[:48], money(amount)] for name, amount in list(previous.by_group.items())[:15]]
    return [
        blocks.text(
            f"*{result.label.capitalize()} has just begun*: no complete day of spend is in "
            f"Cost Explorer yet. {previous.label} came to *{money(previous.total)}*."
        ),
        *blocks.table([result.group_by.upper(), previous.label.upper()], rows),
        blocks.note("From Cost Explorer (unblended cost); today's spend arrives tomorrow."),
    ]


def render_spike(result: SpikeResult) -> list[Block]:
    """Window, contributors and likely causes of a jump in spend.

    Args:
        result: the investigation.
    """
    r = result.report
    days = (
        f"{r.window_start}"
        if r.window_start == r.window_end
        else f"{r.window_start} to {r.window_end}"
    )
    out: list[Block] = [
        blocks.text(
            f"*Spend jumped on {days}*: {money(r.window_daily)} a day against a baseline of "
            f"{money(r.baseline_daily)} ({money(r.added)} more)."
        )
    ]
    rows = [
        [c.dimension, c.name[:44], money(c.baseline_daily), money(c.window_daily), money(c.added)]
        for c in r.contributors[:8]
    ]
    if rows:
        out += blocks.table(["BY", "NAME", "BASELINE/DAY", "WINDOW/DAY", "ADDED"], rows)
    causes = [
        f"• {c.what}"
        + (f" — {c.resource}" if c.resource else "")
        + (f", {c.when:%Y-%m-%d %H:%M} UTC" if c.when else "")
        + (f", by {c.who}" if c.who else "")
        + (f", ~{money(c.daily_usd)}/day" if c.daily_usd is not None else "")
        + f" ({c.source})"
        for c in r.causes[:6]
    ]
    out.append(blocks.text("*Likely cause*\n" + ("\n".join(causes) or "nothing found")))
    out.append(blocks.note(" ".join(r.notes)))
    return out


def _recommendation(rec: Recommendation) -> str:
    text = f"*{rec.title}* — saves *{money(rec.monthly_savings)}/month*\n"
    text += "\n".join(f"• {e}" for e in rec.evidence)
    if rec.judgement:
        text += f"\n_Judgement: {rec.judgement}_"
    text += f"\nFix: `{rec.fix.tool}`" if rec.fix else "\nFix: needs a person (no one-click fix)."
    return text


def render_recommendations(result: RecommendationsResult) -> list[Block]:
    """Savings with evidence and their fixes.

    Args:
        result: the recommendations.
    """
    if not result.recommendations:
        return [blocks.text("I found nothing to save right now.")]
    out: list[Block] = [
        blocks.text(
            f"*{len(result.recommendations)} ways to save about {money(result.total)} a month*"
        )
    ]
    out += [blocks.text(_recommendation(r)) for r in result.recommendations[:12]]
    out.append(
        blocks.note("Savings are at list prices. Ask me to apply a fix; it goes through approval.")
    )
    return out


def render_forecast(result: ForecastResult) -> list[Block]:
    """This month's forecast.

    Args:
        result: the forecast.
    """
    f = result.forecast
    out: list[Block] = []
    if f.days_elapsed == 0:
        out.append(
            blocks.text(
                f"*This month has just begun*: no complete day of spend is recorded yet. "
                f"{f.last_month} came to {money(f.last_month_total or Decimal(0))}."
            )
        )
    pairs = [
        ("Month to date", money(f.month_to_date)),
        (f"Forecast {f.start} to {f.end}", money(f.amount)),
        ("Month total", money(f.month_total)),
    ]
    if f.low is not None and f.high is not None:
        pairs.append(("80% interval", f"{money(f.low)} to {money(f.high)}"))
    if f.last_month_total is not None:
        pairs.append((f"Last month ({f.last_month})", money(f.last_month_total)))
    return [*out, blocks.fields(pairs), blocks.note(f.method)]


def render_chart(result: ChartResult) -> list[Block]:
    """A line announcing the uploaded chart.

    Args:
        result: the chart.
    """
    return [blocks.text(f"*{result.title}* — {money(result.total)} in total (chart attached).")]
