"""Lengths and ends said in words are read at the clock into the instant a silence ends; what
cannot be read, is past, or is too long is refused with a sentence."""

from __future__ import annotations

from datetime import timedelta

import pytest

from core.clock import Clock
from core.until import read_until
from core.when import WhenError

LONGEST = timedelta(days=14)


@pytest.mark.parametrize(
    ("said", "length"),
    [
        ("2 hours", timedelta(hours=2)),
        ("for 2 hours", timedelta(hours=2)),
        ("for two hours", timedelta(hours=2)),
        ("2h", timedelta(hours=2)),
        ("for 30m", timedelta(minutes=30)),
        ("90 minutes", timedelta(minutes=90)),
        ("an hour", timedelta(hours=1)),
        ("half an hour", timedelta(minutes=30)),
        ("for the next 3 days", timedelta(days=3)),
        ("a day", timedelta(days=1)),
        ("overnight", timedelta(hours=12)),
    ],
)
def test_a_length_ends_that_long_after_now(said: str, length: timedelta) -> None:
    now = Clock().now()
    assert read_until(said, now, LONGEST) - now == length


def test_an_end_said_as_a_time_of_day_is_the_next_such_time() -> None:
    now = Clock().now()
    end = read_until("until 18:00", now, LONGEST)
    assert (end.hour, end.minute) == (18, 0)
    assert timedelta(0) < end - now <= timedelta(days=1)
    tomorrow = read_until("until tomorrow 9am", now, LONGEST)
    assert tomorrow.date() == (now + timedelta(days=1)).date() and tomorrow.hour == 9


@pytest.mark.parametrize(
    ("said", "why"),
    [
        ("for ever", "is not a length of time I can read"),
        ("banana", "is not a length of time I can read"),
        ("for 40 days", "longer than the 14 days allowed"),
    ],
)
def test_what_cannot_be_used_is_refused_with_the_reason(said: str, why: str) -> None:
    with pytest.raises(WhenError, match=why):
        read_until(said, Clock().now(), LONGEST)
