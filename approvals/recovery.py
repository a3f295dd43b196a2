"""Finishing what a crash left: approved requests nobody ran, executions cut off mid-way.

- A request APPROVED longer than a lease ago and never claimed (its process died between the
  decision and the claim) is claimed and executed now; the claim is still atomic, so it runs
  once however many replicas sweep.
- A request EXECUTING whose lease ran out (its executor died mid-call) is never run again
  blindly: its targets are read back, the request becomes INTERRUPTED with what AWS shows,
  and the conversation and the card are told.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from botocore.exceptions import BotoCoreError, ClientError
from sqlmodel import col

from approvals.audit import AuditLog
from approvals.errors import AlreadyDecided, PlanTampered
from approvals.executor import Executor, verified_plan
from approvals.models import ApprovalRequest, ApprovalState
from approvals.store import ApprovalStore
from core.clock import Clock
from tools.context import ToolContext
from tools.errors import ToolError
from tools.registry import Registry

log = logging.getLogger(__name__)
S = ApprovalState
Emit = Callable[[ApprovalRequest], None]


class Recovery:
    """The sweep that finishes or reports requests a crash left behind."""

    def __init__(
        self,
        store: ApprovalStore,
        executor: Executor,
        audit: AuditLog,
        registry: Registry,
        context_for: Callable[[str], ToolContext],
        clock: Clock,
    ) -> None:
        """Wire the sweep.

        Args:
            store: the approval requests.
            executor: claims and runs approved requests.
            audit: the audit log.
            registry: the tools (to read targets back).
            context_for: tool context acting for a user.
            clock: the one source of "now".
        """
        self.store = store
        self.executor = executor
        self.audit = audit
        self.registry = registry
        self.context_for = context_for
        self.clock = clock

    def sweep(self, emit: Emit) -> list[ApprovalRequest]:
        """Run stuck approved requests and report cut-off executions; returns what changed.

        Args:
            emit: called with each request that reached a final state here.
        """
        now = self.clock.now()
        done: list[ApprovalRequest] = []
        for request in self.store.approved_before(now - self.executor.lease):
            try:
                final = self.executor.run(request.id)
            except AlreadyDecided:
                continue  # another replica claimed it first
            self.audit.append("sweep", "resumed", request.id, _resumed(request, final))
            done.append(final)
        for request in self.store.lease_expired(now):
            interrupted = self.interrupt(request)
            if interrupted is not None:
                done.append(interrupted)
        for request in done:
            emit(request)
        return done

    def interrupt(self, request: ApprovalRequest) -> ApprovalRequest | None:
        """Mark a cut-off execution INTERRUPTED with its targets' state as read now.

        Args:
            request: an EXECUTING request whose lease ran out.

        Returns:
            The interrupted request, or None when its executor came back and finished first.
        """
        observed = self.observe(request)
        lease = col(ApprovalRequest.lease_expires_at)
        still_expired = (col(ApprovalRequest.owner) == request.owner) & (
            (lease <= self.clock.now()) | lease.is_(None)
        )
        interrupted = self.store.transition(
            request.id, S.EXECUTING, S.INTERRUPTED, (still_expired,),
            observed=observed, finished_at=self.clock.now(), lease_expires_at=None,
            error="The execution was cut off (its process stopped) and was not run again.",
        )  # fmt: skip
        if interrupted is not None:
            detail = {"owner": request.owner, "observed": observed}
            self.audit.append("sweep", "interrupted", request.id, detail)
        return interrupted

    def observe(self, request: ApprovalRequest) -> str:
        """What AWS shows of the request's targets now, in words.

        Args:
            request: the request whose execution was cut off.
        """
        try:
            plan = verified_plan(request)
            spec = self.registry.get(plan.tool)
        except (PlanTampered, KeyError) as error:
            return f"Its plan cannot be read back ({error})."
        labels = ", ".join(c.label for c in plan.changes) or "its targets"
        if spec.observe is None:
            return (
                f"CloudFabric cannot read {labels} back by itself: check them before asking again."
            )
        try:
            return spec.observe(self.context_for(request.requester), plan)
        except (ToolError, ClientError, BotoCoreError) as error:
            log.warning("reading back %s failed: %s", request.id, error)
            return f"{labels} could not be read back ({type(error).__name__}): check them."


def _resumed(approved: ApprovalRequest, final: ApprovalRequest) -> dict[str, str | None]:
    """The audit detail of a request the sweep ran: how it ended, and the decision it ran on.

    The process that approved it may have died before it audited the decision (that entry is
    written after the decision commits), so this one names the approver and the plan.
    """
    decided_at = approved.decided_at.isoformat() if approved.decided_at else None
    return {
        "state": final.state,
        "approved_by": approved.decided_by,
        "approved_at": decided_at,
        "plan_hash": approved.plan_hash,
    }
