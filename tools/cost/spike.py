"""Why did spend jump? Compare a window with its baseline, rank what added cost, find the change."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

from pydantic import BaseModel, Field

from tools.context import ToolContext
from tools.cost import actuals, changes
from tools.cost.actuals import CostSeries
from tools.cost.changes import LikelyCause
from tools.errors import ToolError

BASELINE_DAYS = 7


class Contributor(BaseModel):
    """One service, account or usage type and how much cost it added in the window."""

    dimension: str = Field(description="service, account or usage_type.")
    name: str = Field(description="The service name, account id or usage type.")
    baseline_daily: Decimal = Field(description="Average daily spend in the baseline.")
    window_daily: Decimal = Field(description="Average daily spend in the window.")
    added: Decimal = Field(description="Extra spend over the whole window versus the baseline.")


class SpikeReport(BaseModel):
    """A spend jump, what drove it and what probably caused it."""

    window_start: date = Field(description="First day of the spike window.")
    window_end: date = Field(description="Last day of the spike window.")
    baseline_start: date = Field(description="First day of the baseline.")
    baseline_end: date = Field(description="Last day of the baseline.")
    baseline_daily: Decimal = Field(description="Average daily spend in the baseline.")
    window_daily: Decimal = Field(description="Average daily spend in the window.")
    added: Decimal = Field(description="Extra spend over the window versus the baseline.")
    contributors: list[Contributor] = Field(description="Largest added cost first.")
    causes: list[LikelyCause] = Field(description="Changes that probably explain it.")
    notes: list[str] = Field(default_factory=list, description="Caveats and method.")


def find_spike_day(daily: dict[date, Decimal]) -> date:
    """The day whose spend rose most above the average of the days before it.

    Args:
        daily: total spend per day.
    """
    days = sorted(daily)
    if len(days) < 2:
        raise ToolError("Cost Explorer returned too little daily data to look for a spike.")
    best, best_jump = days[-1], Decimal("-Infinity")
    for i, day in enumerate(days[1:], start=1):
        before = [daily[d] for d in days[max(0, i - BASELINE_DAYS) : i]]
        jump = daily[day] - sum(before, Decimal(0)) / len(before)
        if jump > best_jump:
            best, best_jump = day, jump
    return best


def _per_day(series: CostSeries, first: date, last: date) -> dict[str, Decimal]:
    totals: dict[str, Decimal] = defaultdict(Decimal)
    days = (last - first).days + 1
    for point in series.points:
        if first <= point.start <= last:
            totals[point.group] += point.amount
    return {group: amount / days for group, amount in totals.items()}


def rank(
    series: CostSeries, dimension: str, window: tuple[date, date], baseline: tuple[date, date]
) -> list[Contributor]:
    """Groups ranked by cost added in ``window`` over their ``baseline`` daily average.

    Args:
        series: daily spend grouped by ``dimension``.
        dimension: service, account or usage_type.
        window: first and last day of the spike.
        baseline: first and last day of the comparison period.
    """
    days = (window[1] - window[0]).days + 1
    before = _per_day(series, *baseline)
    during = _per_day(series, *window)
    found = [
        Contributor(
            dimension=dimension, name=name, baseline_daily=before.get(name, Decimal(0)),
            window_daily=during.get(name, Decimal(0)),
            added=(during.get(name, Decimal(0)) - before.get(name, Decimal(0))) * days,
        )
        for name in set(before) | set(during)
    ]  # fmt: skip
    return sorted((c for c in found if c.added > 0), key=lambda c: c.added, reverse=True)


def _window(daily: dict[date, Decimal], start: date | None, end: date | None) -> tuple[date, date]:
    if start is None:
        day = find_spike_day(daily)
        return day, day
    return start, end or start


def _compare(
    services: CostSeries, window: tuple[date, date]
) -> tuple[tuple[date, date], Decimal, Decimal]:
    baseline = (window[0] - timedelta(days=BASELINE_DAYS), window[0] - timedelta(days=1))
    base_daily = sum(_per_day(services, *baseline).values(), Decimal(0))
    window_daily = sum(_per_day(services, *window).values(), Decimal(0))
    return baseline, base_daily, window_daily


def investigate(
    ctx: ToolContext, today: date, start: date | None = None, end: date | None = None
) -> SpikeReport:
    """Explain a jump in spend (the biggest recent one when no window is given).

    Args:
        ctx: tool context.
        today: the current UTC day (from the clock); the history ends the day before.
        start: first day of the window to explain (default: detect the spike).
        end: last day of the window (default: ``start``).
    """
    services = actuals.daily_by_service(ctx.aws, today)
    daily = services.by_period()
    notes: list[str] = []
    window = _window(daily, start, end)
    baseline, base_daily, window_daily = _compare(services, window)
    if start is not None and window_daily <= base_daily and len(daily) > 1:
        detected = _window(daily, None, None)
        notes.append(
            f"Spend did not rise on {window[0]}; the biggest recent jump was on {detected[0]}, "
            "explained here instead."
        )
        window = detected
        baseline, base_daily, window_daily = _compare(services, window)
    days = (window[1] - window[0]).days + 1
    contributors = rank(services, "service", window, baseline)
    notes.append(f"Baseline = average daily spend of {baseline[0]} to {baseline[1]}.")
    for dimension in ("account", "usage_type"):
        after = window[1] + timedelta(days=1)
        extra = actuals.get_costs(ctx.aws, baseline[0], after, "DAILY", dimension)
        contributors += rank(extra, dimension, window, baseline)[:5]
    services_added = [c for c in contributors if c.dimension == "service"]
    biggest = services_added[0].added if services_added else Decimal(0)
    top_services = [c.name for c in services_added if c.added >= biggest / 4][:2]
    causes, cause_notes = changes.likely_causes(ctx, window, top_services)
    if services_added and causes:
        notes.append(changes.equivalent_hours(services_added[0], causes[0]))
    return SpikeReport(
        window_start=window[0], window_end=window[1], baseline_start=baseline[0],
        baseline_end=baseline[1], baseline_daily=base_daily, window_daily=window_daily,
        added=(window_daily - base_daily) * days, contributors=contributors, causes=causes,
        notes=notes + cause_notes,
    )  # fmt: skip
