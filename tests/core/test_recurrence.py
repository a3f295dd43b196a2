"""Recurrences in words, and when they fire: DST changes, month ends, 29 February, year ends."""

from __future__ import annotations

import contextlib
import time
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.clock import Clock
from core.recurrence import (
    NthWeekday,
    Recurrence,
    RecurrenceError,
    _schedule,
    next_fire,
    next_fires,
    read_recurrence,
)
from core.timezones import resolve_local

BERLIN = ZoneInfo("Europe/Berlin")


def utc(*parts: int) -> datetime:
    """An aware UTC datetime."""
    return datetime(*parts, tzinfo=UTC)  # type: ignore[misc]


PHRASES = [
    # (words, cron, timezone, in words)
    ("every night at 2am", "0 2 * * *", "UTC", "every day at 02:00 (UTC)"),
    ("every day at 02:30", "30 2 * * *", "UTC", "every day at 02:30 (UTC)"),
    ("Every day at 2:30 a.m.", "30 2 * * *", "UTC", "every day at 02:30 (UTC)"),
    ("daily at 9", "0 9 * * *", "UTC", "every day at 09:00 (UTC)"),
    ("once a day at noon", "0 12 * * *", "UTC", "every day at 12:00 (UTC)"),
    ("at midnight", "0 0 * * *", "UTC", "every day at 00:00 (UTC)"),
    ("daily", "0 0 * * *", "UTC", "every day at 00:00 (UTC)"),
    ("nightly at 1:15", "15 1 * * *", "UTC", "every day at 01:15 (UTC)"),
    ("weekdays at 19:00", "0 19 * * 1-5", "UTC", "every weekday at 19:00 (UTC)"),
    ("every weekday at 7pm", "0 19 * * 1-5", "UTC", "every weekday at 19:00 (UTC)"),
    ("on business days at 8:30am", "30 8 * * 1-5", "UTC", "every weekday at 08:30 (UTC)"),
    ("mon-fri at 9", "0 9 * * 1-5", "UTC", "every weekday at 09:00 (UTC)"),
    ("monday to friday at 6pm", "0 18 * * 1-5", "UTC", "every weekday at 18:00 (UTC)"),
    ("every monday at 9", "0 9 * * 1", "UTC", "every Monday at 09:00 (UTC)"),
    ("mondays at 9", "0 9 * * 1", "UTC", "every Monday at 09:00 (UTC)"),
    ("at 9 on sundays", "0 9 * * 0", "UTC", "every Sunday at 09:00 (UTC)"),
    ("every monday and thursday at 9:30", "30 9 * * 1,4", "UTC",
     "every Monday and Thursday at 09:30 (UTC)"),
    ("every mon, wed and fri at 8am", "0 8 * * 1,3,5", "UTC",
     "every Monday, Wednesday and Friday at 08:00 (UTC)"),
    ("on weekends at noon", "0 12 * * 0,6", "UTC", "every Saturday and Sunday at 12:00 (UTC)"),
    ("every week on friday at 17:00", "0 17 * * 5", "UTC", "every Friday at 17:00 (UTC)"),
    ("at 00, 06, 12 and 18", "0 0,6,12,18 * * *", "UTC",
     "every day at 00:00, 06:00, 12:00 and 18:00 (UTC)"),
    ("every day at 9am and 5pm", "0 9,17 * * *", "UTC", "every day at 09:00 and 17:00 (UTC)"),
    ("first monday of the month at 10:00", "0 10 * * 1#1", "UTC",
     "on the first Monday of every month at 10:00 (UTC)"),
    ("the second tuesday of every month at 14:00", "0 14 * * 2#2", "UTC",
     "on the second Tuesday of every month at 14:00 (UTC)"),
    ("every month on the third wednesday at 6", "0 6 * * 3#3", "UTC",
     "on the third Wednesday of every month at 06:00 (UTC)"),
    ("last friday of the month", "0 0 * * 5L", "UTC",
     "on the last Friday of every month at 00:00 (UTC)"),
    ("on the 1st of every month", "0 0 1 * *", "UTC", "on the 1st of every month at 00:00 (UTC)"),
    ("on the 1st and 15th of each month at 9", "0 9 1,15 * *", "UTC",
     "on the 1st and 15th of every month at 09:00 (UTC)"),
    ("every month on the 15th", "0 0 15 * *", "UTC", "on the 15th of every month at 00:00 (UTC)"),
    ("monthly on the 2nd at 3am", "0 3 2 * *", "UTC", "on the 2nd of every month at 03:00 (UTC)"),
    ("monthly", "0 0 1 * *", "UTC", "on the 1st of every month at 00:00 (UTC)"),
    ("on the last day of the month at 23:00", "0 23 L * *", "UTC",
     "on the last day of every month at 23:00 (UTC)"),
    ("hourly", "0 * * * *", "UTC", "every hour on the hour (UTC)"),
    ("every hour on weekdays", "0 * * * 1-5", "UTC", "every hour on the hour, every weekday (UTC)"),
    ("every evening at 7", "0 19 * * *", "UTC", "every day at 19:00 (UTC)"),
    ("every night at 11", "0 23 * * *", "UTC", "every day at 23:00 (UTC)"),
    ("every night at 2", "0 2 * * *", "UTC", "every day at 02:00 (UTC)"),
    ("every day at 8 in the evening", "0 20 * * *", "UTC", "every day at 20:00 (UTC)"),
    ("every morning at 7", "0 7 * * *", "UTC", "every day at 07:00 (UTC)"),
    ("at 2:30 Berlin time", "30 2 * * *", "Europe/Berlin",
     "every day at 02:30 (Europe/Berlin time)"),
    ("every day at 2:30 in Europe/Berlin", "30 2 * * *", "Europe/Berlin",
     "every day at 02:30 (Europe/Berlin time)"),
    ("every weekday at 7pm PST", "0 19 * * 1-5", "America/Los_Angeles",
     "every weekday at 19:00 (America/Los_Angeles time)"),
    ("every day at 9 new york time", "0 9 * * *", "America/New_York",
     "every day at 09:00 (America/New_York time)"),
    ("0 19 * * 1-5", "0 19 * * 1-5", "UTC", "every weekday at 19:00 (UTC)"),
    ("cron 0 19 * * mon-fri in Europe/Berlin", "0 19 * * mon-fri", "Europe/Berlin",
     "every weekday at 19:00 (Europe/Berlin time)"),
    ("0 10 * * 1#1", "0 10 * * 1#1", "UTC", "on the first Monday of every month at 10:00 (UTC)"),
    ("0 0 * * 5l", "0 0 * * 5L", "UTC", "on the last Friday of every month at 00:00 (UTC)"),
    ("*/15 9-17 * 1,7 *", "*/15 9-17 * 1,7 *", "UTC",
     "on the cron schedule */15 9-17 * 1,7 * (UTC)"),
]  # fmt: skip


