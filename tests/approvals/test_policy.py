"""Approval policy: deny by default, self-approval refused, groups for high risk."""

from __future__ import annotations

import pytest

from approvals.errors import NoApproversConfigured, NotAnApprover, SelfApproval
from approvals.policy import ApprovalPolicy
from core.settings import Settings


def policy(**overrides: object) -> ApprovalPolicy:
    return ApprovalPolicy(Settings(_env_file=None, **overrides))  # type: ignore[call-arg]


def test_default_lets_anyone_but_the_requester_approve_low_and_medium() -> None:
    for risk in ("low", "medium"):
        policy().check("bob", "alice", risk)
        with pytest.raises(SelfApproval):
            policy().check("alice", "alice", risk)


def test_high_risk_without_approvers_group_is_refused_with_how_to_configure() -> None:
    with pytest.raises(NoApproversConfigured, match="CF_APPROVERS_GROUP"):
        policy().check("bob", "alice", "high")


def test_high_risk_needs_a_member_of_the_approvers_group() -> None:
    configured = policy(approvers_group="platform", approver_groups={"platform": ["carol"]})
    configured.check("carol", "alice", "critical")
    with pytest.raises(NotAnApprover, match="bob is not allowed to approve high-risk"):
        configured.check("bob", "alice", "high")


def test_explicit_policy_per_risk_with_users_and_groups() -> None:
    configured = policy(
        approval_policy={"medium": ["@sre", "dave"]}, approver_groups={"sre": ["erin"]}
    )
    configured.check("erin", "alice", "medium")
    configured.check("dave", "alice", "medium")
    with pytest.raises(NotAnApprover):
        configured.check("bob", "alice", "medium")
    configured.check("bob", "alice", "low")  # low still falls back to the default


def test_group_resolver_overrides_settings_groups() -> None:
    settings = Settings(_env_file=None, approvers_group="S123")  # type: ignore[call-arg]
    resolved = ApprovalPolicy(settings, lambda group: {"U999"} if group == "S123" else set())
    resolved.check("U999", "U1", "high")
    with pytest.raises(NotAnApprover):
        resolved.check("U2", "U1", "high")


def test_self_approval_allowed_only_when_configured() -> None:
    policy(allow_self_approval=True).check("alice", "alice", "low")


def test_describe_says_who_may_approve() -> None:
    assert policy().describe("low") == "anyone except the requester"
    assert "configure an approvers group" in policy().describe("high")
    grouped = policy(approvers_group="platform")
    assert grouped.describe("high") == "members of @platform except the requester"
