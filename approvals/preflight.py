"""Pre-flight when a plan is filed: would the action role be allowed to run it?

A tool with a ``dry_run`` sends its calls with ``DryRun=True`` under the action role (entered
as the requester, in a session named after the request); in live mode the others are asked of
the IAM policy simulator for each account the plan touches. A plan that would fail is recorded
so, its card says why, and no approval is accepted for it (``refuse_bound_to_fail``): the
requester fixes the action role's permissions and asks again.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import replace

from approvals.acting import acting_clients, preflight_acting
from approvals.errors import BoundToFail
from approvals.models import ApprovalRequest
from core.aws_action import action_role_arn
from tools.context import ToolContext
from tools.iam import action_role_permissions
from tools.plan import ActionPlan
from tools.preflight import PermissionCheck, WouldFail, simulate
from tools.registry import Registry, ToolSpec

log = logging.getLogger(__name__)
IAM_REGION = "us-east-1"


class Preflight:
    """Checks a new plan's permissions before anyone sees its card."""

    def __init__(self, registry: Registry, context_for: Callable[[str], ToolContext]) -> None:
        """Wire the check.

        Args:
            registry: where the plan's tool (its ``dry_run`` and permissions) is found.
            context_for: tool context acting for a user (its reading clients).
        """
        self.registry = registry
        self.context_for = context_for

    def __call__(self, plan: ActionPlan, requester: str, request_id: str) -> PermissionCheck | None:
        """The outcome for ``plan``, or None when its tool calls no AWS API (or is unknown).

        Args:
            plan: the plan being filed.
            requester: who asked (the pre-flight session's source identity).
            request_id: the request being filed (named in the session).
        """
        spec = self.registry.get(plan.tool) if plan.tool in self.registry else None
        if spec is None or not spec.permissions:
            return None
        try:
            return self._check(spec, plan, requester, request_id)
        except Exception:
            correlation = uuid.uuid4().hex[:12]
            log.exception("pre-flight of %s for %s failed [%s]", plan.tool, request_id, correlation)
            return PermissionCheck(
                status="unchecked",
                detail=f"the permission check could not run (reference {correlation})",
            )

    def _check(
        self, spec: ToolSpec, plan: ActionPlan, requester: str, request_id: str
    ) -> PermissionCheck:
        reading = self.context_for(requester)
        if spec.dry_run is not None:
            acting = acting_clients(reading.aws, preflight_acting(request_id, requester))
            try:
                spec.dry_run(replace(reading, aws=acting), plan)
            except WouldFail as refused:
                return PermissionCheck(status="would_fail", detail=str(refused))
            return PermissionCheck(status="passed", detail="EC2 dry run under the action role")
        if reading.settings.is_sandbox:
            return PermissionCheck(
                status="unchecked", detail="the sandbox has no IAM policy simulator"
            )
        return self._simulate(spec, plan, reading)

    def _simulate(self, spec: ToolSpec, plan: ActionPlan, reading: ToolContext) -> PermissionCheck:
        """Ask the IAM policy simulator about the tool's actions for each account's action role."""
        denied: list[str] = []
        for account in _accounts(plan, reading):
            role = action_role_arn(reading.settings, account)
            if role is None:
                return PermissionCheck(
                    status="unchecked",
                    detail=f"no action role is configured for account {account or 'primary'}",
                )
            iam = reading.aws.client("iam", IAM_REGION, account)
            actions = action_role_permissions(spec.permissions)
            denied += [f"{why} for role {role}" for why in simulate(iam, role, actions)]
        if denied:
            return PermissionCheck(status="would_fail", detail="; ".join(denied))
        return PermissionCheck(status="passed", detail="IAM policy simulator, action role")


def _accounts(plan: ActionPlan, reading: ToolContext) -> list[str | None]:
    """The account keys the plan touches (None = primary), primary when it names none."""
    known = set(reading.aws.accounts())
    found = {c.account if c.account in known else None for c in plan.changes}
    return sorted(found, key=lambda a: a or "") or [None]


def refuse_bound_to_fail(request: ApprovalRequest) -> None:
    """Refuse approving a request whose pre-flight found AWS would refuse it.

    Args:
        request: the pending request clicked.

    Raises:
        BoundToFail: its permission check said it would fail.
    """
    if request.preflight == "would_fail":
        raise BoundToFail(
            f"This would fail: {request.preflight_detail}. It cannot be approved; once the "
            "action role's permissions are fixed, the requester asks again."
        )
