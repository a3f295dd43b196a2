"""Runs an approved plan exactly once: claim APPROVED -> EXECUTING, verify the hash, run, record."""

from __future__ import annotations

import hashlib
import json
import logging
import uuid
from collections.abc import Callable

from sqlalchemy import update
from sqlmodel import col

from approvals.audit import AuditLog
from approvals.errors import AlreadyDecided, ApprovalNotFound, PlanTampered
from approvals.models import ApprovalRequest, ApprovalState
from core.clock import Clock
from core.db import Database
from tools.context import ToolContext
from tools.errors import ToolError
from tools.plan import ActionPlan
from tools.registry import Registry

log = logging.getLogger(__name__)
S = ApprovalState


class Executor:
    """The only component that calls a mutating tool's handler."""

    def __init__(
        self,
        db: Database,
        registry: Registry,
        audit: AuditLog,
        context_for: Callable[[str], ToolContext],
        clock: Clock | None = None,
    ) -> None:
        """Wire the executor.

        Args:
            db: the SQL store holding approval requests.
            registry: where the mutating tools are found.
            audit: the audit log.
            context_for: builds the tool context acting for a user.
            clock: the one source of "now" (the system clock by default).
        """
        self.clock = clock or Clock()
        self.db = db
        self.registry = registry
        self.audit = audit
        self.context_for = context_for

    def run(self, approval_id: str) -> ApprovalRequest:
        """Execute the approved request once and return its final state.

        Args:
            approval_id: a request in APPROVED state.
        """
        if not self._claim(approval_id):
            raise AlreadyDecided("This request is not waiting for execution; nothing was run.")
        request = self._load(approval_id)
        try:
            plan = self._verified_plan(request)
            spec = self.registry.get(plan.tool)
            if not spec.mutating:
                raise ToolError(f"{plan.tool} is not an action that runs through approvals.")
            result = spec.handler(self.context_for(request.requester), plan)
        except (ToolError, PlanTampered) as expected:
            return self._finish(request, S.FAILED, error=str(expected))
        except Exception as unexpected:
            correlation = uuid.uuid4().hex[:12]
            log.exception("execution of %s failed [%s]", approval_id, correlation)
            message = f"The action failed unexpectedly ({type(unexpected).__name__}); "
            return self._finish(request, S.FAILED, error=message + f"reference {correlation}.")
        return self._finish(
            request,
            S.SUCCEEDED,
            result_json=result.model_dump_json(),
            executed_plan_hash=plan.digest(),
        )

    def _claim(self, approval_id: str) -> bool:
        statement = (
            update(ApprovalRequest)
            .where(col(ApprovalRequest.id) == approval_id)
            .where(col(ApprovalRequest.state) == S.APPROVED)
            .values(state=S.EXECUTING)
        )
        with self.db.session() as session:
            return bool(session.execute(statement).rowcount == 1)  # type: ignore[attr-defined]

    def _load(self, approval_id: str) -> ApprovalRequest:
        with self.db.session() as session:
            request = session.get(ApprovalRequest, approval_id)
        if request is None:
            raise ApprovalNotFound(f"There is no approval request '{approval_id}'.")
        return request

    @staticmethod
    def _verified_plan(request: ApprovalRequest) -> ActionPlan:
        stored_hash = hashlib.sha256(request.plan_json.encode()).hexdigest()
        if stored_hash != request.plan_hash:
            raise PlanTampered("The stored plan differs from the approved one; nothing was run.")
        plan = ActionPlan.model_validate(json.loads(request.plan_json))
        if plan.digest() != request.plan_hash:
            raise PlanTampered("The stored plan differs from the approved one; nothing was run.")
        return plan

    def _finish(self, request: ApprovalRequest, state: S, **values: str) -> ApprovalRequest:
        statement = (
            update(ApprovalRequest)
            .where(col(ApprovalRequest.id) == request.id)
            .where(col(ApprovalRequest.state) == S.EXECUTING)
            .values(state=state, finished_at=self.clock.now(), **values)
        )
        with self.db.session() as session:
            session.execute(statement)
        detail = {"plan_hash": values.get("executed_plan_hash"), "error": values.get("error")}
        self.audit.append("executor", state.lower(), request.id, detail)
        return self._load(request.id)
