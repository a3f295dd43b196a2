"""Runs an approved plan exactly once: claim APPROVED -> EXECUTING, verify the hash, run, record.

The claim names its owner (this replica) and holds a lease that a heartbeat renews while the
action runs, so a deploy that takes minutes is never mistaken for a crash; only a claim whose
lease ran out (its process died) is picked up by the sweep, and then reported, never re-run.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime, timedelta

from sqlmodel import col

from approvals.acting import acting_clients, acting_for
from approvals.audit import AuditLog
from approvals.errors import AlreadyDecided, PlanTampered
from approvals.models import ApprovalRequest, ApprovalState
from approvals.preflight import Preflight
from approvals.recheck import Recheck, Void
from approvals.store import ApprovalStore
from core.clock import Clock
from tools.context import Approval, ToolContext
from tools.errors import ToolError
from tools.plan import ActionPlan
from tools.registry import Registry

log = logging.getLogger(__name__)
S = ApprovalState
DEFAULT_LEASE = timedelta(seconds=60)
Offer = Callable[[ApprovalRequest, ActionPlan], str | None]
"""Files a fresh request for the plan of now when one was voided; returns its id (or None)."""


class Executor:
    """The only component that calls a mutating tool's handler."""

    def __init__(
        self,
        store: ApprovalStore,
        registry: Registry,
        audit: AuditLog,
        context_for: Callable[[str], ToolContext],
        clock: Clock | None = None,
        owner: str | None = None,
        lease: timedelta = DEFAULT_LEASE,
    ) -> None:
        """Wire the executor.

        Args:
            store: the approval requests.
            registry: where the mutating tools are found.
            audit: the audit log.
            context_for: builds the tool context acting for a user.
            clock: the one source of "now" (the system clock by default).
            owner: who claims executions (this replica's id); a random one by default.
            lease: how long a claim holds without renewal; renewed every third of it.
        """
        self.store = store
        self.registry = registry
        self.audit = audit
        self.context_for = context_for
        self.clock = clock or Clock()
        self.owner = owner or f"executor-{uuid.uuid4().hex[:8]}"
        self.lease = lease
        self.recheck = Recheck(registry, context_for)
        self.preflight = Preflight(registry, context_for)
        self.offer: Offer | None = None

    def run(self, approval_id: str) -> ApprovalRequest:
        """Claim the approved request and execute it once; returns its final state.

        Args:
            approval_id: a request in APPROVED state.

        Raises:
            AlreadyDecided: another executor claimed it first (nothing ran here).
        """
        request = self.store.transition(
            approval_id, S.APPROVED, S.EXECUTING, owner=self.owner, lease_expires_at=self._until()
        )
        if request is None:
            raise AlreadyDecided("This request is not waiting for execution; nothing was run.")
        with self._heartbeat(approval_id):
            void = self._recheck(request)
            if void is not None:
                return self._void(request, void)
            state, values = self._execute(request)
        return self._finish(request, state, values)

    def _recheck(self, request: ApprovalRequest) -> Void | None:
        """Why the claimed plan may not run now (its targets moved), or None to run it."""
        try:
            return self.recheck(request, verified_plan(request))
        except PlanTampered:
            return None  # _execute fails it and says so
        except Exception:
            correlation = uuid.uuid4().hex[:12]
            log.exception("re-checking %s failed [%s]", request.id, correlation)
            return Void(f"Its targets could not be checked again (reference {correlation}).", None)

    def _void(self, request: ApprovalRequest, void: Void) -> ApprovalRequest:
        """End the claim VOIDED with the reason, nothing run; offer the plan of now."""
        mine = (col(ApprovalRequest.owner) == self.owner,)
        voided = self.store.transition(
            request.id, S.EXECUTING, S.VOIDED, mine, finished_at=self.clock.now(),
            lease_expires_at=None, reason=void.reason,
        )  # fmt: skip
        detail = {"plan_hash": request.plan_hash, "reason": void.reason}
        if voided is None:
            self.audit.append("executor", "voided-after-interruption", request.id, detail)
            found = self.store.get(request.id)
            assert found is not None
            return found
        self.audit.append("executor", "voided", request.id, detail)
        fresh = self.offer(voided, void.fresh) if self.offer and void.fresh else None
        if fresh is not None:
            self.store.set(request.id, replaced_by=fresh)
            voided.replaced_by = fresh
        return voided

    def _execute(self, request: ApprovalRequest) -> tuple[S, dict[str, str]]:
        try:
            plan = verified_plan(request)
            spec = self.registry.get(plan.tool)
            if not spec.mutating:
                raise ToolError(f"{plan.tool} is not an action that runs through approvals.")
            result = spec.handler(self._context(request), plan)
        except (ToolError, PlanTampered) as expected:
            return S.FAILED, {"error": str(expected)}
        except Exception as unexpected:
            correlation = uuid.uuid4().hex[:12]
            log.exception("execution of %s failed [%s]", request.id, correlation)
            message = f"The action failed unexpectedly ({type(unexpected).__name__}); "
            return S.FAILED, {"error": message + f"reference {correlation}."}
        return S.SUCCEEDED, {
            "result_json": result.model_dump_json(),
            "executed_plan_hash": plan.digest(),
        }

    def _context(self, request: ApprovalRequest) -> ToolContext:
        """The requester's tool context, knowing the request it runs for and who approved it,
        with AWS clients of this execution alone: the action roles, entered in the name of the
        approver whose approval completed it (``approvals.acting``)."""
        approval = Approval(
            request.id, request.approved_by or request.decided_by, request.conversation_id
        )
        reading = self.context_for(request.requester)
        aws = acting_clients(reading.aws, acting_for(request))
        return replace(reading, approval=approval, aws=aws)

    def _until(self) -> datetime:
        return self.clock.now() + self.lease

    @contextmanager
    def _heartbeat(self, approval_id: str) -> Iterator[None]:
        """Renew the lease every third of it until the action returns."""
        stop = threading.Event()

        def renew() -> None:
            mine = (col(ApprovalRequest.owner) == self.owner,)
            while not stop.wait(self.lease.total_seconds() / 3):
                self.store.transition(
                    approval_id, S.EXECUTING, None, mine, lease_expires_at=self._until()
                )

        beat = threading.Thread(target=renew, name=f"lease-{approval_id}", daemon=True)
        beat.start()
        try:
            yield
        finally:
            stop.set()
            beat.join(timeout=5)

    def _finish(
        self, request: ApprovalRequest, state: S, values: dict[str, str]
    ) -> ApprovalRequest:
        mine = (col(ApprovalRequest.owner) == self.owner,)
        final = self.store.transition(
            request.id, S.EXECUTING, state, mine, finished_at=self.clock.now(),
            lease_expires_at=None, **values,
        )  # fmt: skip
        detail = {
            "plan_hash": values.get("executed_plan_hash"),
            "error": values.get("error"),
            "source_identity": acting_for(request).source_identity,
        }
        if final is not None:
            self.audit.append("executor", state.lower(), request.id, detail)
            return final
        # The sweep declared it interrupted while it ran (this replica stalled past its lease):
        # keep that verdict, and record how the action really ended.
        self.audit.append("executor", f"{state.lower()}-after-interruption", request.id, detail)
        found = self.store.get(request.id)
        assert found is not None
        return found


def verified_plan(request: ApprovalRequest) -> ActionPlan:
    """The stored plan, after checking it is byte for byte the one that was approved.

    Args:
        request: the request being executed.

    Raises:
        PlanTampered: the stored plan or its hash was changed.
    """
    stored_hash = hashlib.sha256(request.plan_json.encode()).hexdigest()
    if stored_hash != request.plan_hash:
        raise PlanTampered("The stored plan differs from the approved one; nothing was run.")
    plan = ActionPlan.model_validate(json.loads(request.plan_json))
    if plan.digest() != request.plan_hash:
        raise PlanTampered("The stored plan differs from the approved one; nothing was run.")
    return plan
