"""Dates and ranges in words, read at chosen instants: month and year ends, 29 February, DST."""

from __future__ import annotations

import contextlib
import time
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.clock import Clock
from core.timezones import find_zone, resolve_local
from core.when import DateRange, WhenError, read_range
from tests.hostile_text import HOSTILE

SUNDAY = datetime(2026, 12, 6, 15, 0, tzinfo=UTC)  # a Sunday afternoon
MONTH_START = datetime(2027, 3, 1, 0, 0, tzinfo=UTC)  # a Monday, the first second of March
YEAR_END = datetime(2026, 12, 31, 23, 59, tzinfo=UTC)  # a Thursday
LEAP_DAY = datetime(2028, 2, 29, 12, 0, tzinfo=UTC)  # a Tuesday
MID_MONTH = datetime(2027, 6, 15, 10, 30, tzinfo=UTC)  # a Tuesday
INSTANTS = (SUNDAY, MONTH_START, YEAR_END, LEAP_DAY, MID_MONTH)
BERLIN = ZoneInfo("Europe/Berlin")


def utc(*parts: int) -> datetime:
    """An aware UTC datetime."""
    return datetime(*parts, tzinfo=UTC)  # type: ignore[misc]


def read(text: str, now: datetime, tz: ZoneInfo | None = None) -> DateRange:
    """``read_range`` that must find a range."""
    found = read_range(text, now, tz)
    assert found is not None, text
    return found


