"""Calendar periods said in words, resolved against a day from the clock.

A period is written as a short expression that a router or a model can emit without knowing
the date ("last_month", "month:10", "since:monday"), and resolved here, where the day is
known. Every period is a half-open range of whole UTC days, ``[start, end)``, the way Cost
Explorer takes it; the end never passes ``today`` (today's spend is not in yet).

Expressions:

- ``today``, ``yesterday``;
- ``this_week``, ``last_week`` (weeks start on Monday);
- ``this_month``, ``last_month``, ``this_year``, ``last_year``;
- ``since:<weekday>``: from the most recent such weekday before today;
- ``month:<1-12>``: the most recent such month that has at least one complete day of data;
- ``days:<n>``: the ``n`` complete days before today.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MONTHS = tuple(name.lower() for name in calendar.month_name[1:])
NAMED = frozenset(
    {"today", "yesterday", "this_week", "last_week", "this_month", "last_month", "this_year",
     "last_year"}
)  # fmt: skip


class PeriodError(ValueError):
    """The text is not a period expression this module knows."""


def first_of_month(day: date) -> date:
    """The first day of ``day``'s month.

    Args:
        day: any day.
    """
    return day.replace(day=1)


def add_months(day: date, months: int) -> date:
    """The first day of the month ``months`` away from ``day``'s month (negative = earlier).

    Args:
        day: any day.
        months: how many months to move.
    """
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def days_in_month(day: date) -> int:
    """How many days ``day``'s month has (29 for February 2028).

    Args:
        day: any day.
    """
    return calendar.monthrange(day.year, day.month)[1]


def week_start(day: date) -> date:
    """The Monday of ``day``'s week.

    Args:
        day: any day.
    """
    return day - timedelta(days=day.weekday())


def check_period(expression: str) -> str:
    """``expression`` when it is a valid period, else ``PeriodError`` saying what is accepted.

    Args:
        expression: e.g. ``last_month`` or ``month:10``.
    """
    resolve_period(expression, date(2000, 1, 15))
    return expression


def resolve_period(expression: str, today: date) -> tuple[date, date]:
    """The ``[start, end)`` days of ``expression`` as seen on ``today``.

    Args:
        expression: a period expression (see the module docstring).
        today: the current UTC day (from the clock).

    Raises:
        PeriodError: the expression is not understood.
    """
    kind, _, value = expression.strip().lower().partition(":")
    if not value and kind in NAMED:
        return _named(kind, today)
    if kind == "since" and value in WEEKDAYS:
        back = (today.weekday() - WEEKDAYS.index(value) - 1) % 7 + 1
        return today - timedelta(days=back), today
    if kind == "month" and value.isdigit() and 1 <= int(value) <= 12:
        return _recent_month(int(value), today)
    if kind == "days" and value.isdigit() and 1 <= int(value) <= 3660:
        return today - timedelta(days=int(value)), today
    raise PeriodError(
        f"'{expression}' is not a period I know. Use today, yesterday, this_week, last_week, "
        "this_month, last_month, this_year, last_year, since:<weekday>, month:<1-12> or "
        "days:<n>."
    )


def _named(kind: str, today: date) -> tuple[date, date]:
    month = first_of_month(today)
    ranges = {
        "today": (today, today + timedelta(days=1)),
        "yesterday": (today - timedelta(days=1), today),
        "this_week": (week_start(today), today),
        "last_week": (week_start(today) - timedelta(days=7), week_start(today)),
        "this_month": (month, today),
        "last_month": (add_months(today, -1), month),
        "this_year": (date(today.year, 1, 1), today),
        "last_year": (date(today.year - 1, 1, 1), date(today.year, 1, 1)),
    }
    return ranges[kind]


def _recent_month(month: int, today: date) -> tuple[date, date]:
    start = date(today.year, month, 1)
    if start >= today:  # not begun, or begun today with no complete day yet
        start = date(today.year - 1, month, 1)
    end = add_months(start, 1)
    return start, min(end, today)


def describe_period(start: date, end: date) -> str:
    """``start``..``end`` (exclusive) in words: ``October 2026``, ``2026-11-23 to 2026-11-29``.

    Args:
        start: first day.
        end: day after the last day.
    """
    last = end - timedelta(days=1)
    if start.day == 1 and end == add_months(start, 1):
        return f"{calendar.month_name[start.month]} {start.year}"
    if start == last:
        return start.isoformat()
    return f"{start.isoformat()} to {last.isoformat()}"
