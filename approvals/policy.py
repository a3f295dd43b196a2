"""Who may approve what: the policy in force, applied to approval requests.

The policy comes from ``CF_APPROVAL_POLICY_FILE`` (see ``tools.policy``) or, without a file, from
today's settings expressed as an equivalent policy: anyone but the requester may approve low and
medium risk, and high and critical risk need the approvers group (``CF_APPROVERS_GROUP``) or the
principals of ``CF_APPROVAL_POLICY``. Either way there is one decision path. A request records the
decision made when it was asked; clicks are checked against that record.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime

from approvals.errors import NoApproversConfigured, NotAnApprover, SelfApproval
from approvals.models import ApprovalRequest
from core.clock import Clock
from core.settings import Settings
from tools.plan import ActionPlan
from tools.policy.engine import Decision, PolicyEngine, allows
from tools.policy.facts import RequestFacts, TagSource, facts_from_plan
from tools.policy.source import PolicySource
from tools.policy.words import who_may_approve

GroupMembers = Callable[[str], set[str]]


class ApprovalPolicy:
    """Decides requests with the policy in force and checks who may approve them."""

    def __init__(
        self,
        settings: Settings,
        group_members: GroupMembers | None = None,
        source: PolicySource | None = None,
        tags: TagSource | None = None,
        clock: Clock | None = None,
    ) -> None:
        """Use the policy of ``settings`` (its file, or the settings themselves).

        Args:
            settings: ``approval_policy_file``, or ``approval_policy``, ``approvers_group``,
                ``approver_groups`` and ``allow_self_approval``.
            group_members: resolves a group name to user ids (Slack user groups, say); the
                policy's groups are used when it is not given or returns nothing.
            source: the policy in force (built from ``settings`` by default).
            tags: reads a target's tags, for rules on environment, tags and owners.
            clock: the one source of "now" (on-call and freezes depend on it).

        Raises:
            PolicyFileError: the policy file is invalid (names the line and the reason).
        """
        self.settings = settings
        self.source = source or PolicySource.from_settings(settings)
        self.tags = tags
        self.clock = clock or Clock()
        self._group_members = group_members

    @property
    def engine(self) -> PolicyEngine:
        """The engine of the policy in force (reloaded when its file changed)."""
        return self.source.engine

    def facts(self, plan: ActionPlan, requester: str | None = None) -> RequestFacts:
        """What the policy matches ``plan`` on.

        Args:
            plan: the resolved plan.
            requester: who asks.
        """
        policy = self.engine.policy
        tags = self.tags if policy.needs_tags else None
        return facts_from_plan(plan, requester, tags, policy.environment_tag, policy.owner_tag)

    def decide(self, facts: RequestFacts, at: datetime | None = None) -> Decision:
        """The policy's verdict on ``facts`` now (or at ``at``).

        Args:
            facts: the request.
            at: the instant; the clock's now by default.
        """
        decision = self.engine.decide(facts, at or self.clock.now())
        if not decision.owner_groups:
            return decision
        groups = [
            g.model_copy(update={"members": sorted(self._principal_members(g.principal))})
            for g in decision.owner_groups
        ]
        return decision.model_copy(update={"owner_groups": groups})

    def _principal_members(self, principal: str) -> set[str]:
        return self.members(principal[1:]) if principal.startswith("@") else {principal}

    def decision_of(self, request: ApprovalRequest) -> Decision:
        """The decision recorded with ``request`` (decided by risk for requests older than it).

        Args:
            request: any approval request.
        """
        if request.decision_json:
            return Decision.model_validate_json(request.decision_json)
        return self.decide(RequestFacts(tool=request.tool, risk=request.risk), request.created_at)

    def frozen(self, request: ApprovalRequest, at: datetime | None = None) -> str | None:
        """Why a freeze window of the policy in force covers ``request`` now, or None.

        Args:
            request: any approval request.
            at: the instant; the clock's now by default.
        """
        if not request.facts_json:
            return None
        facts = RequestFacts.model_validate(json.loads(request.facts_json))
        return self.decide(facts, at).frozen

    def members(self, group: str) -> set[str]:
        """User ids in ``group``.

        Args:
            group: group name without the ``@``.
        """
        found = self._group_members(group) if self._group_members else set()
        return found or self.engine.group_members(group)

    def check_decision(self, approver: str, requester: str, decision: Decision, risk: str) -> None:
        """Raise the matching refusal unless ``approver`` may approve under ``decision``.

        Args:
            approver: the user who clicked.
            requester: the user who asked for the action.
            decision: the policy's decision on the request.
            risk: the plan's risk level (for the messages).
        """
        if approver == requester and not decision.requester_may_approve:
            raise SelfApproval(
                f"{approver}, you requested this action, so you cannot approve it yourself. "
                "Ask someone else to approve it."
            )
        if not decision.approvers:
            raise NoApproversConfigured(
                f"{risk.capitalize()}-risk actions need an approvers group and none is "
                "configured. Set CF_APPROVERS_GROUP and CF_APPROVER_GROUPS "
                '(e.g. CF_APPROVERS_GROUP=platform CF_APPROVER_GROUPS=\'{"platform": ["bob"]}\'), '
                "or write an approval policy file (CF_APPROVAL_POLICY_FILE)."
            )
        if decision.owner_groups:
            if not any(approver in g.members for g in decision.owner_groups):
                raise NotAnApprover(
                    f"{approver} is not allowed to approve this: the owners of its targets "
                    f"must ({self.describe_decision(decision)})."
                )
        elif not allows(decision.approvers, approver, self.members):
            raise NotAnApprover(
                f"{approver} is not allowed to approve {risk}-risk actions under rule "
                f"{decision.rule!r} (allowed: {self.describe_decision(decision)})."
            )

    def check_request(self, approver: str, request: ApprovalRequest) -> None:
        """Raise the matching refusal unless ``approver`` may decide ``request``.

        Args:
            approver: the user who clicked.
            request: the request.
        """
        self.check_decision(approver, request.requester, self.decision_of(request), request.risk)

    def check(self, approver: str, requester: str, risk: str) -> None:
        """Raise the matching refusal unless ``approver`` may approve a plan of ``risk``.

        Args:
            approver: the user who clicked Approve.
            requester: the user who asked for the action.
            risk: the plan's risk level.
        """
        decision = self.decide(RequestFacts(tool="", risk=risk, requester=requester))
        self.check_decision(approver, requester, decision, risk)

    def describe_decision(self, decision: Decision) -> str:
        """Who may approve under ``decision``, in words for the card.

        Args:
            decision: the policy's decision on a request.
        """
        return who_may_approve(decision)

    def describe(self, risk: str) -> str:
        """Who may approve a plan of ``risk`` (by risk alone), in words.

        Args:
            risk: the plan's risk level.
        """
        return self.describe_decision(self.decide(RequestFacts(tool="", risk=risk)))

    def describe_request(self, request: ApprovalRequest) -> str:
        """Who may approve ``request``, in words for its card.

        Args:
            request: any approval request.
        """
        return self.describe_decision(self.decision_of(request))
