"""What the policy refuses before any decision: denied plans and changes during a freeze."""

from __future__ import annotations

from dataclasses import dataclass

from approvals.audit import AuditLog
from approvals.errors import ApprovalRefused, ChangeFrozen, DeniedByPolicy
from approvals.freeze import FreezeSwitch
from approvals.models import ApprovalRequest
from approvals.policy import ApprovalPolicy
from core.clock import Clock
from tools.plan import ActionPlan
from tools.policy.engine import Decision


@dataclass
class PolicyGate:
    """Refuses new plans and clicks the policy or a freeze does not allow.

    Attributes:
        policy: the approval policy in force.
        freeze: the kill switch.
        audit: where refused plans are recorded.
        clock: the one source of "now".
    """

    policy: ApprovalPolicy
    freeze: FreezeSwitch
    audit: AuditLog
    clock: Clock

    def refuse_new(self, plan: ActionPlan, requester: str, decision: Decision) -> None:
        """Refuse a new plan while changes are frozen or when the policy denies it (audited).

        Args:
            plan: the plan asked for.
            requester: who asked.
            decision: the policy's decision on it.

        Raises:
            ChangeFrozen: the kill switch is on, or a freeze window covers the targets.
            DeniedByPolicy: the matching rule denies it.
        """
        switch = self.freeze.status()
        refusal: ApprovalRefused | None = None
        if switch.active:
            refusal = ChangeFrozen(switch.message() + " Nothing new is planned until it lifts.")
        elif decision.frozen:
            refusal = ChangeFrozen(decision.frozen + " Ask again when the window ends.")
        elif decision.outcome == "deny":
            refusal = DeniedByPolicy(
                f"The approval policy refuses this (rule {decision.rule!r}): {decision.reason}"
            )
        if refusal is not None:
            detail = {"tool": plan.tool, "rule": decision.rule, "reason": str(refusal)}
            self.audit.append(requester, "refused-by-policy", None, detail)
            raise refusal

    def refuse_click(self, request: ApprovalRequest) -> None:
        """Refuse a click on a pending card while changes are frozen, saying why.

        Args:
            request: the pending request clicked.

        Raises:
            ChangeFrozen: the kill switch is on, or a freeze window covers the targets now.
        """
        switch = self.freeze.status()
        if switch.active:
            raise ChangeFrozen(switch.message() + " This request stays pending until it lifts.")
        window = self.policy.frozen(request, self.clock.now())
        if window:
            raise ChangeFrozen(window + " This request stays pending until the window ends.")
