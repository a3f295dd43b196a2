"""Progress of a long tool call, reported to whoever is waiting for it.

A surface (Slack, the console) opens ``reporting(sink)`` around one conversation turn; a tool
calls ``report(line)`` as it goes. The sink is context-local, so turns running side by side in
other threads never see each other's progress, and a tool with no one listening reports
nowhere.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

Sink = Callable[[str], None]

_SINK: ContextVar[Sink | None] = ContextVar("cloudfabric_progress", default=None)


def report(line: str) -> None:
    """Tell the waiting person how far the current tool has got.

    Args:
        line: one short line of plain text (the latest replaces the previous).
    """
    sink = _SINK.get()
    if sink is not None:
        sink(line)


def current() -> Sink | None:
    """The sink progress goes to in this context (None when no one is listening)."""
    return _SINK.get()


def listening() -> bool:
    """True when someone is waiting for progress in this context."""
    return _SINK.get() is not None


@contextmanager
def reporting(sink: Sink) -> Iterator[None]:
    """Send progress reported in this context (and tasks copied from it) to ``sink``; on the
    way out a ``Throttle`` sink shows the last line it held back.

    Args:
        sink: receives each progress line.
    """
    token = _SINK.set(sink)
    try:
        yield
    finally:
        _SINK.reset(token)
        if isinstance(sink, Throttle):
            sink.flush()


class Throttle:
    """A sink that passes the first line at once, then at most one line per ``interval``
    seconds; ``flush`` passes the last line if it was held back.

    ``show`` returns False when it could not show a line (it is then tried again later).
    """

    def __init__(
        self,
        show: Callable[[str], bool],
        interval: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """Wrap ``show``.

        Args:
            show: displays one line; False when it failed.
            interval: least time between two lines shown, in seconds.
            clock: monotonic seconds (replaceable in tests).
        """
        self.show = show
        self.interval = interval
        self.clock = clock
        self.latest: str | None = None
        self.shown: str | None = None
        self.shown_at: float | None = None

    def __call__(self, line: str) -> None:
        """Take the latest line; show it when it is time to."""
        self.latest = line
        if self.shown_at is None or self.clock() - self.shown_at >= self.interval:
            self._show(line)

    def flush(self) -> None:
        """Show the last line if the throttle held it back."""
        if self.latest is not None and self.latest != self.shown:
            self._show(self.latest)

    def _show(self, line: str) -> None:
        if self.show(line):
            self.shown = line
            self.shown_at = self.clock()
