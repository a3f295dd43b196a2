"""The approval lifecycle: request, decide (exactly one decision wins), execute once, audit."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from sqlalchemy import update
from sqlmodel import col, select

from approvals.audit import AuditLog
from approvals.binding import Origin, check_id, check_origin
from approvals.errors import (
    AlreadyDecided,
    ApprovalExpired,
    ApprovalNotFound,
    ApprovalRefused,
)
from approvals.executor import Executor
from approvals.models import ApprovalRequest, ApprovalState
from approvals.policy import ApprovalPolicy
from core.clock import Clock
from core.db import Database
from tools.plan import ActionPlan

log = logging.getLogger(__name__)
Listener = Callable[[ApprovalRequest], None]
S = ApprovalState


class ApprovalService:
    """Owns approval requests; the only path by which a mutating tool ever runs."""

    def __init__(
        self,
        db: Database,
        policy: ApprovalPolicy,
        audit: AuditLog,
        executor: Executor,
        ttl: timedelta = timedelta(minutes=60),
        clock: Clock | None = None,
    ) -> None:
        """Wire the service.

        Args:
            db: the SQL store.
            policy: who may approve what.
            audit: the hash-chained audit log.
            executor: runs approved plans.
            ttl: how long a request stays pending.
            clock: the one source of "now" (the system clock by default).
        """
        self.clock = clock or Clock()
        self.db = db
        self.policy = policy
        self.audit = audit
        self.executor = executor
        self.ttl = ttl
        self._listeners: list[Listener] = []

    def subscribe(self, listener: Listener) -> None:
        """Call ``listener`` whenever a request reaches a final state.

        Args:
            listener: receives the final ApprovalRequest.
        """
        self._listeners.append(listener)

    def _emit(self, request: ApprovalRequest) -> None:
        for listener in self._listeners:
            try:
                listener(request)
            except Exception:
                log.exception("approval listener failed for %s", request.id)

    # -- asking ---------------------------------------------------------------------------

    def request(
        self,
        plan: ActionPlan,
        requester: str,
        conversation_id: str | None = None,
        origin_key: str | None = None,
        workspace: str | None = None,
    ) -> ApprovalRequest:
        """Store a pending request for ``plan``; the same ``origin_key`` returns the same request.

        Args:
            plan: the resolved plan the approver will see and the executor will run.
            requester: who asked.
            conversation_id: where to report back.
            origin_key: idempotency key (conversation + tool call id).
            workspace: the workspace it was asked in; decisions are honoured only from there.
        """
        if origin_key and (existing := self._by_origin(origin_key)):
            return existing
        now = self.clock.now()
        request = ApprovalRequest(
            id=secrets.token_urlsafe(12),
            origin_key=origin_key,
            tool=plan.tool,
            plan_json=plan.canonical_json(),
            plan_hash=plan.digest(),
            risk=plan.risk,
            summary=plan.summary,
            requester=requester,
            conversation_id=conversation_id,
            workspace_id=workspace,
            created_at=now,
            expires_at=now + self.ttl,
        )
        with self.db.session() as session:
            session.add(request)
        self.audit.append(
            requester, "requested", request.id, {"plan_hash": request.plan_hash, "tool": plan.tool}
        )
        return request

    def _by_origin(self, origin_key: str) -> ApprovalRequest | None:
        with self.db.session() as session:
            query = select(ApprovalRequest).where(ApprovalRequest.origin_key == origin_key)
            return session.exec(query).first()

    # -- reading --------------------------------------------------------------------------

    def get(self, approval_id: str) -> ApprovalRequest:
        """The request with ``approval_id``; raises ``NoApprovalNamed`` or ``ApprovalNotFound``.

        Args:
            approval_id: opaque id from the button or the console.
        """
        check_id(approval_id)
        with self.db.session() as session:
            found = session.get(ApprovalRequest, approval_id)
        if found is None:
            raise ApprovalNotFound(f"There is no approval request '{approval_id}'.")
        return found

    def find(
        self,
        state: str | None = None,
        conversation_id: str | None = None,
        limit: int = 50,
        workspace: str | None = None,
    ) -> list[ApprovalRequest]:
        """Newest requests first, optionally filtered.

        Args:
            state: only this lifecycle state.
            conversation_id: only from this conversation.
            limit: at most this many.
            workspace: only from this workspace.
        """
        return find_requests(self.db, state, conversation_id, limit, workspace)

    def latest(self, conversation_id: str, pending_only: bool = True) -> ApprovalRequest | None:
        """The newest (pending) request of a conversation; None for no conversation (``''``).

        Args:
            conversation_id: the conversation.
            pending_only: skip requests already decided.
        """
        if not conversation_id:
            return None
        found = self.find(S.PENDING if pending_only else None, conversation_id, limit=1)
        return found[0] if found else None

    # -- deciding -------------------------------------------------------------------------

    def approve(
        self, approval_id: str, approver: str, origin: Origin | None = None
    ) -> ApprovalRequest:
        """Approve and execute; exactly one of any number of racing calls gets through.

        Every refusal is audited and leaves the request as it was.

        Args:
            approval_id: the request.
            approver: who clicked.
            origin: where the decision was made (every surface gives it); None only for
                in-process callers that are not a surface.
        """
        with self._audited_refusals(approver, approval_id):
            request = self._pending(approval_id, origin)
            self.policy.check(approver, request.requester, request.risk)
            if not self._transition(
                approval_id, S.PENDING, S.APPROVED, unexpired=True, decided_by=approver
            ):
                raise self._lost_race(approval_id)
        self.audit.append(approver, "approved", approval_id, {"plan_hash": request.plan_hash})
        final = self.executor.run(approval_id)
        self._emit(final)
        return final

    def reject(
        self,
        approval_id: str,
        user: str,
        reason: str | None = None,
        origin: Origin | None = None,
    ) -> ApprovalRequest:
        """Reject (or, by the requester, cancel) a pending request.

        Args:
            approval_id: the request.
            user: who clicked Reject.
            reason: why, shown on the card.
            origin: where the decision was made (see ``approve``).
        """
        with self._audited_refusals(user, approval_id):
            request = self._pending(approval_id, origin)
            target = S.CANCELLED if user == request.requester else S.REJECTED
            if target is S.REJECTED:
                self.policy.check(user, request.requester, request.risk)
            if not self._transition(approval_id, S.PENDING, target, decided_by=user, reason=reason):
                raise self._lost_race(approval_id)
        self.audit.append(user, target.lower(), approval_id, {"reason": reason})
        final = self.get(approval_id)
        self._emit(final)
        return final

    @contextmanager
    def _audited_refusals(self, user: str, approval_id: str) -> Iterator[None]:
        try:
            yield
        except ApprovalRefused as refusal:
            detail = {"refusal": type(refusal).__name__, "reason": str(refusal)}
            self.audit.append(user, "refused", approval_id, detail)
            raise

    def withdraw(self, approval_id: str, reason: str) -> bool:
        """Cancel a pending request on the system's behalf (its asker gave up on it).

        Args:
            approval_id: the request.
            reason: why, shown on the card.

        Returns:
            True when it was still pending and is now cancelled.
        """
        if not self._transition(approval_id, S.PENDING, S.CANCELLED, reason=reason):
            return False
        self.audit.append("system", "cancelled", approval_id, {"reason": reason})
        self._emit(self.get(approval_id))
        return True

    def expire_due(self) -> list[str]:
        """Mark every overdue pending request EXPIRED; returns their ids."""
        with self.db.session() as session:
            query = select(ApprovalRequest.id).where(
                ApprovalRequest.state == S.PENDING, ApprovalRequest.expires_at <= self.clock.now()
            )
            due = list(session.exec(query).all())
        return [approval_id for approval_id in due if self._expire(approval_id)]

    def _pending(self, approval_id: str, origin: Origin | None) -> ApprovalRequest:
        request = self.get(approval_id)
        if origin is not None:
            check_origin(request, origin)
        if request.lifecycle is not S.PENDING:
            raise self._lost_race(approval_id)
        if request.expires_at <= self.clock.now():
            self._expire(approval_id)
            raise ApprovalExpired(self._expired_message(request))
        return request

    def _expire(self, approval_id: str) -> bool:
        if not self._transition(approval_id, S.PENDING, S.EXPIRED, reason="expired"):
            return False
        self.audit.append("system", "expired", approval_id, {})
        self._emit(self.get(approval_id))
        return True

    def _transition(
        self, approval_id: str, expected: S, target: S, unexpired: bool = False, **values: Any
    ) -> bool:
        """Conditional UPDATE: only succeeds while the row is still in ``expected``."""
        now = self.clock.now()
        if "decided_by" in values:
            values["decided_at"] = now
        statement = (
            update(ApprovalRequest)
            .where(col(ApprovalRequest.id) == approval_id)
            .where(col(ApprovalRequest.state) == expected)
            .values(state=target, **values)
        )
        if unexpired:
            statement = statement.where(col(ApprovalRequest.expires_at) > now)
        with self.db.session() as session:
            result = session.execute(statement)
        return bool(result.rowcount == 1)  # type: ignore[attr-defined]

    def _lost_race(self, approval_id: str) -> ApprovalRefused:
        current = self.get(approval_id)
        if current.lifecycle is S.EXPIRED:
            return ApprovalExpired(self._expired_message(current))
        who = f" by {current.decided_by}" if current.decided_by else ""
        verb = {S.REJECTED: "rejected", S.CANCELLED: "cancelled"}.get(current.lifecycle, "approved")
        ran = {S.SUCCEEDED: " and has run", S.FAILED: " and has run (it failed)"}.get(
            current.lifecycle, ""
        )
        return AlreadyDecided(f"This request was already {verb}{who}{ran}; nothing was run again.")

    @staticmethod
    def _expired_message(request: ApprovalRequest) -> str:
        return (
            f"This request expired at {request.expires_at:%Y-%m-%d %H:%M} UTC and "
            "can no longer be approved. Ask again to get a fresh plan."
        )

    def record_card(self, approval_id: str, channel: str, ts: str) -> None:
        """Remember where the approval card was posted, to update it in place later.

        Args:
            approval_id: the request.
            channel: Slack channel id.
            ts: message timestamp of the card.
        """
        statement = (
            update(ApprovalRequest)
            .where(col(ApprovalRequest.id) == approval_id)
            .values(card_channel=channel, card_ts=ts)
        )
        with self.db.session() as session:
            session.execute(statement)


def find_requests(
    db: Database,
    state: str | None = None,
    conversation_id: str | None = None,
    limit: int = 50,
    workspace: str | None = None,
) -> list[ApprovalRequest]:
    """Newest approval requests first, optionally filtered (no service needed).

    A filter given as ``''`` matches only that value: an empty conversation or workspace never
    means "any".

    Args:
        db: the SQL store.
        state: only this lifecycle state.
        conversation_id: only from this conversation.
        limit: at most this many.
        workspace: only from this workspace.
    """
    query = select(ApprovalRequest).order_by(col(ApprovalRequest.created_at).desc())
    if state:
        query = query.where(ApprovalRequest.state == state)
    if conversation_id is not None:
        query = query.where(ApprovalRequest.conversation_id == conversation_id)
    if workspace is not None:
        query = query.where(ApprovalRequest.workspace_id == workspace)
    with db.session() as session:
        return list(session.exec(query.limit(limit)).all())
