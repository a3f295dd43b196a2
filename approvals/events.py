"""Who hears about approval requests: listeners of final states, of approvals about to run,
and of escalation and expiry notices. A listener that fails is logged and never stops the others
or the decision that called them."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from approvals.escalation import ApprovalNotice
from approvals.models import ApprovalRequest

log = logging.getLogger(__name__)
Listener = Callable[[ApprovalRequest], None]
NoticeListener = Callable[[ApprovalNotice], None]


@dataclass(frozen=True)
class _Subscriber:
    listener: Listener
    caller_decisions: bool


class ApprovalEvents:
    """The listeners of one approval service, and how they are told."""

    def __init__(self) -> None:
        """No listeners yet."""
        self._final: list[_Subscriber] = []
        self._approved: list[Listener] = []
        self._notices: list[NoticeListener] = []

    def subscribe(self, listener: Listener, caller_decisions: bool = True) -> None:
        """Call ``listener`` whenever a request reaches a final state.

        Args:
            listener: receives the final ApprovalRequest.
            caller_decisions: also for decisions whose caller gets the outcome returned
                (``approve`` / ``reject``); False for listeners that only finish what nobody
                waits for (expiry, the crash sweep).
        """
        self._final.append(_Subscriber(listener, caller_decisions))

    def on_approved(self, listener: Listener) -> None:
        """Call ``listener`` when a request is approved, before it executes.

        Args:
            listener: receives the APPROVED request.
        """
        self._approved.append(listener)

    def on_notice(self, listener: NoticeListener) -> None:
        """Call ``listener`` with each escalation and expiry notice, once across replicas.

        Args:
            listener: receives the notice (a surface mentions its people in the thread).
        """
        self._notices.append(listener)

    def announce(self, request: ApprovalRequest) -> None:
        """Tell every final-state listener about ``request`` (no caller waits for it).

        Args:
            request: a request that reached a final state outside a click.
        """
        self._emit(request)

    def tell(self, notice: ApprovalNotice) -> None:
        """Give ``notice`` to the notice listeners.

        Args:
            notice: what to say in the request's thread.
        """
        self._tell(notice)

    def _tell(self, notice: ApprovalNotice) -> None:
        for listener in self._notices:
            try:
                listener(notice)
            except Exception:
                log.exception("approval notice listener failed for %s", notice.request.id)

    def _emit(self, request: ApprovalRequest, by_caller: bool = False) -> None:
        for subscriber in self._final:
            if by_caller and not subscriber.caller_decisions:
                continue
            safely(subscriber.listener, request)


def safely(listener: Listener, request: ApprovalRequest) -> None:
    """Call ``listener`` with ``request``; a failure is logged, never raised.

    Args:
        listener: the listener.
        request: what it is told.
    """
    try:
        listener(request)
    except Exception:
        log.exception("approval listener failed for %s", request.id)
