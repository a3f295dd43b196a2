"""Cost charts as PNG files (matplotlib, headless)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from pathlib import Path

from matplotlib.axes import Axes
from matplotlib.dates import date2num
from matplotlib.figure import Figure

from tools.cost.actuals import CostSeries

TOP_GROUPS = 6


def _figure() -> tuple[Figure, Axes]:
    figure = Figure(figsize=(9, 4.5), dpi=110)  # no pyplot: headless and thread-safe
    return figure, figure.subplots()


def _stacked(series: CostSeries) -> tuple[list[datetime], dict[str, list[float]]]:
    days = series.periods()
    totals = series.by_group()
    keep = list(totals)[:TOP_GROUPS]
    stacks: dict[str, list[float]] = {name: [0.0] * len(days) for name in keep}
    if len(totals) > TOP_GROUPS:
        stacks["Other"] = [0.0] * len(days)
    index = {day: i for i, day in enumerate(days)}
    for point in series.points:
        name = point.group if point.group in keep else "Other"
        stacks[name][index[point.start]] += float(point.amount)
    moments = [datetime.combine(d, datetime.min.time()) for d in days]
    return moments, stacks


def trend_chart(series: CostSeries, path: Path, title: str) -> Path:
    """Daily spend stacked by group, as a PNG.

    Args:
        series: daily spend grouped (e.g. by service).
        path: where to write the PNG.
        title: chart title.
    """
    figure, axes = _figure()
    moments, stacks = _stacked(series)
    axes.stackplot(date2num(moments), *stacks.values(), labels=list(stacks), alpha=0.85)
    axes.xaxis_date()
    axes.set_title(title)
    axes.set_ylabel("USD per day")
    axes.grid(axis="y", alpha=0.3)
    axes.legend(loc="upper left", fontsize=7, framealpha=0.8)
    _mark_peak(axes, moments, stacks)
    figure.autofmt_xdate()
    figure.tight_layout()
    return _save(figure, path)


def _mark_peak(axes: Axes, moments: list[datetime], stacks: dict[str, list[float]]) -> None:
    totals = [sum(day) for day in zip(*stacks.values(), strict=True)]
    if not totals:
        return
    peak = max(range(len(totals)), key=totals.__getitem__)
    axes.annotate(
        f"${totals[peak]:,.2f}\n{moments[peak]:%Y-%m-%d}",
        xy=(float(date2num(moments[peak])), totals[peak]),
        xytext=(0, 8), textcoords="offset points", ha="center", fontsize=8,
    )  # fmt: skip
    axes.set_ylim(top=max(totals) * 1.18)


def breakdown_chart(totals: dict[str, Decimal], path: Path, title: str) -> Path:
    """Spend per group as horizontal bars, largest on top, as a PNG.

    Args:
        totals: spend per group.
        path: where to write the PNG.
        title: chart title.
    """
    figure, axes = _figure()
    items = list(totals.items())[:10][::-1]
    names = [name[:40] for name, _ in items]
    values = [float(value) for _, value in items]
    bars = axes.barh(names, values, color="#2f6db5")
    axes.bar_label(bars, labels=[f"${v:,.2f}" for v in values], fontsize=8, padding=3)
    axes.set_title(title)
    axes.set_xlabel("USD")
    axes.margins(x=0.15)
    figure.tight_layout()
    return _save(figure, path)


def _save(figure: Figure, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, format="png")
    return path