CASES = [
    # (now, text, start, end) — end is exclusive and never after now
    (SUNDAY, "today", utc(2026, 12, 6), SUNDAY),
    (SUNDAY, "what changed yesterday?", utc(2026, 12, 5), utc(2026, 12, 6)),
    (SUNDAY, "the day before yesterday", utc(2026, 12, 4), utc(2026, 12, 5)),
    (SUNDAY, "last week", utc(2026, 11, 23), utc(2026, 11, 30)),
    (SUNDAY, "previous week", utc(2026, 11, 23), utc(2026, 11, 30)),
    (SUNDAY, "this week", utc(2026, 11, 30), SUNDAY),
    (SUNDAY, "since monday", utc(2026, 11, 30), SUNDAY),
    (SUNDAY, "since Sunday", utc(2026, 12, 6), SUNDAY),  # today is Sunday: today
    (SUNDAY, "since yesterday", utc(2026, 12, 5), SUNDAY),
    (SUNDAY, "since last week", utc(2026, 11, 23), SUNDAY),
    (SUNDAY, "since october", utc(2026, 10, 1), SUNDAY),
    (SUNDAY, "since 2026-11-03 14:00", utc(2026, 11, 3, 14), SUNDAY),
    (SUNDAY, "since 9am", utc(2026, 12, 6, 9), SUNDAY),
    (SUNDAY, "since 4pm", utc(2026, 12, 5, 16), SUNDAY),  # not yet today: yesterday's
    (SUNDAY, "last month", utc(2026, 11, 1), utc(2026, 12, 1)),
    (SUNDAY, "this month", utc(2026, 12, 1), SUNDAY),
    (SUNDAY, "this year", utc(2026, 1, 1), SUNDAY),
    (SUNDAY, "last year", utc(2025, 1, 1), utc(2026, 1, 1)),
    (SUNDAY, "in october", utc(2026, 10, 1), utc(2026, 11, 1)),
    (SUNDAY, "during Oct", utc(2026, 10, 1), utc(2026, 11, 1)),
    (SUNDAY, "in december", utc(2026, 12, 1), SUNDAY),  # begun: runs until now
    (SUNDAY, "last december", utc(2025, 12, 1), utc(2026, 1, 1)),
    (SUNDAY, "in may", utc(2026, 5, 1), utc(2026, 6, 1)),
    (SUNDAY, "october 2025", utc(2025, 10, 1), utc(2025, 11, 1)),
    (SUNDAY, "for Sept 2024", utc(2024, 9, 1), utc(2024, 10, 1)),
    (SUNDAY, "in 2025", utc(2025, 1, 1), utc(2026, 1, 1)),
    (SUNDAY, "last 30 days", utc(2026, 11, 6, 15), SUNDAY),
    (SUNDAY, "in the past 2 weeks", utc(2026, 11, 22, 15), SUNDAY),
    (SUNDAY, "past week", utc(2026, 11, 29, 15), SUNDAY),
    (SUNDAY, "over the last three days", utc(2026, 12, 3, 15), SUNDAY),
    (SUNDAY, "last 24h", utc(2026, 12, 5, 15), SUNDAY),
    (SUNDAY, "past 7d", utc(2026, 11, 29, 15), SUNDAY),
    (SUNDAY, "last hour", utc(2026, 12, 6, 14), SUNDAY),
    (SUNDAY, "the last 90 minutes", utc(2026, 12, 6, 13, 30), SUNDAY),
    (SUNDAY, "last 2 months", utc(2026, 10, 6, 15), SUNDAY),
    (SUNDAY, "past year", utc(2025, 12, 6, 15), SUNDAY),
    (SUNDAY, "between 2026-11-01 and 2026-11-03", utc(2026, 11, 1), utc(2026, 11, 4)),
    (SUNDAY, "from nov 1 to nov 3", utc(2026, 11, 1), utc(2026, 11, 4)),
    (SUNDAY, "from monday to wednesday", utc(2026, 11, 30), utc(2026, 12, 3)),
    (SUNDAY, "between october and november", utc(2026, 10, 1), utc(2026, 12, 1)),
    (SUNDAY, "between the 1st and the 3rd", utc(2026, 12, 1), utc(2026, 12, 4)),
    (SUNDAY, "between nov 3 14:00 and nov 5 10:00", utc(2026, 11, 3, 14), utc(2026, 11, 5, 10)),
    (SUNDAY, "on the 3rd", utc(2026, 12, 3), utc(2026, 12, 4)),
    (SUNDAY, "on the 6th", utc(2026, 12, 6), SUNDAY),  # today
    (SUNDAY, "on the 7th", utc(2026, 11, 7), utc(2026, 11, 8)),
    (SUNDAY, "on the 31st", utc(2026, 10, 31), utc(2026, 11, 1)),
    (SUNDAY, "monday", utc(2026, 11, 30), utc(2026, 12, 1)),
    (SUNDAY, "on friday", utc(2026, 12, 4), utc(2026, 12, 5)),
    (SUNDAY, "last sunday", utc(2026, 11, 29), utc(2026, 11, 30)),
    (SUNDAY, "on sat", utc(2026, 12, 5), utc(2026, 12, 6)),
    (SUNDAY, "last weekend", utc(2026, 11, 28), utc(2026, 11, 30)),
    (SUNDAY, "this weekend", utc(2026, 12, 5), SUNDAY),
    (SUNDAY, "2026-11-03", utc(2026, 11, 3), utc(2026, 11, 4)),
    (SUNDAY, "who stopped web-1 on nov 3?", utc(2026, 11, 3), utc(2026, 11, 4)),
    (SUNDAY, "2026-11-03 14:00", utc(2026, 11, 3), utc(2026, 11, 4)),  # its day
    (SUNDAY, "dec 7", utc(2025, 12, 7), utc(2025, 12, 8)),  # the past one
    (SUNDAY, "3rd of november 2025", utc(2025, 11, 3), utc(2025, 11, 4)),
    (SUNDAY, "the 3rd of November", utc(2026, 11, 3), utc(2026, 11, 4)),
    (SUNDAY, "November 3rd, 2025", utc(2025, 11, 3), utc(2025, 11, 4)),
    (SUNDAY, "13/11/2026", utc(2026, 11, 13), utc(2026, 11, 14)),
    (SUNDAY, "11/13/2026", utc(2026, 11, 13), utc(2026, 11, 14)),
    (SUNDAY, "3 days ago", utc(2026, 12, 3), utc(2026, 12, 4)),
    (SUNDAY, "a week ago", utc(2026, 11, 29), utc(2026, 11, 30)),
    (SUNDAY, "LAST   WEEK", utc(2026, 11, 23), utc(2026, 11, 30)),
    # the first second of a month, which is also a Monday
    (MONTH_START, "today", MONTH_START, MONTH_START),
    (MONTH_START, "yesterday", utc(2027, 2, 28), MONTH_START),
    (MONTH_START, "last week", utc(2027, 2, 22), MONTH_START),
    (MONTH_START, "since monday", MONTH_START, MONTH_START),
    (MONTH_START, "last monday", utc(2027, 2, 22), utc(2027, 2, 23)),
    (MONTH_START, "last month", utc(2027, 2, 1), MONTH_START),
    (MONTH_START, "in october", utc(2026, 10, 1), utc(2026, 11, 1)),
    (MONTH_START, "in march", utc(2026, 3, 1), utc(2026, 4, 1)),  # begins now: not yet
    (MONTH_START, "in february", utc(2027, 2, 1), MONTH_START),
    (MONTH_START, "on the 3rd", utc(2027, 2, 3), utc(2027, 2, 4)),
    (MONTH_START, "on the 29th", utc(2027, 1, 29), utc(2027, 1, 30)),  # no 29 Feb 2027
    (MONTH_START, "on the 31st", utc(2027, 1, 31), utc(2027, 2, 1)),
    (MONTH_START, "last 30 days", utc(2027, 1, 30), MONTH_START),
    (MONTH_START, "last 1 month", utc(2027, 2, 1), MONTH_START),
    (MONTH_START, "between dec 30 and jan 2", utc(2026, 12, 30), utc(2027, 1, 3)),
    # the last minute of a year
    (YEAR_END, "today", utc(2026, 12, 31), YEAR_END),
    (YEAR_END, "this year", utc(2026, 1, 1), YEAR_END),
    (YEAR_END, "last year", utc(2025, 1, 1), utc(2026, 1, 1)),
    (YEAR_END, "in december", utc(2026, 12, 1), YEAR_END),
    (YEAR_END, "in january", utc(2026, 1, 1), utc(2026, 2, 1)),
    (YEAR_END, "last week", utc(2026, 12, 21), utc(2026, 12, 28)),
    (YEAR_END, "since monday", utc(2026, 12, 28), YEAR_END),
    (YEAR_END, "between dec 30 and jan 2", utc(2026, 12, 30), YEAR_END),
    (YEAR_END, "last 2 months", utc(2026, 10, 31, 23, 59), YEAR_END),
    # 29 February 2028
    (LEAP_DAY, "today", utc(2028, 2, 29), LEAP_DAY),
    (LEAP_DAY, "yesterday", utc(2028, 2, 28), utc(2028, 2, 29)),
    (LEAP_DAY, "this month", utc(2028, 2, 1), LEAP_DAY),
    (LEAP_DAY, "last month", utc(2028, 1, 1), utc(2028, 2, 1)),
    (LEAP_DAY, "in february 2027", utc(2027, 2, 1), utc(2027, 3, 1)),
    (LEAP_DAY, "on the 29th", utc(2028, 2, 29), LEAP_DAY),
    (LEAP_DAY, "on the 30th", utc(2028, 1, 30), utc(2028, 1, 31)),
    (LEAP_DAY, "since monday", utc(2028, 2, 28), LEAP_DAY),
    (LEAP_DAY, "past year", utc(2027, 2, 28, 12), LEAP_DAY),
    (LEAP_DAY, "last 12 months", utc(2027, 2, 28, 12), LEAP_DAY),
    (LEAP_DAY, "from nov 1 to nov 3", utc(2027, 11, 1), utc(2027, 11, 4)),
    (LEAP_DAY, "feb 29", utc(2028, 2, 29), LEAP_DAY),
    # an ordinary mid-month day
    (MID_MONTH, "last week", utc(2027, 6, 7), utc(2027, 6, 14)),
    (MID_MONTH, "in june", utc(2027, 6, 1), MID_MONTH),
    (MID_MONTH, "last june", utc(2026, 6, 1), utc(2026, 7, 1)),
    (MID_MONTH, "on the 15th", utc(2027, 6, 15), MID_MONTH),
]


