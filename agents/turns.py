"""A turn's time budget, and the fence that makes an abandoned turn harmless.

Python threads cannot be killed, so a turn that runs past its budget is not stopped: it is
fenced. The person is told at once, and from then on nothing the turn produces takes effect.
Every effect a turn can have outside its own thread (filing an approval request, posting
progress, its reply, its checkpointed steps) first goes through ``effect()``, which refuses
once the turn is fenced; the fence and each effect take the same lock, so an effect is either
wholly before the fence or never happens.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar, copy_context
from typing import TypeVar

from tools import progress

T = TypeVar("T")
log = logging.getLogger(__name__)
_CURRENT: ContextVar[Turn | None] = ContextVar("cloudfabric_turn", default=None)


class TurnAbandoned(Exception):
    """The turn was fenced: whatever it was about to do must not happen."""


class Turn:
    """One run of the agent for one message (or one resumption after a decision)."""

    def __init__(self) -> None:
        """A turn that has not started."""
        self._lock = threading.Lock()
        self._state = "waiting"
        self._began = False
        self._done = threading.Event()
        self._result: object = None
        self._error: BaseException | None = None
        self.filed: list[str] = []

    @property
    def started(self) -> bool:
        """True once the turn got its conversation and began to run."""
        return self._began

    @property
    def fenced(self) -> bool:
        """True once the turn ran past its budget and was fenced off."""
        return self._state == "fenced"

    def begin(self) -> None:
        """Mark the turn as running; raises ``TurnAbandoned`` when it was fenced while waiting."""
        with self._lock:
            if self._state == "fenced":
                raise TurnAbandoned
            self._state, self._began = "running", True

    @contextmanager
    def effect(self) -> Iterator[None]:
        """Hold the fence off while one effect happens; raises ``TurnAbandoned`` when fenced."""
        with self._lock:
            if self._state == "fenced":
                raise TurnAbandoned
            yield

    def fence(self) -> bool:
        """Fence the turn off unless it already finished; True when it is now fenced."""
        with self._lock:
            if self._state in ("waiting", "running"):
                self._state = "fenced"
            return self._state == "fenced"

    def _finish(self) -> bool:
        with self._lock:
            if self._state == "fenced":
                return False
            self._state = "done"
            return True

    def run_within(
        self,
        budget: float,
        work: Callable[[], T],
        undo: Callable[[list[str]], None] | None = None,
    ) -> T:
        """Run ``work`` in a thread of its own and wait at most ``budget`` seconds for it.

        ``work`` sees this turn as ``current()``, and progress reported in it is dropped once
        the turn is fenced. Its result counts only when it finishes before the fence.

        Args:
            budget: seconds the caller waits.
            work: the turn's body.
            undo: when the turn was fenced, called in its thread once it ends, with the ids of
                the approval requests it had filed before the fence.

        Raises:
            TurnAbandoned: the budget ran out and the turn is fenced off.
        """
        context = copy_context()
        thread = threading.Thread(
            target=context.run, args=(self._body, work, undo), name="turn", daemon=True
        )
        thread.start()
        if not self._done.wait(budget) and self.fence():
            raise TurnAbandoned
        self._done.wait()
        if self._error is not None:
            raise self._error
        return self._result  # type: ignore[return-value]

    def _body(self, work: Callable[[], object], undo: Callable[[list[str]], None] | None) -> None:
        _CURRENT.set(self)
        sink = progress.current()
        try:
            with progress.reporting(_fenced(self, sink)) if sink else _nothing():
                result = work()
            if self._finish():
                self._result = result
        except TurnAbandoned:
            pass
        except BaseException as error:  # noqa: BLE001 - handed to the waiting caller, re-raised there
            if self._finish():
                self._error = error
        finally:
            self._done.set()
        if self.fenced and self.filed and undo is not None:
            try:
                undo(list(self.filed))
            except Exception:
                log.exception("withdrawing the requests of an abandoned turn failed")


def filed(approval_id: str) -> None:
    """Record that the current turn filed ``approval_id`` (to withdraw it if fenced).

    Args:
        approval_id: the request just filed.
    """
    turn = _CURRENT.get()
    if turn is not None:
        turn.filed.append(approval_id)


def current() -> Turn | None:
    """The turn running in this context (None outside a turn)."""
    return _CURRENT.get()


def check() -> None:
    """Raise ``TurnAbandoned`` when the current turn has been fenced off."""
    turn = _CURRENT.get()
    if turn is not None and turn.fenced:
        raise TurnAbandoned


@contextmanager
def effect() -> Iterator[None]:
    """``Turn.effect`` of the current turn (nothing to hold off outside a turn)."""
    turn = _CURRENT.get()
    if turn is None:
        yield
        return
    with turn.effect():
        yield


def _fenced(turn: Turn, sink: progress.Sink) -> progress.Sink:
    def show(line: str) -> None:
        try:
            with turn.effect():
                sink(line)
        except TurnAbandoned:
            return

    return show


@contextmanager
def _nothing() -> Iterator[None]:
    yield