@pytest.mark.parametrize(("words", "cron", "timezone", "described"), PHRASES)
def test_phrases_become_cron_schedules(
    words: str, cron: str, timezone: str, described: str
) -> None:
    recurrence = read_recurrence(words)
    assert (recurrence.kind, recurrence.cron, recurrence.rate) == ("cron", cron, None)
    assert recurrence.timezone == timezone
    assert recurrence.describe() == described


RATES = [
    ("every 6 hours", timedelta(hours=6), "every 6 hours"),
    ("every 15 minutes", timedelta(minutes=15), "every 15 minutes"),
    ("every 90 mins", timedelta(minutes=90), "every 90 minutes"),
    ("every minute", timedelta(minutes=1), "every minute"),
    ("every other day", timedelta(days=2), "every 2 days"),
    ("every two weeks", timedelta(days=14), "every 2 weeks"),
    ("every 1 hour", timedelta(hours=1), "every hour"),
    ("every 6 hours Berlin time", timedelta(hours=6), "every 6 hours"),
]


@pytest.mark.parametrize(("words", "rate", "described"), RATES)
def test_phrases_become_rates(words: str, rate: timedelta, described: str) -> None:
    recurrence = read_recurrence(words)
    assert (recurrence.kind, recurrence.rate, recurrence.cron) == ("rate", rate, None)
    assert recurrence.describe() == f"{described}, counted from when it was set up"


