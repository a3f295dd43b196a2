"""The ticker on a clock the tests move: due fire times, catch-up, one run per fire time.

The clock starts at the current instant (``CF_TEST_NOW`` under ``make test-instants``), so the
schedules are also tried across a month's first second, a year's last minute and a leap day.
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta

import pytest
from sqlalchemy import delete

from core.clock import Clock
from core.durable import (
    Schedule,
    Ticker,
    current,
    latest_due,
    run_id_for,
    wait_for_run,
    workflow,
)
from core.durable.models import ScheduleCursor
from core.recurrence import Recurrence, read_recurrence
from core.settings import Settings
from tests.core.durable.effects import SetClock

pytestmark = pytest.mark.time_sensitive

MINUTE = timedelta(minutes=1)


@workflow("test_ticker.fired")
def fired(schedule_id: str, fire_at: str) -> str:
    """What a scheduled run was started with."""
    return f"{schedule_id}@{fire_at}"


def start() -> datetime:
    """Now, to the whole minute."""
    return Clock().now().replace(second=0, microsecond=0)


def every(minutes: int) -> Recurrence:
    """A rate of ``minutes``."""
    return Recurrence(kind="rate", rate=timedelta(minutes=minutes))


def schedule(name: str, recurrence: Recurrence, created: datetime) -> Schedule:
    """A schedule of the test workflow."""
    return Schedule(name, recurrence, created, fired)


def test_nothing_is_due_before_the_first_fire_time() -> None:
    created = start()
    five = schedule("s", every(5), created)
    assert latest_due(five, created, created + 4 * MINUTE) == (None, False)
    assert latest_due(five, created, created + 5 * MINUTE) == (created + 5 * MINUTE, False)


def test_after_downtime_only_the_latest_missed_fire_time_is_due() -> None:
    created = start()
    minutely = schedule("s", every(1), created)
    now = created + timedelta(days=10, seconds=30)

    began = time.perf_counter()
    assert latest_due(minutely, created, now) == (created + timedelta(days=10), True)
    assert time.perf_counter() - began < 1.0  # 14,400 missed fire times are not walked


def test_a_daily_schedule_missed_for_three_days_fires_for_the_last_day() -> None:
    created = start()
    nightly = schedule("n", read_recurrence("every day at 02:00"), created)
    now = created + timedelta(days=3, hours=1)
    fire_at, skipped = latest_due(nightly, created, now)
    assert fire_at is not None and skipped
    assert fire_at <= now < fire_at + timedelta(days=1)
    assert (fire_at.hour, fire_at.minute) == (2, 0)


def test_the_run_id_names_the_schedule_and_the_fire_time() -> None:
    fire_at = datetime.fromisoformat("2028-02-29T12:00:00+00:00")
    assert run_id_for("nightly-report", fire_at) == "wf-nightly-report-2028-02-29T12:00:00Z"


def test_the_ticker_starts_each_due_run_once_and_catches_up_once(
    engine_settings: Settings,
) -> None:
    created = start()
    clock = SetClock(created)
    schedules = [schedule("tick-a", every(5), created)]
    ticker = Ticker(current().db, clock, lambda: schedules)
    assert ticker.tick() == []

    clock.instant = created + 5 * MINUTE
    [first] = ticker.tick()
    assert (first.started, first.skipped) == (True, False)
    assert first.run_id == run_id_for("tick-a", created + 5 * MINUTE)
    assert ticker.tick() == []  # the cursor moved past it

    clock.instant = created + timedelta(hours=1, minutes=2)  # eleven fire times missed
    [catch_up] = ticker.tick()
    assert (catch_up.fire_at, catch_up.started, catch_up.skipped) == (
        created + timedelta(hours=1),
        True,
        True,
    )
    output = wait_for_run(catch_up.run_id, timeout_seconds=20).output
    assert output == f"tick-a@{(created + timedelta(hours=1)).isoformat()}"


def test_a_replica_with_a_stale_cursor_is_refused_the_same_run(
    engine_settings: Settings,
) -> None:
    created = start()
    clock = SetClock(created + 10 * MINUTE)
    schedules = [schedule("tick-b", every(10), created)]
    db = current().db
    one, other = Ticker(db, clock, lambda: schedules), Ticker(db, clock, lambda: schedules)

    [won] = one.tick()
    with db.session() as session:  # the other replica read the cursor before it moved
        session.execute(delete(ScheduleCursor).where(ScheduleCursor.schedule_id == "tick-b"))
    [lost] = other.tick()

    assert won.run_id == lost.run_id
    assert (won.started, lost.started) == (True, False)
    with db.session() as session:
        cursor = session.get(ScheduleCursor, "tick-b")
    assert cursor is not None and cursor.last_fire_at == created + 10 * MINUTE


def test_the_engine_ticks_on_its_own(engine_settings: Settings) -> None:
    engine = current()
    soon = engine.clock.now() + timedelta(milliseconds=300)
    pending = [schedule("tick-c", every(1), soon - MINUTE)]
    engine.start_ticker(lambda: pending)

    run_id = run_id_for("tick-c", soon)
    status = wait_for_run(run_id, timeout_seconds=20)

    assert status.output == f"tick-c@{soon.isoformat()}"
    pending.clear()


def test_a_leap_day_schedule_fires_for_its_latest_day_after_years_of_downtime() -> None:
    created = start()
    leap = schedule("leap", Recurrence(kind="cron", cron="0 12 29 2 *"), created)
    fire_at, _ = latest_due(leap, created, created + timedelta(days=2000))
    assert fire_at is not None and (fire_at.month, fire_at.day) == (2, 29)


def fires_between(recurrence: Recurrence, created: datetime, end: datetime) -> list[datetime]:
    """The fire times a ticker ticking every ten minutes from ``created`` to ``end`` handles."""
    nightly, cursor, fired_at = schedule("n", recurrence, created), created, []
    moment = created
    while moment <= end:
        due, _ = latest_due(nightly, cursor, moment)
        if due is not None:
            fired_at.append(due)
            cursor = due
        moment += timedelta(minutes=10)
    return fired_at


def utc(text: str) -> datetime:
    """An instant written in UTC."""
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def test_a_schedule_made_at_0159_for_2am_fires_at_0200() -> None:
    made = utc("2027-01-14T01:59:00Z")
    nightly = schedule("n", read_recurrence("every night at 2am"), made)
    assert latest_due(nightly, made, made + timedelta(seconds=59)) == (None, False)
    assert latest_due(nightly, made, utc("2027-01-14T02:00:00Z")) == (
        utc("2027-01-14T02:00:00Z"),
        False,
    )


def test_0230_berlin_fires_once_on_each_clock_change_day_and_at_0230_after() -> None:
    berlin = read_recurrence("every day at 02:30 Europe/Berlin")
    spring = fires_between(berlin, utc("2026-03-28T12:00:00Z"), utc("2026-03-30T12:00:00Z"))
    # 02:30 does not exist on 29 March: once, when the clocks resume (03:00 CEST)
    assert spring == [utc("2026-03-29T01:00:00Z"), utc("2026-03-30T00:30:00Z")]
    autumn = fires_between(berlin, utc("2026-10-24T12:00:00Z"), utc("2026-10-26T12:00:00Z"))
    # 02:30 happens twice on 25 October: once, at its first occurrence (CEST)
    assert autumn == [utc("2026-10-25T00:30:00Z"), utc("2026-10-26T01:30:00Z")]


def test_weekdays_at_19_berlin_are_19_local_in_winter_and_in_summer() -> None:
    weekdays = Recurrence(kind="cron", cron="0 19 * * 1-5", timezone="Europe/Berlin")
    winter = fires_between(weekdays, utc("2027-01-11T00:00:00Z"), utc("2027-01-12T23:00:00Z"))
    summer = fires_between(weekdays, utc("2027-07-12T00:00:00Z"), utc("2027-07-13T23:00:00Z"))
    assert winter == [utc("2027-01-11T18:00:00Z"), utc("2027-01-12T18:00:00Z")]
    assert summer == [utc("2027-07-12T17:00:00Z"), utc("2027-07-13T17:00:00Z")]


class _Scripted:
    """A monotonic clock that advances by what each beat's work takes, and a stop that never
    waits (the wait it was asked for is recorded and added to the clock)."""

    def __init__(self, work_seconds: list[float]) -> None:
        self.now, self.work, self.waits = 100.0, work_seconds, []

    def monotonic(self) -> float:
        return self.now

    def wait(self, seconds: float) -> bool:
        self.waits.append(round(seconds, 6))
        self.now += seconds
        return not self.work  # stop once every beat's work was done

    def is_set(self) -> bool:
        return False


def test_the_tick_loop_keeps_a_fixed_grid_and_skips_beats_missed_while_working(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from core.durable import engine

    scripted = _Scripted([0.03, 0.25, 0.0, 0.0])
    monkeypatch.setattr(engine.time, "monotonic", scripted.monotonic)
    for _ in engine.fixed_rate(0.1, scripted):  # type: ignore[arg-type]
        scripted.now += scripted.work.pop(0)
    # due at 100.1: work 0.03 -> wait 0.07 to 100.2; work 0.25 (to 100.45) misses 100.3 and
    # 100.4 -> next beat at 100.5; then on the grid again.
    assert scripted.waits == [0.1, 0.07, 0.05, 0.1, 0.1]
