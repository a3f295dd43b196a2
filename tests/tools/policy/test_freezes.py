"""Freeze windows: weekly, in a local zone, by environment or account, wrapping the weekend."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tools.policy.facts import RequestFacts
from tools.policy.freezes import active_freeze, covers, in_window
from tools.policy.models import Freeze

pytestmark = pytest.mark.time_sensitive

WEEKEND = Freeze(
    name="prod-weekend", environments=["prod"], zone="Europe/London",
    starts="Fri 16:00", ends="Mon 08:00", reason="weekend",
)  # fmt: skip
MIDWEEK = Freeze(name="release", accounts=["111111111111"], starts="Wed 10:00", ends="Wed 12:00")


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


@pytest.mark.parametrize(
    ("at", "frozen"),
    [
        (utc(2027, 1, 8, 15, 59), False),  # Friday 15:59 GMT
        (utc(2027, 1, 8, 16, 0), True),
        (utc(2027, 1, 10, 12, 0), True),  # Sunday
        (utc(2027, 1, 11, 7, 59), True),  # Monday 07:59
        (utc(2027, 1, 11, 8, 0), False),
        (utc(2027, 7, 9, 15, 0), True),  # Friday 16:00 BST is 15:00 UTC in summer
        (utc(2027, 7, 9, 14, 59), False),
    ],
)
def test_the_weekend_window_wraps_past_sunday_in_local_time(at: datetime, frozen: bool) -> None:
    assert in_window(WEEKEND, at) is frozen


def test_a_window_covers_its_environments_or_accounts() -> None:
    prod = RequestFacts(tool="ec2.stop_instances", risk="medium", targets=[{"environment": "prod"}])
    dev = RequestFacts(tool="ec2.stop_instances", risk="medium", accounts=["111111111111"])
    assert covers(WEEKEND, prod) and not covers(WEEKEND, dev)
    assert covers(MIDWEEK, dev) and not covers(MIDWEEK, prod)
    assert active_freeze([WEEKEND, MIDWEEK], dev, utc(2027, 1, 6, 11, 0)) == MIDWEEK
    assert active_freeze([WEEKEND, MIDWEEK], dev, utc(2027, 1, 6, 12, 0)) is None