QUESTIONS = [
    ("", "could not find a schedule"),
    ("weekly", "which day of the week"),
    ("every fortnight", "did not understand 'fortnight'"),
    ("twice a day", "did not understand 'twice a day'"),
    ("every day at 9 except holidays", "did not understand 'except holidays'"),
    ("every day at 9 in narnia", "did not understand 'in narnia'"),
    ("every day at 9 in europe/narnia", "not a time zone I know"),
    ("every 6 hours at 9", "a rate counts from when the schedule is created"),
    ("every 15 minutes on weekdays", "a rate counts from when"),
    ("at 9:00 and 17:30", "different minutes"),
    ("every day at 25:00", "not a time of day"),
    ("every day at 13pm", "not a time of day"),
    ("every monday on the 1st of the month", "more than one way"),
    ("on the 32nd of every month", "not a day of the month"),
    ("hourly at 9", "hourly and a time of day"),
    ("every 0 minutes", "between one minute and 366 days"),
    ("every 9999 weeks", "between one minute and 366 days"),
    ("0 0 30 2 *", "never fires"),
    ("0 61 * * *", "outside 0-23"),
    ("0 0 * * 8", "outside 0-7"),
    ("x" * 201, "short phrase"),
]


@pytest.mark.parametrize(("words", "says"), QUESTIONS)
def test_what_is_not_understood_is_said_in_a_sentence(words: str, says: str) -> None:
    with pytest.raises(RecurrenceError, match=says):
        read_recurrence(words)


def test_the_nth_weekday_is_typed_and_marks_the_cron_as_extended() -> None:
    first = read_recurrence("first monday of the month at 10:00")
    assert first.nth_weekday == NthWeekday(weekday=0, nth=1)
    assert first.nth_weekday.describe() == "first Monday"
    assert not first.plain_cron
    last = read_recurrence("last friday of the month")
    assert last.nth_weekday == NthWeekday(weekday=4, nth=-1)
    plain = read_recurrence("every weekday at 7pm")
    assert plain.nth_weekday is None and plain.plain_cron


def test_a_recurrence_is_checked_when_built() -> None:
    with pytest.raises(ValueError, match="no cron expression"):
        Recurrence(kind="rate", rate=timedelta(hours=1), cron="0 * * * *")
    with pytest.raises(ValueError, match="between one minute"):
        Recurrence(kind="rate", rate=timedelta(seconds=5))
    with pytest.raises(ValueError, match="IANA"):
        Recurrence(kind="cron", cron="0 9 * * *", timezone="Mars/Olympus")
    with pytest.raises(ValueError, match="five cron fields"):
        Recurrence(kind="cron", cron="0 9 * *")
    built = Recurrence(kind="cron", cron="0 19 * * 1-5", timezone="Europe/Berlin")
    assert built.zone == BERLIN
    assert Recurrence.model_validate_json(built.model_dump_json()) == built


# --- when they fire -----------------------------------------------------------------------------


def fires(words: str, after: datetime, count: int = 5, **options: datetime) -> list[datetime]:
    """The next fire instants of a schedule in words."""
    return next_fires(read_recurrence(words), after, count, **options)


def test_a_time_in_the_skipped_hour_fires_once_when_clocks_resume() -> None:
    found = fires("at 2:30 Berlin time", utc(2026, 3, 27, 12), 4)
    assert found == [
        utc(2026, 3, 28, 1, 30),  # 02:30 CET
        utc(2026, 3, 29, 1, 0),  # 02:30 does not exist: 03:00 CEST, once
        utc(2026, 3, 30, 0, 30),  # 02:30 CEST
        utc(2026, 3, 31, 0, 30),
    ]
    assert [moment.astimezone(BERLIN).hour for moment in found] == [2, 3, 2, 2]


