"""Escalation: who is told, and when, while nobody decides a pending request.

A rule's escalation chain is recorded with the request, resolved level by level. Level 1 is
due at half the request's TTL, level 2 at three quarters, and each next level halfway through
the time left. The sweep of every replica looks for levels that are due; the one conditional
UPDATE that moves the request's ``escalation_level`` on wins the right to mention them, so each
level is told once however many replicas sweep. At expiry the requester and the last level of
the chain are told (the expiry's own conditional UPDATE makes that once too).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlmodel import col

from approvals.audit import AuditLog
from approvals.models import ApprovalRequest, ApprovalState
from approvals.policy import ApprovalPolicy
from approvals.store import ApprovalStore
from core.clock import Clock

NoticeKind = Literal["escalated", "expired", "break-glass"]


@dataclass(frozen=True)
class ApprovalNotice:
    """Something to say in a request's thread that no click caused.

    Attributes:
        kind: ``escalated`` (nobody decided yet), ``expired`` (nobody decided in time) or
            ``break-glass`` (it ran without approval: a review for its approvers).
        request: the request as the transition that caused the notice returned it.
        mention: principals to mention (user ids, ``@group`` or ``*``), in order.
        level: the escalation level reached (0 when the chain is empty).
        levels: how many levels the chain has.
    """

    kind: NoticeKind
    request: ApprovalRequest
    mention: list[str]
    level: int
    levels: int


def due_level(request: ApprovalRequest, levels: int, now: datetime) -> int:
    """How many escalation levels are due for ``request`` at ``now``.

    Level ``k`` is due at ``created + ttl * (1 - 1/2**k)``: half the TTL, then three
    quarters, and so on.

    Args:
        request: a pending request.
        levels: the number of levels in its chain.
        now: the clock's time.
    """
    ttl = request.expires_at - request.created_at
    reached = 0
    for level in range(1, levels + 1):
        if now < request.created_at + ttl * (1 - 0.5**level):
            break
        reached = level
    return reached


class Escalations:
    """Finds due escalation levels and the notice an expiry gives."""

    def __init__(
        self, store: ApprovalStore, policy: ApprovalPolicy, audit: AuditLog, clock: Clock
    ) -> None:
        """Wire the escalations.

        Args:
            store: the approval requests.
            policy: reads each request's recorded decision (its escalation chain).
            audit: records each escalation.
            clock: the one source of "now".
        """
        self.store = store
        self.policy = policy
        self.audit = audit
        self.clock = clock

    def levels(self, request: ApprovalRequest) -> list[list[str]]:
        """The request's escalation chain, level by level, as recorded when it was asked.

        Args:
            request: any approval request.
        """
        decision = self.policy.decision_of(request)
        return decision.escalation_levels or [[p] for p in decision.escalation]

    def due(self) -> list[ApprovalNotice]:
        """Move every pending request whose next level is due on, once; the notices to give."""
        now = self.clock.now()
        notices = []
        for request in self.store.pending(now):
            notice = self._escalate(request, now)
            if notice is not None:
                notices.append(notice)
        return notices

    def _escalate(self, request: ApprovalRequest, now: datetime) -> ApprovalNotice | None:
        chain = self.levels(request)
        reached = due_level(request, len(chain), now)
        told = request.escalation_level
        if reached <= told:
            return None
        row = ApprovalRequest
        unchanged = (col(row.escalation_level) == told, col(row.expires_at) > now)
        moved = self.store.transition(
            request.id, ApprovalState.PENDING, None, unchanged, escalation_level=reached
        )
        if moved is None:
            return None  # another replica told them, or it was decided meanwhile
        mention = _unique(p for level in chain[told:reached] for p in level)
        detail = {"level": reached, "of": len(chain), "mentioned": mention}
        self.audit.append("system", "escalated", request.id, detail)
        return ApprovalNotice("escalated", moved, mention, reached, len(chain))

    def expired(self, request: ApprovalRequest) -> ApprovalNotice:
        """The notice of a request that just expired: the requester and the last level.

        Args:
            request: the request as its expiry returned it.
        """
        chain = self.levels(request)
        target = chain[-1] if chain else []
        mention = _unique([request.requester, *target])
        return ApprovalNotice("expired", request, mention, len(chain), len(chain))


def _unique(principals: Iterable[str]) -> list[str]:
    out: list[str] = []
    for principal in principals:
        if principal not in out:
            out.append(principal)
    return out
