"""On-call at an instant: handoffs at local wall-clock time, right across daylight saving."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from tools.policy.models import Rotation
from tools.policy.rotations import FileRotations, on_call_at

pytestmark = pytest.mark.time_sensitive

WEEKLY = Rotation(
    name="sre", zone="Europe/Paris", handoff=time(9, 0), every="week",
    start=date(2027, 3, 1), users=["ann", "ben", "cat"],
)  # fmt: skip
DAILY = Rotation(
    name="night", zone="America/New_York", handoff=time(9, 0), every="day",
    start=date(2027, 3, 12), users=["dan", "eve"],
)  # fmt: skip


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


@pytest.mark.parametrize(
    ("at", "who"),
    [
        (utc(2027, 3, 1, 7, 59), "ann"),  # before the first handoff: the first user
        (utc(2027, 3, 1, 8, 0), "ann"),  # 09:00 CET, the first handoff
        (utc(2027, 3, 8, 7, 59), "ann"),  # a minute before the second handoff
        (utc(2027, 3, 8, 8, 0), "ben"),
        (utc(2027, 3, 15, 8, 0), "cat"),
        (utc(2027, 3, 22, 8, 0), "ann"),  # round again
        # Paris moves to CEST on 28 March 2027: the handoff of 29 March is 09:00 local = 07:00 UTC
        (utc(2027, 3, 29, 6, 59), "ann"),
        (utc(2027, 3, 29, 7, 0), "ben"),
        # and back to CET on 31 October 2027: 1 November 09:00 local = 08:00 UTC
        (utc(2027, 11, 1, 7, 0), "ben"),  # 08:00 CET: not yet
        (utc(2027, 11, 1, 8, 0), "cat"),
    ],
)
def test_weekly_rotation_hands_off_at_nine_paris_time(at: datetime, who: str) -> None:
    assert on_call_at(WEEKLY, at) == who


def test_daily_rotation_across_the_us_spring_forward() -> None:
    # New York moves to EDT on 14 March 2027 at 02:00; 09:00 local is 14:00 UTC before, 13:00 after.
    assert on_call_at(DAILY, utc(2027, 3, 13, 13, 59)) == "dan"
    assert on_call_at(DAILY, utc(2027, 3, 13, 14, 0)) == "eve"
    assert on_call_at(DAILY, utc(2027, 3, 14, 12, 59)) == "eve"  # 08:59 EDT
    assert on_call_at(DAILY, utc(2027, 3, 14, 13, 0)) == "dan"  # 09:00 EDT


def test_the_file_provider_answers_by_rotation_name() -> None:
    rotations = FileRotations([WEEKLY, DAILY])
    assert rotations.on_call("sre", utc(2027, 3, 8, 8, 0)) == ["ben"]
    assert rotations.on_call("missing", utc(2027, 3, 8, 8, 0)) == []
