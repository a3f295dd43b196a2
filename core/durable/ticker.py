"""The ticker: starts each schedule's due run, once across every replica, on the project's clock.

DBOS has a scheduler of its own, but it reads the wall clock; this one asks the ``Clock``, so
tests move time instead of waiting and a demo started at another instant fires at that instant.

On each ``tick()``, for each schedule: the fire times after its cursor (the last fire time
handled, shared in ``durable_schedule_cursor``; the schedule's creation time at first) up to
now are due. Only the **latest** due fire time starts a run; earlier ones, missed while no
replica ticked (downtime, a long pause), are skipped and logged, so a replica coming back
after downtime starts one catch-up run per schedule, never a storm. The run id is
``wf-<schedule id>-<fire time, ISO 8601 UTC>``: every replica that sees the same fire time asks
for the same id, and the engine refuses all but the first. The cursor then moves forward with
a conditional UPDATE (it never moves back).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from core.clock import Clock, as_utc
from core.db import Database
from core.durable.models import ScheduleCursor
from core.durable.registry import DurableWorkflow
from core.durable.runs import RunExists, start_run
from core.recurrence import MAX_FIRES, Recurrence, next_fires

log = logging.getLogger(__name__)

_LOOKBACK = (timedelta(hours=1), timedelta(days=2), timedelta(days=40), timedelta(days=800))
"""Windows tried before now when a schedule has more than one due fire time."""


@dataclass(frozen=True)
class Schedule:
    """A recurring start of one workflow.

    Attributes:
        id: stable id (part of every run id it starts; at most 100 characters).
        recurrence: when it fires.
        created_at: when it was created (rates count from it; nothing fires before it).
        workflow: the durable workflow it starts, called with ``(schedule id, fire time ISO)``.
    """

    id: str
    recurrence: Recurrence
    created_at: datetime
    workflow: DurableWorkflow[[str, str], Any]


@dataclass(frozen=True)
class Fired:
    """What one tick did for one schedule.

    Attributes:
        schedule_id: the schedule.
        fire_at: the fire time handled (the latest due one).
        run_id: the run's deterministic id.
        started: True when this replica started it; False when the run existed already.
        skipped: earlier due fire times were skipped (missed during downtime).
    """

    schedule_id: str
    fire_at: datetime
    run_id: str
    started: bool
    skipped: bool


def run_id_for(schedule_id: str, fire_at: datetime) -> str:
    """The run id of ``schedule_id``'s fire at ``fire_at``: ``wf-<id>-<ISO UTC>``.

    Args:
        schedule_id: the schedule.
        fire_at: the fire time (aware).
    """
    stamp = as_utc(fire_at).isoformat().replace("+00:00", "Z")
    return f"wf-{schedule_id}-{stamp}"


def latest_due(schedule: Schedule, after: datetime, now: datetime) -> tuple[datetime | None, bool]:
    """The latest fire time in ``(after, now]``, and whether earlier ones in it are left out.

    Args:
        schedule: the schedule.
        after: its cursor (exclusive).
        now: the current instant (inclusive).
    """
    recurrence, created = schedule.recurrence, schedule.created_at
    first = next_fires(recurrence, after, 2, created=created)
    if not first or first[0] > now:
        return None, False
    if len(first) == 1 or first[1] > now:
        return first[0], False
    start = after  # several are due: look for the latest from a window just before now
    for window in _LOOKBACK:
        probe = now - window
        if probe <= after:
            break
        if [fire for fire in next_fires(recurrence, probe, 1, created=created) if fire <= now]:
            start = probe
            break
    latest = first[1]
    while True:
        batch = next_fires(recurrence, start, MAX_FIRES, created=created)
        due = [fire for fire in batch if fire <= now]
        if due:
            latest, start = due[-1], due[-1]
        if not due or len(due) < len(batch):
            return latest, True


class Ticker:
    """Starts due schedule runs; every replica may run one (duplicates are refused).

    Args:
        db: the SQL store holding the cursors.
        clock: what "now" is.
        schedules: returns the schedules to fire (read on every tick).
    """

    def __init__(
        self, db: Database, clock: Clock, schedules: Callable[[], Sequence[Schedule]]
    ) -> None:
        """Keep what ticks need."""
        self.db = db
        self.clock = clock
        self.schedules = schedules

    def tick(self) -> list[Fired]:
        """Start the run of every schedule with a due fire time, and move the cursors."""
        now = self.clock.now()
        fired: list[Fired] = []
        schedules = self.schedules()
        cursors = self._cursors()
        for schedule in schedules:
            cursor = cursors.get(schedule.id, as_utc(schedule.created_at))
            fire_at, skipped = latest_due(schedule, cursor, now)
            if fire_at is None:
                continue
            if skipped:
                log.info("schedule %s: firing %s only, skipping missed ones", schedule.id, fire_at)
            run_id = run_id_for(schedule.id, fire_at)
            try:
                start_run(schedule.workflow, run_id, schedule.id, fire_at.isoformat())
                started = True
            except RunExists:
                started = False
            self._advance(schedule.id, fire_at)
            fired.append(Fired(schedule.id, fire_at, run_id, started, skipped))
        return fired

    def _cursors(self) -> dict[str, datetime]:
        with self.db.session() as session:
            rows = session.exec(select(ScheduleCursor)).all()
        return {row.schedule_id: row.last_fire_at for row in rows}

    def _advance(self, schedule_id: str, fire_at: datetime) -> None:
        statement = (
            update(ScheduleCursor)
            .where(
                col(ScheduleCursor.schedule_id) == schedule_id,
                col(ScheduleCursor.last_fire_at) < fire_at,
            )
            .values(last_fire_at=fire_at)
        )
        with self.db.session() as session:
            if session.execute(statement).rowcount:  # type: ignore[attr-defined]
                return
            if session.get(ScheduleCursor, schedule_id) is not None:
                return  # another replica moved it as far already
        try:
            with self.db.session() as session:
                session.add(ScheduleCursor(schedule_id=schedule_id, last_fire_at=fire_at))
        except IntegrityError:  # another replica created it meanwhile
            self._advance(schedule_id, fire_at)