def test_a_time_in_the_repeated_hour_fires_once_at_its_first_occurrence() -> None:
    found = fires("at 2:30 Berlin time", utc(2026, 10, 23, 12), 4)
    assert found == [
        utc(2026, 10, 24, 0, 30),  # 02:30 CEST
        utc(2026, 10, 25, 0, 30),  # 02:30+02:00, not again at 02:30+01:00
        utc(2026, 10, 26, 1, 30),  # 02:30 CET
        utc(2026, 10, 27, 1, 30),
    ]
    on_the_day = [moment for moment in found if moment.astimezone(BERLIN).day == 25]
    assert len(on_the_day) == 1


def test_hourly_fires_once_per_wall_clock_hour_across_both_changes() -> None:
    spring = fires("hourly Berlin time", utc(2026, 3, 28, 23), 4)
    assert spring == [utc(2026, 3, 29, 0), utc(2026, 3, 29, 1), utc(2026, 3, 29, 2),
                      utc(2026, 3, 29, 3)]  # fmt: skip
    autumn = fires("hourly Berlin time", utc(2026, 10, 24, 22), 4)
    # 01:00 and 02:00 CEST, then 03:00 CET: the second 02:00 (01:00 UTC) does not fire
    assert autumn == [utc(2026, 10, 24, 23), utc(2026, 10, 25, 0), utc(2026, 10, 25, 2),
                      utc(2026, 10, 25, 3)]  # fmt: skip


@pytest.mark.parametrize(
    ("after", "first_utc"),
    [(utc(2026, 1, 9, 12), utc(2026, 1, 9, 18)), (utc(2026, 7, 9, 12), utc(2026, 7, 9, 17))],
)
def test_weekday_evenings_stay_at_19_local_in_winter_and_summer(
    after: datetime, first_utc: datetime
) -> None:
    found = fires("0 19 * * 1-5 in Europe/Berlin", after, 3)
    assert found[0] == first_utc
    year = fires("0 19 * * 1-5 in Europe/Berlin", utc(2026, 1, 1), 261)
    local = [moment.astimezone(BERLIN) for moment in year]
    assert {(moment.hour, moment.minute) for moment in local} == {(19, 0)}
    assert all(moment.weekday() < 5 for moment in local)
    assert {moment.utcoffset() for moment in local} == {timedelta(hours=1), timedelta(hours=2)}


def test_a_nightly_workflow_created_a_minute_before_fires_the_same_night() -> None:
    assert fires("every night at 2am", utc(2026, 12, 6, 1, 59), 2) == [
        utc(2026, 12, 6, 2),
        utc(2026, 12, 7, 2),
    ]
    assert fires("every night at 2am", utc(2026, 12, 6, 2), 1) == [utc(2026, 12, 7, 2)]


MONTH_ENDS = [
    ("on the 31st of every month", utc(2027, 1, 31, 12),
     [utc(2027, 3, 31), utc(2027, 5, 31), utc(2027, 7, 31)]),
    ("on the 29th of every month", utc(2027, 1, 30),
     [utc(2027, 3, 29), utc(2027, 4, 29)]),
    ("on the 29th of every month", utc(2028, 1, 30),
     [utc(2028, 2, 29), utc(2028, 3, 29)]),
    ("on the last day of the month", utc(2028, 1, 31, 12),
     [utc(2028, 2, 29), utc(2028, 3, 31), utc(2028, 4, 30)]),
    ("on the last day of the month", utc(2027, 1, 31, 12),
     [utc(2027, 2, 28), utc(2027, 3, 31)]),
    ("0 0 29 2 *", utc(2028, 2, 29, 12),
     [utc(2032, 2, 29), utc(2036, 2, 29)]),
    ("last friday of the month", utc(2028, 2, 1),
     [utc(2028, 2, 25), utc(2028, 3, 31), utc(2028, 4, 28)]),
    ("fifth tuesday of the month at 12:00", utc(2028, 1, 1),
     [utc(2028, 2, 29, 12), utc(2028, 5, 30, 12)]),
    # the last minute of a year
    ("every day at 23:59", utc(2026, 12, 31, 23, 58),
     [utc(2026, 12, 31, 23, 59), utc(2027, 1, 1, 23, 59)]),
    ("on the 1st of every month", utc(2026, 12, 31, 23, 59),
     [utc(2027, 1, 1), utc(2027, 2, 1), utc(2027, 3, 1)]),
    ("first monday of the month at 10:00", utc(2026, 12, 31, 23, 59),
     [utc(2027, 1, 4, 10), utc(2027, 2, 1, 10), utc(2027, 3, 1, 10)]),
    ("every weekday at 7pm", utc(2026, 12, 31, 23, 59),
     [utc(2027, 1, 1, 19), utc(2027, 1, 4, 19)]),
    # the first second of a month
    ("on the 1st of every month", utc(2027, 3, 1),
     [utc(2027, 4, 1), utc(2027, 5, 1)]),
    ("at 00, 06, 12 and 18", utc(2027, 3, 1),
     [utc(2027, 3, 1, 6), utc(2027, 3, 1, 12), utc(2027, 3, 1, 18), utc(2027, 3, 2)]),
]  # fmt: skip