@pytest.mark.parametrize(("now", "text", "start", "end"), CASES)
def test_phrases_read_at_chosen_instants(
    now: datetime, text: str, start: datetime, end: datetime
) -> None:
    found = read(text, now)
    assert (found.start, found.end) == (start, end), found.label
    assert found.timezone == "UTC"


LABELS = [
    (SUNDAY, "last week", "last week (2026-11-23 to 2026-11-29, UTC)"),
    (SUNDAY, "yesterday", "yesterday (2026-12-05, UTC)"),
    (SUNDAY, "since monday", "since Monday (2026-11-30 until now, UTC)"),
    (SUNDAY, "in october", "in October (October 2026, UTC)"),
    (SUNDAY, "october 2025", "October 2025 (UTC)"),
    (SUNDAY, "last 30 days", "the past 30 days (2026-11-06 15:00 until now, UTC)"),
    (SUNDAY, "between 2026-11-01 and 2026-11-03", "from 2026-11-01 to 2026-11-03 (UTC)"),
    (SUNDAY, "yesterday in Berlin time", "yesterday (2026-12-05, Europe/Berlin time)"),
    (MONTH_START, "yesterday", "yesterday (2027-02-28, UTC)"),
    (LEAP_DAY, "today", "today (2028-02-29 until now, UTC)"),
]


@pytest.mark.parametrize(("now", "text", "label"), LABELS)
def test_each_range_says_what_it_is_in_words(now: datetime, text: str, label: str) -> None:
    assert read(text, now).label == label


