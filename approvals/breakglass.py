"""Break-glass: a member of the break-glass group runs a pending request without approval.

Reachable only from an explicit human command (``/cloudfabric break-glass <id> -- <why>``):
no tool exposes it, and an import contract keeps ``agents`` and ``tools`` from importing this
module, so no model output, alert text or tag can ever reach it. The request is approved on
the person's own say by the same conditional UPDATE a click makes (so it runs exactly once,
through the normal executor and its re-check), the audit records ``break-glass`` with the
justification, and a review card is posted to the request's approvers afterwards. Each person
may break glass ``per_day`` times in any 24 hours on the clock; the kill switch still holds.
"""

from __future__ import annotations

from datetime import timedelta

from approvals.binding import Origin, check_id
from approvals.errors import (
    AlreadyDecided,
    BreakGlassNotConfigured,
    BreakGlassRateLimited,
    ChangeFrozen,
    JustificationMissing,
    NotInBreakGlassGroup,
)
from approvals.escalation import ApprovalNotice
from approvals.models import ApprovalRequest, ApprovalState
from approvals.service import ApprovalService

ACTION = "break-glass"
JUSTIFICATION_LIMIT = 500
WINDOW = timedelta(hours=24)


class BreakGlass:
    """Runs pending requests without approval for members of the break-glass group."""

    def __init__(self, approvals: ApprovalService, group: str | None, per_day: int) -> None:
        """Wire break-glass.

        Args:
            approvals: the approval service (its store, executor, audit and policy).
            group: the break-glass group (a Slack user group or a configured group); None
                turns break-glass off.
            per_day: runs allowed per person in any 24 hours.
        """
        self.approvals = approvals
        self.group = group
        self.per_day = per_day

    def run(
        self, approval_id: str, user: str, justification: str, origin: Origin
    ) -> ApprovalRequest:
        """Approve ``approval_id`` on ``user``'s say, execute it once, and ask for a review.

        Args:
            approval_id: a pending request.
            user: who breaks glass.
            justification: why, in their words (kept in the audit and on the cards).
            origin: where the command was typed (its workspace must be the request's).

        Returns:
            The request in its final state.

        Raises:
            BreakGlassRefused: not configured, not a member, no justification, or too often.
            ApprovalRefused: the request cannot be decided (gone, decided, expired, frozen...).
        """
        service = self.approvals
        why = justification.strip()
        with service.audited_refusals(user, approval_id):
            self._check(user, why)
            request = service.pending(check_id(approval_id), origin)
            approved = service.store.transition(
                request.id, ApprovalState.PENDING, ApprovalState.APPROVED,
                service.approval_conditions(Origin(origin.workspace)), decided_by=user,
                decided_at=service.clock.now(), approved_by=user, break_glass=why,
            )  # fmt: skip
            if approved is None:
                raise AlreadyDecided("This request changed meanwhile; nothing was run.")
        detail = {"break_glass": True, "justification": why, "plan_hash": approved.plan_hash}
        service.audit.append(user, ACTION, approved.id, detail)
        final = service.executor.run(approved.id)
        service.announce(final)
        reviewers = service.policy.decision_of(final).approvers
        service.tell(ApprovalNotice("break-glass", final, reviewers, 0, 0))
        return final

    def _check(self, user: str, why: str) -> None:
        """Raise the refusal for ``user`` breaking glass with ``why`` now, if any."""
        if not self.group:
            raise BreakGlassNotConfigured(
                "Break-glass is not set up here: an admin sets CF_BREAK_GLASS_GROUP to the "
                "group allowed to use it. Nothing was run."
            )
        if user not in self.approvals.policy.members(self.group.lstrip("@")):
            raise NotInBreakGlassGroup(
                f"{user}, only members of @{self.group.lstrip('@')} may break glass; nothing "
                "was run. Ask an approver to approve the card instead."
            )
        if not why or len(why) > JUSTIFICATION_LIMIT:
            raise JustificationMissing(
                "Break-glass needs a justification of at most "
                f"{JUSTIFICATION_LIMIT} characters: "
                "`/cloudfabric break-glass <approval id> -- <why>`. Nothing was run."
            )
        since = self.approvals.clock.now() - WINDOW
        if self.approvals.audit.count(user, ACTION, since) >= self.per_day:
            raise BreakGlassRateLimited(
                f"{user}, you have used break-glass {self.per_day} times in the last 24 hours, "
                "as often as allowed; nothing was run. Ask an approver to approve the card."
            )
        if self.approvals.freeze.status().active:
            raise ChangeFrozen(
                self.approvals.freeze.status().message() + " Break-glass does not lift it."
            )