@pytest.mark.parametrize(("words", "after", "expected"), MONTH_ENDS)
def test_month_ends_leap_days_and_year_ends(
    words: str, after: datetime, expected: list[datetime]
) -> None:
    assert fires(words, after, len(expected)) == expected


def test_a_rate_counts_from_creation_in_elapsed_time() -> None:
    created = utc(2026, 3, 28, 20)
    found = fires("every 6 hours", utc(2026, 3, 29, 5), 3, created=created)
    assert found == [utc(2026, 3, 29, 8), utc(2026, 3, 29, 14), utc(2026, 3, 29, 20)]
    assert fires("every 6 hours", created, 1, created=created) == [utc(2026, 3, 29, 2)]
    assert fires("every 6 hours", utc(2026, 3, 29, 2), 1, created=created) == [utc(2026, 3, 29, 8)]
    assert fires("every 6 hours", utc(2026, 1, 1), 1, created=created) == [utc(2026, 3, 29, 2)]
    assert fires("every 15 minutes", utc(2026, 1, 1, 0, 1), 2) == [
        utc(2026, 1, 1, 0, 16),
        utc(2026, 1, 1, 0, 31),
    ]
    # six hours of elapsed time, whatever Berlin's clocks show across the change
    berlin = fires("every 6 hours Berlin time", created, 3, created=created)
    assert [b - a for a, b in pairwise(berlin)] == [timedelta(hours=6)] * 2


def test_next_fires_checks_its_arguments() -> None:
    daily = read_recurrence("daily")
    with pytest.raises(ValueError, match="timezone-aware"):
        next_fires(daily, datetime(2026, 1, 1), 1)  # noqa: DTZ001
    with pytest.raises(ValueError, match="between 1 and 1000"):
        next_fires(daily, utc(2026, 1, 1), 0)
    assert len(next_fires(read_recurrence("every minute"), utc(2026, 1, 1), 1000)) == 1000


def test_a_long_or_hostile_text_is_refused_quickly() -> None:
    started = time.perf_counter()
    for text in ("every " * 40, "at 1, " * 40, "0:" * 100, "monday and " * 20):
        with contextlib.suppress(RecurrenceError):
            read_recurrence(text[:200])
    assert time.perf_counter() - started < 1.0


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60))
def test_any_text_is_a_schedule_or_a_sentence(text: str) -> None:
    try:
        recurrence = read_recurrence(text)
    except RecurrenceError as error:
        assert str(error)
    else:
        assert recurrence.describe()


ZONES = ["Europe/Berlin", "America/New_York", "America/Santiago", "Australia/Lord_Howe",
         "Asia/Kolkata", "America/St_Johns", "Pacific/Chatham", "UTC"]  # fmt: skip
