"""The approval lifecycle: request, decide (exactly one decision wins), execute once, audit.

A request is decided by the approval policy when it is asked (refused outright when a rule
denies it or changes are frozen) and records that decision: its rule, approvers and count. A
click reads the row, checks the clicker against the recorded decision and any freeze, then makes
the decision with a conditional ``UPDATE ... RETURNING`` that also checks expiry, the workspace
and the card, so a refusal changes nothing. When several people must approve, each approval is a
vote row (one per person) and the same statement counts it; the vote that completes the quorum
approves. The executor's claim and its finish are the other two statements of a click that runs.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from sqlmodel import col

from approvals.audit import AuditLog
from approvals.binding import Origin, check_id, check_origin
from approvals.errors import (
    AlreadyDecided,
    ApprovalExpired,
    ApprovalNotFound,
    ApprovalRefused,
)
from approvals.escalation import ApprovalNotice, Escalations
from approvals.events import ApprovalEvents, Listener, safely
from approvals.executor import Executor
from approvals.freeze import FreezeSwitch
from approvals.gate import PolicyGate
from approvals.models import ApprovalRequest, ApprovalState
from approvals.policy import ApprovalPolicy
from approvals.preflight import refuse_bound_to_fail
from approvals.recovery import Recovery
from approvals.store import ApprovalStore, Condition
from core.clock import Clock
from core.db import Database
from tools.plan import ActionPlan

log = logging.getLogger(__name__)
S = ApprovalState


class ApprovalService(ApprovalEvents):
    """Owns approval requests; the only path by which a mutating tool ever runs."""

    def __init__(
        self,
        db: Database,
        policy: ApprovalPolicy,
        audit: AuditLog,
        executor: Executor,
        ttl: timedelta = timedelta(minutes=60),
        clock: Clock | None = None,
        recovery: Recovery | None = None,
        freeze: FreezeSwitch | None = None,
    ) -> None:
        """Wire the service.

        Args:
            db: the SQL store.
            policy: who may approve what.
            audit: the hash-chained audit log.
            executor: runs approved plans.
            ttl: how long a request stays pending.
            clock: the one source of "now" (the system clock by default).
            recovery: the crash sweep (``recover``); none by default.
            freeze: the change-freeze kill switch (read from ``db`` by default).
        """
        self.clock = clock or Clock()
        self.db = db
        self.store = ApprovalStore(db)
        self.policy = policy
        self.audit = audit
        self.executor = executor
        self.recovery = recovery
        self.ttl = ttl
        self.freeze = freeze or FreezeSwitch(db, self.clock, audit)
        self.gate = PolicyGate(policy, self.freeze, audit, self.clock)
        self.escalations = Escalations(self.store, policy, audit, self.clock)
        executor.offer = self._offer_fresh
        ApprovalEvents.__init__(self)

    # -- asking ---------------------------------------------------------------------------

    def request(
        self,
        plan: ActionPlan,
        requester: str,
        conversation_id: str | None = None,
        origin_key: str | None = None,
        workspace: str | None = None,
        longest_wait: timedelta | None = None,
    ) -> ApprovalRequest:
        """Store a pending request for ``plan``; the same ``origin_key`` returns the same request.

        Args:
            plan: the resolved plan the approver will see and the executor will run.
            requester: who asked.
            conversation_id: where to report back.
            origin_key: idempotency key (conversation + tool call id).
            workspace: the workspace it was asked in; decisions are honoured only from there.
            longest_wait: how long the asker waits at most (a workflow's approval step); the
                request expires at the earlier of this and the policy's TTL.

        Returns:
            The PENDING request, or the executed one when a rule auto-approves it (one the
            pre-flight permission check says would fail stays PENDING, and cannot be approved).

        Raises:
            ChangeFrozen: the kill switch is on, or a freeze window covers the targets.
            DeniedByPolicy: the matching rule denies such requests.
        """
        if origin_key and (existing := self.store.by_origin(origin_key)):
            return existing
        now = self.clock.now()
        facts = self.policy.facts(plan, requester)
        decision = self.policy.decide(facts, now)
        self.gate.refuse_new(plan, requester, decision)
        ttl = timedelta(minutes=decision.ttl_minutes) if decision.ttl_minutes else self.ttl
        ttl = min(ttl, longest_wait) if longest_wait else ttl
        approval_id = secrets.token_urlsafe(12)
        check = self.executor.preflight(plan, requester, approval_id)
        request = self.store.add(
            ApprovalRequest(
                id=approval_id,
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
                expires_at=now + ttl,
                policy_rule=decision.rule,
                decision_json=decision.model_dump_json(),
                facts_json=facts.model_dump_json(),
                required_approvals=sum(g.count for g in decision.owner_groups) or decision.count,
                preflight=check.status if check else None,
                preflight_detail=check.detail if check else None,
            )
        )
        detail = {"plan_hash": request.plan_hash, "tool": plan.tool, "rule": decision.rule}
        if check is not None:
            detail["preflight"] = f"{check.status}: {check.detail}"
        self.audit.append(requester, "requested", request.id, detail)
        if decision.outcome == "auto_approve" and not (check and check.bound_to_fail):
            return self._auto_approve(request, decision.rule)
        return request

    def _auto_approve(self, request: ApprovalRequest, rule: str) -> ApprovalRequest:
        """Approve on the policy's behalf (a rule said so explicitly) and execute at once."""
        who = f"policy:{rule}"
        approved = self.store.transition(
            request.id, S.PENDING, S.APPROVED, decided_by=who, decided_at=self.clock.now()
        )
        if approved is None:
            return self.get(request.id)
        self.audit.append(who, "approved", request.id, {"plan_hash": approved.plan_hash})
        for listener in self._approved:
            safely(listener, approved)
        final = self.executor.run(request.id)
        self._emit(final)
        return final

    def _offer_fresh(self, voided: ApprovalRequest, plan: ActionPlan) -> str | None:
        """File the plan of now for a request the re-check voided; its id, or None when the
        policy refuses it now (the refusal is audited)."""
        try:
            fresh = self.request(
                plan, voided.requester, voided.conversation_id, f"recheck:{voided.id}",
                voided.workspace_id,
            )  # fmt: skip
        except ApprovalRefused as refusal:
            log.info("no fresh request for voided %s: %s", voided.id, refusal)
            return None
        return fresh.id

    # -- reading --------------------------------------------------------------------------

    def get(self, approval_id: str) -> ApprovalRequest:
        """The request with ``approval_id``; raises ``NoApprovalNamed`` or ``ApprovalNotFound``.

        Args:
            approval_id: opaque id from the button or the console.
        """
        found = self.store.get(check_id(approval_id))
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
        """Newest requests first, optionally filtered (``''`` never means "any").

        Args:
            state: only this lifecycle state.
            conversation_id: only from this conversation.
            limit: at most this many.
            workspace: only from this workspace.
        """
        return self.store.find(state, conversation_id, limit, workspace)

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
        self,
        approval_id: str,
        approver: str,
        origin: Origin | None = None,
        on_approved: Listener | None = None,
    ) -> ApprovalRequest:
        """Approve and execute; exactly one of any number of racing calls gets through.

        A request that needs several people stays PENDING until the last approval needed (the
        caller then gets the PENDING row with its count); each person counts once and the
        requester never does. Every refusal is audited and leaves the request as it was.
        Listeners that asked for caller decisions hear the outcome; the caller gets it returned.

        Args:
            approval_id: the request.
            approver: who clicked.
            origin: where the decision was made (every surface gives it); None only for
                in-process callers that are not a surface.
            on_approved: called with the approved request before it executes (a surface
                learns there which conversation to show the execution's progress in).
        """
        with self._audited_refusals(approver, approval_id):
            check_id(approval_id)
            request = self._pending(approval_id, origin)
            self.gate.refuse_click(request)
            refuse_bound_to_fail(request)
            decision = self.policy.decision_of(request)
            self.policy.check_decision(approver, request.requester, decision, request.risk)
            conditions = self._may_approve(origin)
            if decision.owner_groups:
                groups = decision.owner_groups
                approved = self.store.vote(
                    approval_id, approver, self.clock.now(), conditions,
                    complete=lambda voters: all(g.met(voters) for g in groups),
                )  # fmt: skip
            elif request.required_approvals > 1:
                approved = self.store.vote(approval_id, approver, self.clock.now(), conditions)
            else:
                approved = self.store.transition(
                    approval_id, S.PENDING, S.APPROVED, conditions,
                    decided_by=approver, decided_at=self.clock.now(), approvals=1,
                    approved_by=approver,
                )  # fmt: skip
            if approved is None:
                raise self._lost_race(approval_id)
        if approved.lifecycle is S.PENDING:
            progress = {"approvals": approved.approvals, "needed": approved.required_approvals}
            self.audit.append(approver, "approved-partially", approval_id, progress)
            return approved
        detail = {"plan_hash": approved.plan_hash, "approvers": approved.approvers_so_far}
        self.audit.append(approver, "approved", approval_id, detail)
        for listener in [*self._approved, *([on_approved] if on_approved else [])]:
            safely(listener, approved)
        final = self.executor.run(approval_id)
        self._emit(final, by_caller=True)
        return final

    def _may_approve(self, origin: Origin | None) -> tuple[Condition, ...]:
        """Expiry and origin as SQL conditions on the pending row (the policy was checked on
        the row's recorded decision, which never changes)."""
        row = ApprovalRequest
        conditions = [col(row.expires_at) > self.clock.now()]
        if origin is not None:
            conditions.append(col(row.workspace_id) == origin.workspace)
            if origin.channel is not None:
                conditions.append(col(row.card_channel) == origin.channel)
        return tuple(conditions)

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
                self.policy.check_request(user, request)
            final = self.store.transition(
                approval_id, S.PENDING, target, decided_by=user, decided_at=self.clock.now(),
                reason=reason,
            )  # fmt: skip
            if final is None:
                raise self._lost_race(approval_id)
        self.audit.append(user, target.lower(), approval_id, {"reason": reason})
        self._emit(final, by_caller=True)
        return final

    @contextmanager
    def audited_refusals(self, user: str, approval_id: str) -> Iterator[None]:
        """Audit every refusal raised inside as ``refused`` by ``user``, then re-raise it.

        Args:
            user: who was refused.
            approval_id: the request concerned.
        """
        with self._audited_refusals(user, approval_id):
            yield

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
        final = self.store.transition(approval_id, S.PENDING, S.CANCELLED, reason=reason)
        if final is None:
            return False
        self.audit.append("system", "cancelled", approval_id, {"reason": reason})
        self._emit(final)
        return True

    def expire_due(self) -> list[str]:
        """Mark every overdue pending request EXPIRED; returns their ids."""
        return [i for i in self.store.overdue(self.clock.now()) if self._expire(i)]

    def escalate_due(self) -> list[ApprovalNotice]:
        """Mention the escalation levels now due of every pending request, each level once.

        Returns:
            The notices given by this call (another replica's sweep gives the others).
        """
        notices = self.escalations.due()
        for notice in notices:
            self._tell(notice)
        return notices

    def recover(self) -> list[ApprovalRequest]:
        """Finish what a crash left: run stuck approved requests, report cut-off executions.

        Returns:
            The requests that reached a final state in this sweep.
        """
        if self.recovery is None:
            return []
        return self.recovery.sweep(self._emit)

    def sweep(self) -> None:
        """The periodic sweep: expiry, escalation, then crash recovery (one failing step does
        not stop the others)."""
        for step in (self.expire_due, self.escalate_due, self.recover):
            try:
                step()
            except Exception:
                log.exception("approval sweep step %s failed", step.__name__)

    def pending(self, approval_id: str, origin: Origin | None) -> ApprovalRequest:
        """The pending request ``approval_id`` as ``origin`` may decide it (else the refusal).

        Args:
            approval_id: the request.
            origin: where the decision comes from.
        """
        return self._pending(approval_id, origin)

    def approval_conditions(self, origin: Origin | None) -> tuple[Condition, ...]:
        """Expiry and origin as SQL conditions on a pending row being approved.

        Args:
            origin: where the decision comes from.
        """
        return self._may_approve(origin)

    def _pending(self, approval_id: str, origin: Origin | None) -> ApprovalRequest:
        request = self.get(approval_id)
        if origin is not None:
            check_origin(request, origin)
        if request.lifecycle is not S.PENDING:
            raise self._lost_race(approval_id, request)
        if request.expires_at <= self.clock.now():
            self._expire(approval_id)
            raise ApprovalExpired(self._expired_message(request))
        return request

    def _expire(self, approval_id: str) -> bool:
        overdue = (col(ApprovalRequest.expires_at) <= self.clock.now(),)
        final = self.store.transition(approval_id, S.PENDING, S.EXPIRED, overdue, reason="expired")
        if final is None:
            return False
        self.audit.append("system", "expired", approval_id, {})
        self._emit(final)
        self._tell(self.escalations.expired(final))
        return True

    def _lost_race(
        self, approval_id: str, current: ApprovalRequest | None = None
    ) -> ApprovalRefused:
        current = current if current is not None else self.get(approval_id)
        if current.lifecycle is S.EXPIRED:
            return ApprovalExpired(self._expired_message(current))
        if current.lifecycle is S.PENDING:
            return AlreadyDecided("This request changed while you decided; nothing was run.")
        who = f" by {current.decided_by}" if current.decided_by else ""
        verb = {S.REJECTED: "rejected", S.CANCELLED: "cancelled"}.get(current.lifecycle, "approved")
        ran = {
            S.SUCCEEDED: " and has run",
            S.FAILED: " and has run (it failed)",
            S.INTERRUPTED: " and its run was cut off",
            S.VOIDED: " and was voided before it ran",
        }.get(current.lifecycle, "")
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
        self.store.set(approval_id, card_channel=channel, card_ts=ts)


def find_requests(
    db: Database,
    state: str | None = None,
    conversation_id: str | None = None,
    limit: int = 50,
    workspace: str | None = None,
) -> list[ApprovalRequest]:
    """Newest approval requests first, optionally filtered (no service needed).

    Args:
        db: the SQL store.
        state: only this lifecycle state.
        conversation_id: only from this conversation.
        limit: at most this many.
        workspace: only from this workspace.
    """
    return ApprovalStore(db).find(state, conversation_id, limit, workspace)
