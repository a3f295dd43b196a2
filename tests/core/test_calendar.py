"""Calendar periods in words: right at month ends, year ends and on 29 February."""

from __future__ import annotations

from datetime import date

import pytest

from core.calendar import (
    PeriodError,
    add_months,
    check_period,
    days_in_month,
    describe_period,
    resolve_period,
)

pytestmark = pytest.mark.time_sensitive

CASES = [
    # (today, expression, start, end)
    (date(2027, 3, 1), "last_month", date(2027, 2, 1), date(2027, 3, 1)),
    (date(2028, 3, 1), "last_month", date(2028, 2, 1), date(2028, 3, 1)),
    (date(2027, 1, 1), "last_month", date(2026, 12, 1), date(2027, 1, 1)),
    (date(2027, 1, 1), "this_month", date(2027, 1, 1), date(2027, 1, 1)),
    (date(2026, 12, 31), "this_month", date(2026, 12, 1), date(2026, 12, 31)),
    (date(2028, 2, 29), "this_month", date(2028, 2, 1), date(2028, 2, 29)),
    (date(2028, 2, 29), "yesterday", date(2028, 2, 28), date(2028, 2, 29)),
    (date(2028, 3, 1), "yesterday", date(2028, 2, 29), date(2028, 3, 1)),
    (date(2027, 1, 1), "yesterday", date(2026, 12, 31), date(2027, 1, 1)),
    # 2027-01-01 is a Friday: last week is Mon 21 Dec .. Sun 27 Dec 2026.
    (date(2027, 1, 1), "last_week", date(2026, 12, 21), date(2026, 12, 28)),
    (date(2027, 1, 1), "this_week", date(2026, 12, 28), date(2027, 1, 1)),
    (date(2027, 1, 4), "this_week", date(2027, 1, 4), date(2027, 1, 4)),  # a Monday
    (date(2027, 1, 1), "since:monday", date(2026, 12, 28), date(2027, 1, 1)),
    (date(2027, 1, 4), "since:monday", date(2026, 12, 28), date(2027, 1, 4)),
    (date(2028, 2, 29), "since:sunday", date(2028, 2, 27), date(2028, 2, 29)),  # a Tuesday
    (date(2026, 12, 1), "month:10", date(2026, 10, 1), date(2026, 11, 1)),
    (date(2026, 10, 1), "month:10", date(2025, 10, 1), date(2025, 11, 1)),
    (date(2026, 10, 2), "month:10", date(2026, 10, 1), date(2026, 10, 2)),
    (date(2027, 1, 1), "month:12", date(2026, 12, 1), date(2027, 1, 1)),
    (date(2028, 3, 15), "month:2", date(2028, 2, 1), date(2028, 3, 1)),
    (date(2027, 1, 1), "this_year", date(2027, 1, 1), date(2027, 1, 1)),
    (date(2027, 1, 1), "last_year", date(2026, 1, 1), date(2027, 1, 1)),
    (date(2028, 3, 1), "days:30", date(2028, 1, 31), date(2028, 3, 1)),
]


@pytest.mark.parametrize(("today", "expression", "start", "end"), CASES)
def test_periods_resolve_on_calendar_edges(
    today: date, expression: str, start: date, end: date
) -> None:
    assert resolve_period(expression, today) == (start, end)


def test_a_period_never_reaches_past_today() -> None:
    day = date(2026, 1, 1)
    while day < date(2029, 1, 1):
        for expression in ("this_month", "last_month", "this_week", "last_week", "month:2"):
            start, end = resolve_period(expression, day)
            assert start <= end <= day
        day = add_months(day, 1) if day.day != 1 else date(day.year, day.month, 28)


def test_month_arithmetic_crosses_years_and_leap_days() -> None:
    assert add_months(date(2026, 12, 31), 1) == date(2027, 1, 1)
    assert add_months(date(2027, 1, 31), -1) == date(2026, 12, 1)
    assert add_months(date(2028, 2, 29), 12) == date(2029, 2, 1)
    assert days_in_month(date(2028, 2, 10)) == 29
    assert days_in_month(date(2027, 2, 10)) == 28


def test_periods_are_described_in_words() -> None:
    assert describe_period(date(2026, 10, 1), date(2026, 11, 1)) == "October 2026"
    assert describe_period(date(2028, 2, 1), date(2028, 3, 1)) == "February 2028"
    assert describe_period(date(2028, 2, 29), date(2028, 3, 1)) == "2028-02-29"
    assert describe_period(date(2026, 12, 21), date(2026, 12, 28)) == "2026-12-21 to 2026-12-27"


@pytest.mark.parametrize("bad", ["fortnight", "month:13", "since:someday", "days:0", "month:"])
def test_unknown_periods_are_refused_with_the_accepted_forms(bad: str) -> None:
    with pytest.raises(PeriodError, match="last_month"):
        check_period(bad)
