"""The one clock: every "now" in CloudFabric comes from a ``Clock``.

Nothing else reads the wall clock (lint bans ``datetime.now``, ``date.today``, ``utcnow``,
``time.time`` and ``time.time_ns`` outside this module). Durations are still measured with
``time.monotonic`` / ``time.perf_counter``, which are not "now" and are not banned.

Tests move time with time-machine, which this clock follows because it reads the wall clock
through ``datetime.now``. A process can also be started at a chosen instant
(``CF_CLOCK_START``): the clock then begins there and ticks forward in real time, which is how
child processes in multi-process tests share their parent's instant.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta


def _wall() -> datetime:
    return datetime.now(UTC)


def parse_instant(value: str) -> datetime:
    """An ISO 8601 instant as an aware UTC datetime (a bare value is taken as UTC).

    Args:
        value: e.g. ``2027-01-01T00:00:05Z`` or ``2028-02-29T12:00:00+00:00``.

    Raises:
        ValueError: the text is not an ISO 8601 date-time.
    """
    moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    return as_utc(moment)


def as_utc(moment: datetime) -> datetime:
    """``moment`` as aware UTC; a naive value is taken to be UTC already.

    Args:
        moment: any datetime.
    """
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


class Clock:
    """Tells the current instant, timezone-aware, in UTC.

    Args:
        start: when given, the clock reads this instant now and ticks forward from it.
    """

    def __init__(self, start: datetime | None = None) -> None:
        """Follow the system clock, shifted so that it reads ``start`` at this moment."""
        self._offset = timedelta(0) if start is None else as_utc(start) - _wall()

    def now(self) -> datetime:
        """The current instant (aware, UTC)."""
        return _wall() + self._offset

    def today(self) -> date:
        """The current day in UTC."""
        return self.now().date()

    def timestamp(self) -> float:
        """The current instant as POSIX seconds (for APIs that want ``time.time()``)."""
        return self.now().timestamp()

    def system_now(self) -> datetime:
        """What the system clock reads now, whatever instant this clock was started at.

        Only for libraries that schedule on the system clock themselves (APScheduler compares
        a job's next run time with its own ``datetime.now``); every "now" of CloudFabric is
        ``now()``.
        """
        return self.now() - self._offset

    @property
    def offset(self) -> timedelta:
        """How far this clock is ahead of the system clock (zero unless started elsewhere)."""
        return self._offset
