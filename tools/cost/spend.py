"""Actual spend for the days someone asked about, calendar periods included."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from core.calendar import add_months, describe_period, resolve_period, week_start
from tools.cost import actuals
from tools.cost.tool_models import ActualsArgs, ActualsResult, PeriodTotal


def days_asked(args: ActualsArgs, today: date) -> tuple[date, date]:
    """``[start, end)`` of the request: its calendar period, else the last ``days`` days.

    Args:
        args: the request.
        today: the current UTC day (from the clock).
    """
    if args.period:
        return resolve_period(args.period, today)
    return actuals.last_days(args.days, today)


def previous_period(start: date, today: date, period: str | None) -> tuple[date, date]:
    """The whole period before a just-begun one: last month for this month, and so on.

    Args:
        start: first day of the period that has just begun.
        today: the current UTC day.
        period: its expression (``this_month``, ``this_week``, ``this_year``...).
    """
    if period == "this_week":
        begin = week_start(today)
        return resolve_period("last_week", today) if begin == start else (start, today)
    if period == "this_year":
        return date(start.year - 1, 1, 1), start
    return add_months(start, -1), start


def actual_spend(aws: Any, args: ActualsArgs, today: date) -> ActualsResult:
    """Spend per group and period for what ``args`` asks, as of ``today``.

    When the period has no complete day yet (this month, asked on the 1st), the answer says
    so and carries the whole period before it instead of an empty table.

    Args:
        aws: ``AwsClients``.
        args: range, granularity and grouping.
        today: the current UTC day (from the clock).
    """
    start, end = days_asked(args, today)
    if end <= start:
        before = previous_period(start, today, args.period)
        series = actuals.get_costs(aws, *before, args.granularity, args.group_by)
        previous = PeriodTotal(
            label=describe_period(*before), start=before[0], end=before[1],
            total=series.total, by_group=series.by_group(),
        )  # fmt: skip
        return ActualsResult(
            start=start, end=start, granularity=args.granularity, group_by=args.group_by,
            total=Decimal(0), by_group={}, by_period={}, label=_label(args, start, start),
            just_begun=True, previous=previous,
        )  # fmt: skip
    series = actuals.get_costs(aws, start, end, args.granularity, args.group_by)
    return ActualsResult(
        start=start, end=end, granularity=args.granularity, group_by=args.group_by,
        total=series.total, by_group=series.by_group(), by_period=series.by_period(),
        label=_label(args, start, end),
    )  # fmt: skip


def _label(args: ActualsArgs, start: date, end: date) -> str:
    words = {
        "this_month": "this month", "last_month": "last month", "this_week": "this week",
        "last_week": "last week", "this_year": "this year", "last_year": "last year",
        "yesterday": "yesterday", "today": "today",
    }  # fmt: skip
    name = words.get(args.period or "")
    span = describe_period(start, end) if end > start else start.isoformat()
    return f"{name} ({span})" if name else span