ZONES = [
    # (now, text, start, end): the day is the named zone's day, returned in UTC
    (SUNDAY, "yesterday in Berlin time", utc(2026, 12, 4, 23), utc(2026, 12, 5, 23)),
    (SUNDAY, "yesterday Europe/Berlin", utc(2026, 12, 4, 23), utc(2026, 12, 5, 23)),
    (SUNDAY, "yesterday in PST", utc(2026, 12, 5, 8), utc(2026, 12, 6, 8)),
    (SUNDAY, "yesterday, New York time", utc(2026, 12, 5, 5), utc(2026, 12, 6, 5)),
    (SUNDAY, "last week in pacific time", utc(2026, 11, 23, 8), utc(2026, 11, 30, 8)),
    (SUNDAY, "since monday CET", utc(2026, 11, 29, 23), SUNDAY),
    (SUNDAY, "today in Asia/Tokyo", utc(2026, 12, 6, 15), SUNDAY),  # 00:00 in Tokyo
    (SUNDAY, "yesterday in utc", utc(2026, 12, 5), utc(2026, 12, 6)),
    # at 23:59 UTC on 31 December it is already 2027 in Berlin
    (YEAR_END, "this year in Berlin time", utc(2026, 12, 31, 23), YEAR_END),
    (YEAR_END, "today in Berlin time", utc(2026, 12, 31, 23), YEAR_END),
    (YEAR_END, "yesterday in PST", utc(2026, 12, 30, 8), utc(2026, 12, 31, 8)),
]


@pytest.mark.parametrize(("now", "text", "start", "end"), ZONES)
def test_a_named_zone_sets_the_days(
    now: datetime, text: str, start: datetime, end: datetime
) -> None:
    found = read(text, now)
    assert (found.start, found.end) == (start, end), found.label
    assert found.start.tzinfo == UTC and found.end.tzinfo == UTC


def test_the_default_zone_applies_unless_the_text_names_one() -> None:
    assert read("yesterday", SUNDAY, BERLIN).start == utc(2026, 12, 4, 23)
    assert read("yesterday", SUNDAY, BERLIN).timezone == "Europe/Berlin"
    assert read("yesterday in PST", SUNDAY, BERLIN).start == utc(2026, 12, 5, 8)


def test_days_across_dst_changes_are_23_and_25_hours_long() -> None:
    spring = read("yesterday in Berlin time", utc(2026, 3, 30, 12))
    assert (spring.start, spring.end) == (utc(2026, 3, 28, 23), utc(2026, 3, 29, 22))
    assert spring.duration == timedelta(hours=23)
    autumn = read("yesterday in Berlin time", utc(2026, 10, 26, 12))
    assert (autumn.start, autumn.end) == (utc(2026, 10, 24, 22), utc(2026, 10, 25, 23))
    assert autumn.duration == timedelta(hours=25)
    week = read("last week", utc(2026, 4, 1, 12), BERLIN)
    assert week.duration == timedelta(days=7, hours=-1)


def test_a_day_whose_midnight_is_skipped_starts_when_clocks_resume() -> None:
    # Santiago springs forward at midnight: 6 September 2026 begins at 01:00 local (04:00 UTC).
    found = read("yesterday", utc(2026, 9, 7, 15), ZoneInfo("America/Santiago"))
    assert found.start == utc(2026, 9, 6, 4)
    midnight = datetime(2026, 9, 6)  # noqa: DTZ001 - a wall-clock reading, no zone yet
    assert resolve_local(midnight, ZoneInfo("America/Santiago")) == found.start


NOTHING = [
    "stop web-1 in us-east-1",
    "show vpc 10.0.0.0/16",
    "allocate a /24 from pool-a",
    "copy the snapshot from prod to staging",
    "may I see the bill",
    "what did the t3.micro cost",
    "list instances tagged env=prod",
    "instances running since the deploy",
    "who has access to s3",
    "",
]


@pytest.mark.parametrize("text", NOTHING)
def test_a_message_without_a_date_gives_none(text: str) -> None:
    assert read_range(text, SUNDAY) is None


ASKS = [
    ("03/11/2026", "day/month or month/day"),
    ("tomorrow", "after now"),
    ("this weekend", "after now"),  # on a Tuesday the weekend is ahead
    ("in 2031", "after now"),
    ("2030-01-01", "after now"),
    ("between 2026-11-05 and 2026-11-01", "end comes before the start"),
    ("between monday and friday", "end comes before the start"),  # Fri 25, Mon 28 Feb
    ("between 2026-11-01 and the deploy", "could not read when"),
    ("in europe/narnia", "not a time zone I know"),
    ("last 0 days", "empty period"),
    ("last 9999 years", "further back"),
    ("in 1066", "further back"),
    ("feb 30", "not a date"),
    ("on the 32nd", "not a day of a month"),
    ("since 25:00", "not a time of day"),
]


