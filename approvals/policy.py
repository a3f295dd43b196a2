"""Who may approve what, and never your own request unless policy says so.

With no policy configured it is a two-person rule: anyone but the requester may approve low and
medium risk, and high and critical risk are refused until an approvers group is configured
(``CF_APPROVERS_GROUP``). A policy (``CF_APPROVAL_POLICY``) replaces that, risk by risk.
"""

from __future__ import annotations

from collections.abc import Callable

from approvals.errors import NoApproversConfigured, NotAnApprover, SelfApproval
from core.settings import Settings

GroupMembers = Callable[[str], set[str]]
ANYONE = "*"


class ApprovalPolicy:
    """Decides whether a user may approve a request of a given risk."""

    def __init__(self, settings: Settings, group_members: GroupMembers | None = None) -> None:
        """Read the policy from ``settings``.

        Args:
            settings: ``approval_policy``, ``approvers_group``, ``approver_groups``,
                ``allow_self_approval``.
            group_members: resolves a group name to user ids (Slack user groups, say); the
                groups in settings are used when it is not given or returns nothing.
        """
        self.settings = settings
        self._group_members = group_members

    def principals(self, risk: str) -> list[str]:
        """Principals allowed for ``risk``: ``*``, ``@group`` or user ids.

        Args:
            risk: low, medium, high or critical.
        """
        configured = self.settings.approval_policy.get(risk)
        if configured is not None:
            return list(configured)
        if risk in ("low", "medium"):
            return [ANYONE]
        group = self.settings.approvers_group
        return [f"@{group}"] if group else []

    def members(self, group: str) -> set[str]:
        """User ids in ``group``.

        Args:
            group: group name without the ``@``.
        """
        found = self._group_members(group) if self._group_members else set()
        return found or set(self.settings.approver_groups.get(group, []))

    def check(self, approver: str, requester: str, risk: str) -> None:
        """Raise the matching refusal unless ``approver`` may approve.

        Args:
            approver: the user who clicked Approve.
            requester: the user who asked for the action.
            risk: the plan's risk level.
        """
        if approver == requester and not self.settings.allow_self_approval:
            raise SelfApproval(
                f"{approver}, you requested this action, so you cannot approve it yourself. "
                "Ask someone else to approve it."
            )
        allowed = self.principals(risk)
        if not allowed:
            raise NoApproversConfigured(
                f"{risk.capitalize()}-risk actions need an approvers group and none is "
                "configured. Set CF_APPROVERS_GROUP and CF_APPROVER_GROUPS "
                '(e.g. CF_APPROVERS_GROUP=platform CF_APPROVER_GROUPS=\'{"platform": ["bob"]}\').'
            )
        if not self._allows(approver, allowed):
            raise NotAnApprover(
                f"{approver} is not allowed to approve {risk}-risk actions "
                f"(allowed: {self.describe(risk)})."
            )

    def risks_for(self, approver: str) -> list[str]:
        """The risk levels ``approver`` may approve (by risk alone: not their own requests).

        Args:
            approver: the user deciding.
        """
        return [
            risk
            for risk in ("low", "medium", "high", "critical")
            if self._allows(approver, self.principals(risk))
        ]

    def _allows(self, user: str, principals: list[str]) -> bool:
        for principal in principals:
            if principal in (ANYONE, user):
                return True
            if principal.startswith("@") and user in self.members(principal[1:]):
                return True
        return False

    def describe(self, risk: str) -> str:
        """Who may approve ``risk``, in words for the approval card.

        Args:
            risk: the plan's risk level.
        """
        allowed = self.principals(risk)
        if not allowed:
            return "nobody yet: configure an approvers group"
        words = [
            "anyone" if p == ANYONE else (f"members of {p}" if p.startswith("@") else p)
            for p in allowed
        ]
        suffix = "" if self.settings.allow_self_approval else " except the requester"
        return ", ".join(words) + suffix