SCHEDULES = ["at 2:30", "every day at 02:00", "hourly", "at 00, 06, 12 and 18",
             "every weekday at 7pm", "first sunday of the month at 2:15", "*/20 1-3 * * *",
             "on the last day of the month at 23:30", "0 0 * * 0"]  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(
    schedule=st.sampled_from(SCHEDULES),
    zone=st.sampled_from(ZONES),
    after=st.datetimes(
        min_value=datetime(2025, 1, 1),  # noqa: DTZ001
        max_value=datetime(2030, 12, 31),  # noqa: DTZ001
        timezones=st.just(UTC),
    ),
)
def test_fires_are_the_scheduled_wall_times_once_each(
    schedule: str, zone: str, after: datetime
) -> None:
    recurrence = read_recurrence(f"{schedule} in {zone}")
    found = next_fires(recurrence, after, 40)
    assert len(found) == 40
    assert found[0] > after and all(a < b for a, b in pairwise(found))
    parsed, tz = _schedule(recurrence.cron or ""), ZoneInfo(zone)
    walls = [moment.astimezone(tz).replace(tzinfo=None) for moment in found]
    assert len(set(walls)) == len(walls)  # no wall-clock reading fires twice
    last_day = walls[-1].date()
    day, expected = after.astimezone(tz).date() - timedelta(days=1), set()
    while day <= last_day:
        if parsed.matches(day):
            expected.update(resolve_local(wall, tz) for wall in parsed.times(day))
        day += timedelta(days=1)
    assert found == sorted(moment for moment in expected if after < moment <= found[-1])


@pytest.mark.time_sensitive
class TestAtTheClock:
    """Schedules looked at from whatever instant the clock reads (``CF_TEST_NOW``)."""

    def test_the_next_nightly_fire_is_the_next_02_00(self) -> None:
        now = Clock().now()
        first = fires("every night at 2am", now, 1)[0]
        assert now < first <= now + timedelta(days=1)
        assert (first.hour, first.minute) == (2, 0)

    def test_weekday_evenings_in_berlin_from_now(self) -> None:
        now = Clock().now()
        found = [moment.astimezone(BERLIN) for moment in fires("weekdays at 19:00 CET", now, 10)]
        assert found[0] > now and found[0] - now <= timedelta(days=4)
        assert all(moment.weekday() < 5 and moment.hour == 19 for moment in found)

    def test_the_first_monday_is_in_the_first_week(self) -> None:
        now = Clock().now()
        found = fires("first monday of the month at 10:00", now, 12)
        assert [moment.day <= 7 and moment.weekday() == 0 for moment in found] == [True] * 12
        assert len({(moment.year, moment.month) for moment in found}) == 12

    def test_a_rate_from_now(self) -> None:
        now = Clock().now()
        assert fires("every 6 hours", now, 2, created=now) == [
            now + timedelta(hours=6),
            now + timedelta(hours=12),
        ]


@given(
    st.integers(min_value=0, max_value=3 * 24 * 60),
    st.sampled_from(["30 2 * * *", "0 19 * * 1-5", "*/20 * * * *", "0 0 29 2 *"]),
)
@settings(max_examples=60, deadline=None)
def test_the_remembered_next_fire_is_always_the_computed_one(minutes: int, cron: str) -> None:
    berlin = Recurrence(kind="cron", cron=cron, timezone="Europe/Berlin")
    start = utc(2026, 10, 24, 0, 0)  # across the fall-back night
    for now in (start + timedelta(minutes=minutes), start, start + timedelta(minutes=minutes)):
        assert next_fire(berlin, now) == next_fires(berlin, now, 1)[0]


def test_a_remembered_fire_time_is_dropped_once_it_passes_or_time_goes_back() -> None:
    nightly = Recurrence(kind="cron", cron="30 2 * * *", timezone="Europe/Berlin")
    assert next_fire(nightly, utc(2027, 3, 27, 12)) == utc(2027, 3, 28, 1)  # spring forward
    assert next_fire(nightly, utc(2027, 3, 28, 1)) == utc(2027, 3, 29, 0, 30)  # strictly after
    assert next_fire(nightly, utc(2027, 3, 1)) == utc(2027, 3, 1, 1, 30)  # clock moved back
    hourly = Recurrence(kind="rate", rate=timedelta(hours=6))
    assert next_fire(hourly, utc(2027, 1, 1, 1), created=utc(2027, 1, 1)) == utc(2027, 1, 1, 6)
    assert next_fire(hourly, utc(2027, 1, 1, 1), created=utc(2027, 1, 1, 0, 30)) == utc(
        2027, 1, 1, 6, 30
    )