@pytest.mark.parametrize(("text", "says"), ASKS)
def test_an_unusable_phrase_raises_a_sentence_to_show(text: str, says: str) -> None:
    with pytest.raises(WhenError, match=says):
        read_range(text, LEAP_DAY)


def test_now_must_be_aware() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        read_range("today", datetime(2026, 12, 6, 15))  # noqa: DTZ001


def test_zone_words_are_found_and_removed() -> None:
    found = find_zone("at 2:30 berlin time")
    assert found is not None
    assert (found.zone.key, found.rest, found.words) == ("Europe/Berlin", "at 2:30", "berlin time")
    assert find_zone("yesterday in london") is None  # a bare city may be a region
    assert find_zone("and/or 10.0.0.0/16") is None


def test_only_the_first_500_characters_are_read() -> None:
    assert read_range("x " * 300 + "yesterday", SUNDAY) is None
    assert read("yesterday " + "x " * 50_000, SUNDAY).end == utc(2026, 12, 6)


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_text_is_read_in_bounded_time(name: str) -> None:
    text = HOSTILE[name](200_000)
    started = time.perf_counter()
    with contextlib.suppress(WhenError):
        read_range(text, SUNDAY)
    assert time.perf_counter() - started < 2.0


@settings(max_examples=150, deadline=None)
@given(
    text=st.text(max_size=80),
    now=st.datetimes(  # hypothesis takes naive bounds
        min_value=datetime(2001, 1, 1),  # noqa: DTZ001
        max_value=datetime(2090, 1, 1),  # noqa: DTZ001
    ),
)
def test_any_text_gives_a_past_range_none_or_a_sentence(text: str, now: datetime) -> None:
    instant = now.replace(tzinfo=UTC)
    try:
        found = read_range(text, instant)
    except WhenError as error:
        assert str(error)
        return
    if found is not None:
        assert found.start <= found.end <= instant


WORDS = ["today", "yesterday", "last week", "this week", "since monday", "since friday",
         "last month", "this month", "in october", "in february", "last 30 days",
         "past 2 weeks", "on the 3rd", "on the 31st", "last weekend", "this year",
         "last year", "3 days ago"]  # fmt: skip


@pytest.mark.parametrize("now", INSTANTS)
@pytest.mark.parametrize("text", WORDS)
@pytest.mark.parametrize("tz", [None, BERLIN, ZoneInfo("America/Los_Angeles")])
def test_ranges_never_end_after_now(now: datetime, text: str, tz: ZoneInfo | None) -> None:
    found = read(text, now, tz)
    assert found.start <= found.end <= now


@pytest.mark.time_sensitive
class TestAtTheClock:
    """The same phrases at whatever instant the clock reads (``CF_TEST_NOW``)."""

    def test_yesterday_and_today_meet_at_midnight(self) -> None:
        now = Clock().now()
        today = now.date()
        midnight = datetime.combine(today, datetime.min.time(), tzinfo=UTC)
        assert (read("today", now).start, read("today", now).end) == (midnight, now)
        yesterday = read("yesterday", now)
        assert (yesterday.start, yesterday.end) == (midnight - timedelta(days=1), midnight)

    def test_last_week_is_the_previous_monday_to_sunday(self) -> None:
        now = Clock().now()
        found = read("last week", now)
        monday = now.date() - timedelta(days=now.weekday() + 7)
        assert found.start.date() == monday and found.start.weekday() == 0
        assert found.end == min(found.start + timedelta(days=7), now)

    def test_since_monday_starts_on_the_latest_monday(self) -> None:
        now = Clock().now()
        found = read("since monday", now)
        assert found.start.weekday() == 0 and found.start.time() == datetime.min.time()
        assert found.start <= now < found.start + timedelta(days=7)
        assert found.end == now

    def test_in_october_is_the_latest_october_begun(self) -> None:
        now = Clock().now()
        found = read("in october", now)
        assert (found.start.month, found.start.day) == (10, 1)
        assert found.start < now <= found.start + timedelta(days=366)

    def test_on_the_3rd_is_the_latest_3rd(self) -> None:
        now = Clock().now()
        start = read("on the 3rd", now).start
        assert start.day == 3 and start <= now
        assert now.date() - start.date() < timedelta(days=31)
        if now.day >= 3:
            assert start.date() == date(now.year, now.month, 3)

    def test_a_rolling_period_ends_now(self) -> None:
        now = Clock().now()
        assert read("last 24 hours", now).start == now - timedelta(hours=24)
        assert read("past 2 weeks", now).start == now - timedelta(days=14)
