"""The PNG metric chart of an incident's thread (matplotlib, headless, imported when drawn).

The series around the alert's start, the alarm's threshold as a dashed line when it is known,
the start marked with a vertical line, times on a UTC axis.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from pydantic import BaseModel, Field

if TYPE_CHECKING:
    from matplotlib.axes import Axes

WIDTH, HEIGHT, DPI = 9.0, 4.0, 100
"""Figure size in inches and dots per inch: a 900 x 400 pixel PNG."""


class ChartSpec(BaseModel):
    """What one chart shows."""

    title: str = Field(description="Chart title (the metric, quoted from the alarm as data).")
    unit: str = Field(description="Y axis label: the statistic and period.")
    points: list[tuple[datetime, float]] = Field(description="Datapoints, oldest first.")
    start: datetime = Field(description="Left edge of the time axis (aware).")
    end: datetime = Field(description="Right edge of the time axis (aware).")
    fired_at: datetime = Field(description="When the alert started (marked).")
    threshold: float | None = Field(default=None, description="The alarm's threshold, if known.")


def draw_png(spec: ChartSpec) -> bytes:
    """The chart of ``spec`` as PNG bytes (WIDTH x HEIGHT inches at DPI).

    Args:
        spec: the series and its marks.
    """
    from matplotlib.dates import AutoDateLocator, ConciseDateFormatter, date2num
    from matplotlib.figure import Figure

    figure = Figure(figsize=(WIDTH, HEIGHT), dpi=DPI)  # no pyplot: headless and thread-safe
    axes = figure.subplots()
    moments = [float(date2num(_naive_utc(at))) for at, _ in spec.points]
    axes.plot(moments, [value for _, value in spec.points], color="#2f6db5", marker=".", lw=1.5)
    _marks(axes, spec)
    locator = AutoDateLocator(tz=UTC)
    axes.xaxis.set_major_locator(locator)
    axes.xaxis.set_major_formatter(ConciseDateFormatter(locator, tz=UTC))
    axes.set_xlim(float(date2num(_naive_utc(spec.start))), float(date2num(_naive_utc(spec.end))))
    axes.set_xlabel("time (UTC)")
    axes.set_ylabel(spec.unit)
    axes.set_title(spec.title, fontsize=10)
    axes.grid(alpha=0.3)
    axes.legend(loc="upper left", fontsize=8, framealpha=0.8)
    figure.tight_layout()
    out = io.BytesIO()
    figure.savefig(out, format="png")
    return out.getvalue()


def _marks(axes: Axes, spec: ChartSpec) -> None:
    """The threshold line and the alert's start."""
    from matplotlib.dates import date2num

    if spec.threshold is not None:
        axes.axhline(spec.threshold, color="#c0392b", ls="--", lw=1,
                     label=f"threshold {spec.threshold:g}")  # fmt: skip
    fired = _naive_utc(spec.fired_at)
    axes.axvline(float(date2num(fired)), color="#e67e22", lw=1.2,
                 label=f"alert start {fired:%H:%M} UTC")  # fmt: skip


def _naive_utc(moment: datetime) -> datetime:
    """``moment`` in UTC without its zone (matplotlib's dates are UTC by default)."""
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment
