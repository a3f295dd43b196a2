"""The one decision path: a request's facts and an instant -> the deciding rule's verdict.

The first rule whose match fits decides; its approvers are resolved for this request (the
targets' owner tag, who is on call now), and an active freeze window is reported beside it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from tools.policy.facts import RequestFacts
from tools.policy.freezes import active_freeze, freeze_reason
from tools.policy.models import ANYONE, ONCALL_PREFIX, OWNER, Match, PolicyFile, Rule
from tools.policy.rotations import FileRotations, OnCallProvider

Outcome = Literal["approval", "auto_approve", "deny"]
Members = Callable[[str], set[str]]
"""Resolves a group name (without ``@``) to user ids."""


class Decision(BaseModel):
    """What the policy says about one request at one instant."""

    rule: str = Field(description="Name of the rule that matched.")
    outcome: Outcome = Field(description="Needs approval, runs without one, or is refused.")
    reason: str | None = Field(default=None, description="Why it is refused (deny).")
    approvers: list[str] = Field(
        default_factory=list,
        description="Resolved principals: user ids, '@group' or '*' (owner and on-call filled in).",
    )
    count: int = Field(default=1, description="Distinct approvals needed.")
    ttl_minutes: int | None = Field(default=None, description="Expiry, when the rule sets it.")
    escalation: list[str] = Field(default_factory=list, description="Resolved escalation chain.")
    escalation_levels: list[list[str]] = Field(
        default_factory=list,
        description=(
            "The escalation chain level by level, each resolved to who it is now (levels that "
            "resolve to nobody left out): level 1 is told first."
        ),
    )
    allow_self_approval: bool = Field(
        default=False, description="Whether the requester may approve (single approvals only)."
    )
    frozen: str | None = Field(default=None, description="Why changes are frozen now, if so.")
    why: list[str] = Field(default_factory=list, description="How the rule was reached.")

    @property
    def requester_may_approve(self) -> bool:
        """True when the requester's own approval counts (one approval needed and allowed)."""
        return self.allow_self_approval and self.count == 1


class PolicyEngine:
    """Decides requests with one policy and an on-call provider."""

    def __init__(self, policy: PolicyFile, oncall: OnCallProvider | None = None) -> None:
        """Use ``policy``; on-call comes from its rotations unless ``oncall`` is given.

        Args:
            policy: the validated policy.
            oncall: who is on call (the file's rotations by default).
        """
        self.policy = policy
        self.oncall = oncall or FileRotations(policy.rotations)

    def rule_for(self, facts: RequestFacts) -> tuple[Rule, list[str]]:
        """The first rule that matches, and the conditions that made it match.

        Args:
            facts: the request.
        """
        for rule in self.policy.rules:
            reasons = matches(rule.match, facts)
            if reasons is not None:
                return rule, reasons
        return self.policy.rules[-1], []  # a validated policy ends with the default rule

    def decide(self, facts: RequestFacts, at: datetime) -> Decision:
        """The verdict on ``facts`` at ``at``.

        Args:
            facts: the request (its tags read with this policy's tag keys).
            at: the instant (on-call and freezes depend on it).
        """
        facts = facts.model_copy(
            update={
                "environment_tag": self.policy.environment_tag,
                "owner_tag": self.policy.owner_tag,
            }
        )
        rule, reasons = self.rule_for(facts)
        why = [
            f"rule {rule.name!r} "
            + ("matched: " + ", ".join(reasons) if reasons else "is the default")
        ]
        freeze = active_freeze(self.policy.freezes, facts, at)
        outcome: Outcome = (
            "deny" if rule.deny else "auto_approve" if rule.auto_approve else "approval"
        )
        return Decision(
            rule=rule.name,
            outcome=outcome,
            reason=rule.deny,
            approvers=self.resolve(rule.approvers, facts, at, why),
            count=rule.count,
            ttl_minutes=rule.ttl_minutes,
            escalation=self.resolve(rule.escalation, facts, at, []),
            escalation_levels=self.levels(rule.escalation, facts, at),
            allow_self_approval=self.policy.allow_self_approval,
            frozen=freeze_reason(freeze) if freeze else None,
            why=why,
        )

    def resolve(
        self, principals: Iterable[str], facts: RequestFacts, at: datetime, why: list[str]
    ) -> list[str]:
        """Principals with ``owner`` and ``oncall:<rotation>`` replaced by who they are now.

        Args:
            principals: as written in the rule.
            facts: the request (for the owner tag).
            at: the instant (for on-call).
            why: receives a line for each replacement.
        """
        out: list[str] = []
        for principal in principals:
            found = [principal]
            if principal == OWNER:
                found = [owner_principal(o) for o in facts.owners]
                why.append(
                    f"owner tag {facts.owner_tag!r}: {', '.join(found) or 'none on the targets'}"
                )
            elif principal.startswith(ONCALL_PREFIX):
                rotation = principal.removeprefix(ONCALL_PREFIX)
                found = self.oncall.on_call(rotation, at)
                why.append(f"on call in {rotation} now: {', '.join(found) or 'nobody'}")
            out += [p for p in found if p not in out]
        return out

    def levels(self, chain: Iterable[str], facts: RequestFacts, at: datetime) -> list[list[str]]:
        """An escalation chain resolved level by level (a level that resolves to nobody is
        left out, so the next one is told instead).

        Args:
            chain: the rule's escalation principals, one per level.
            facts: the request (for the owner tag).
            at: the instant (for on-call).
        """
        resolved = (self.resolve([principal], facts, at, []) for principal in chain)
        return [level for level in resolved if level]

    def group_members(self, group: str) -> set[str]:
        """Members of a group this file defines (empty when it defines none by that name).

        Args:
            group: name without ``@``.
        """
        return set(self.policy.groups.get(group, []))


def owner_principal(owner: str) -> str:
    """An owner tag value as a principal: a Slack user-group id or handle becomes ``@group``.

    Args:
        owner: the tag's value, e.g. ``@payments``, ``S0123ABC`` or ``U0456DEF``.
    """
    value = owner.strip()
    if value.startswith("@") or (value[:1] == "S" and value[1:].isalnum() and value.isupper()):
        return "@" + value.lstrip("@")
    return value


def allows(principals: Iterable[str], user: str, members: Members) -> bool:
    """True when ``user`` is one of ``principals`` (directly, in a group, or anyone).

    Args:
        principals: resolved principals.
        user: who decides.
        members: resolves a group name to user ids.
    """
    for principal in principals:
        if principal in (ANYONE, user):
            return True
        if principal.startswith("@") and user in members(principal[1:]):
            return True
    return False


def matches(match: Match, facts: RequestFacts) -> list[str] | None:
    """The conditions of ``match`` that ``facts`` meets, or None when one fails.

    Args:
        match: a rule's conditions.
        facts: the request.
    """
    reasons: list[str] = []
    checks: list[tuple[list[str], list[str], str]] = [
        (match.tool, [facts.tool], "tool"),
        (match.domain, [facts.domain], "domain"),
        (list(match.risk), [facts.risk], "risk"),
        (match.account, facts.accounts, "account"),
        (match.region, facts.regions, "region"),
        (match.environment, facts.environments, "environment"),
    ]
    for wanted, have, label in checks:
        if not wanted:
            continue
        hit = next((h for h in have if any(_fits(w, h) for w in wanted)), None)
        if hit is None:
            return None
        reasons.append(f"{label} {hit}")
    for key, value in match.tags.items():
        if not any(key in t and value in (ANYONE, t[key]) for t in facts.targets):
            return None
        reasons.append(f"tag {key}={value}")
    if match.cost_delta_over is not None:
        if facts.cost_delta is None or facts.cost_delta <= match.cost_delta_over:
            return None
        reasons.append(
            f"cost change ${facts.cost_delta:,.2f}/month > ${match.cost_delta_over:,.2f}"
        )
    return reasons


def _fits(pattern: str, value: str) -> bool:
    if pattern.endswith("*"):
        return value.startswith(pattern[:-1])
    return pattern == value
