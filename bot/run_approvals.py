"""Approval requests a workflow run files, shown in the workflow's thread as soon as they are.

A conversation turn posts the cards of the requests it files itself; a workflow run has no
turn, so its requests go through ``CardShowingFiler``: it files them with the approval service
and hands each fresh one (no card yet) to the surface, which posts the card. A request filed
again (a run replayed after a crash) already has its card and is not shown twice. Without a
surface, or when Slack refuses, the card stays unposted and the approval sweep retries it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from approvals.models import ApprovalRequest
from approvals.service import ApprovalService
from tools.plan import ActionPlan

log = logging.getLogger(__name__)

ShowCard = Callable[[ApprovalRequest], object]
"""Posts a pending request's card in its conversation's thread."""


class CardShowingFiler:
    """Files a run step's request and shows its card at once (``ApprovalFiler`` of a runner).

    Args:
        approvals: the approval service.
        show_card: returns the surface's card poster, or None while no surface is attached.
    """

    def __init__(self, approvals: ApprovalService, show_card: Callable[[], ShowCard | None]):
        """Keep the service and the way to reach the surface."""
        self.approvals = approvals
        self.show_card = show_card

    def request(
        self,
        plan: ActionPlan,
        requester: str,
        conversation_id: str | None = None,
        origin_key: str | None = None,
        workspace: str | None = None,
        longest_wait: timedelta | None = None,
    ) -> ApprovalRequest:
        """File ``plan`` (once per origin key) and post its card when it has none.

        Args:
            plan: what the approver sees.
            requester: the workflow's creator.
            conversation_id: the workflow's thread.
            origin_key: the run step's key, so a replayed run files once.
            workspace: the workspace decisions are honoured from.
            longest_wait: when the request expires at the latest (an approval step's wait).
        """
        filed = self.approvals.request(
            plan, requester, conversation_id, origin_key, workspace, longest_wait
        )
        show = self.show_card()
        if show is not None and filed.card_ts is None:
            try:
                show(filed)
            except Exception:  # the sweep posts it later; the run must not fail for a card
                log.exception("card of request %s not shown; the sweep retries it", filed.id)
        return filed

    def get(self, approval_id: str) -> Any:
        """The request ``approval_id``.

        Args:
            approval_id: its id.
        """
        return self.approvals.get(approval_id)
