"""The ticker: records each schedule's due run, once across every replica, on the project's clock.

DBOS has a scheduler of its own, but it reads the wall clock; this one asks the ``Clock``, so
tests move time instead of waiting and a demo started at another instant fires at that instant.

On each ``tick()``, for each schedule: the fire times after its cursor (the last fire time
handled, shared in ``durable_schedule_cursor``; the schedule's creation time at first) up to
now are due. Only the **latest** due fire time gets a run; earlier ones, missed while no
replica ticked (downtime, a long pause), are skipped and logged, so a replica coming back
after downtime starts one catch-up run per schedule, never a storm. The run id is
``wf-<schedule id>-<fire time, ISO 8601 UTC>``: every replica that sees the same fire time asks
for the same id, and the engine refuses all but the first. A tick records all its due runs on
the ``SCHEDULED`` queue in one transaction (a burst at 09:00 is one commit, not one per
schedule), and each replica's queue thread starts them, a bounded number at a time. The
cursors then move forward in one upsert whose update is conditional (they never move back).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import col, select

from core.clock import Clock, as_utc
from core.db import Database
from core.durable.models import ScheduleCursor
from core.durable.queues import Start, WorkQueue, queue
from core.durable.registry import DurableWorkflow
from core.recurrence import MAX_FIRES, Recurrence, next_fire, next_fires

log = logging.getLogger(__name__)

SCHEDULED = queue("cf-scheduled", worker_concurrency=8)
"""Where scheduled runs wait between the tick that records them and their start."""

Enqueue = Callable[[WorkQueue, Sequence[Start]], set[str]]
"""Records runs on a queue in one transaction and returns the ids it created."""

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
        started: True when this replica recorded it; False when the run existed already.
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
    """Records due schedule runs; every replica may run one (duplicates are refused).

    Args:
        db: the SQL store holding the cursors.
        clock: what "now" is.
        schedules: returns the schedules to fire (read on every tick).
        enqueue: records runs on the engine's queue (the launched engine's by default).
    """

    def __init__(
        self,
        db: Database,
        clock: Clock,
        schedules: Callable[[], Sequence[Schedule]],
        enqueue: Enqueue | None = None,
    ) -> None:
        """Keep what ticks need."""
        self.db = db
        self.clock = clock
        self.schedules = schedules
        self.enqueue = enqueue or _engine_enqueue
        self._known: dict[str, datetime] | None = None
        """Schedule id -> cursor, as last read or moved here (read in full on the first tick)."""

    @staticmethod
    def _not_yet(schedule: Schedule, cursor: datetime, now: datetime) -> bool:
        """Whether ``schedule``'s next fire after ``cursor`` is still ahead of ``now``.

        ``next_fire`` remembers it until it passes, so a tick over a thousand schedules
        computes fire times only for those that changed or fell due.
        """
        upcoming = next_fire(schedule.recurrence, cursor, created=schedule.created_at)
        return upcoming is None or upcoming > now

    def tick(self) -> list[Fired]:
        """Record the run of every schedule with a due fire time, then move their cursors.

        Every due run of the tick goes onto the ``SCHEDULED`` queue in one transaction (a
        run id recorded before, by any replica, is left alone), and each replica's queue
        thread starts them. The cursors then move in one statement: a crash in between
        only makes the next tick ask again for runs the engine already holds.
        """
        now = self.clock.now()
        schedules = self.schedules()
        if self._known is None:
            self._known = self._cursors()
        candidates = [s for s in schedules if not self._not_yet(s, self._cursor(s), now)]
        if candidates:  # another replica may have fired them: ask the store, not memory
            self._known.update(self._cursors([s.id for s in candidates]))
        due: list[tuple[Schedule, datetime, bool]] = []
        for schedule in candidates:
            fire_at, skipped = latest_due(schedule, self._cursor(schedule), now)
            if fire_at is not None:
                due.append((schedule, fire_at, skipped))
        created = self.enqueue(SCHEDULED, [_start(*item[:2]) for item in due])
        fired = [_fired(schedule, fire_at, skipped, created) for schedule, fire_at, skipped in due]
        self._advance({fire.schedule_id: fire.fire_at for fire in fired})
        return fired

    def _cursor(self, schedule: Schedule) -> datetime:
        """How far ``schedule`` was fired, as this replica last read or moved it."""
        assert self._known is not None
        return self._known.get(schedule.id, as_utc(schedule.created_at))

    def _cursors(self, ids: list[str] | None = None) -> dict[str, datetime]:
        """The stored cursors (of ``ids``, or all)."""
        query = select(ScheduleCursor)
        if ids is not None:
            query = query.where(col(ScheduleCursor.schedule_id).in_(ids))
        with self.db.session() as session:
            rows = session.exec(query).all()
        return {row.schedule_id: row.last_fire_at for row in rows}

    def _advance(self, fire_times: dict[str, datetime]) -> None:
        """Move each schedule's cursor to its fire time, never back, in one transaction."""
        if not fire_times:
            return
        insert = self.db.insert(ScheduleCursor)
        later = col(ScheduleCursor.last_fire_at) < insert.excluded.last_fire_at
        statement = insert.on_conflict_do_update(
            index_elements=["schedule_id"],
            set_={"last_fire_at": insert.excluded.last_fire_at},
            where=later,
        )
        rows = [{"schedule_id": key, "last_fire_at": at} for key, at in fire_times.items()]
        with self.db.engine.begin() as connection:
            connection.execute(statement, rows)
        if self._known is not None:
            self._known.update(
                {key: max(at, self._known.get(key, at)) for key, at in fire_times.items()}
            )


def _start(schedule: Schedule, fire_at: datetime) -> Start:
    """The run of ``schedule`` for ``fire_at``: its workflow gets ``(id, fire time ISO)``."""
    return Start(
        schedule.workflow, run_id_for(schedule.id, fire_at), (schedule.id, fire_at.isoformat())
    )


def _fired(schedule: Schedule, fire_at: datetime, skipped: bool, created: set[str]) -> Fired:
    """What the tick did for ``schedule``."""
    if skipped:
        log.info("schedule %s: firing %s only, skipping missed ones", schedule.id, fire_at)
    run_id = run_id_for(schedule.id, fire_at)
    return Fired(schedule.id, fire_at, run_id, run_id in created, skipped)


def _engine_enqueue(work: WorkQueue, starts: Sequence[Start]) -> set[str]:
    """Enqueue through the launched engine."""
    from core.durable.engine import current

    return current().enqueuer.enqueue(work, starts)
