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
from tools.policy.owners import Directory, Owner, OwnerGroup, group_name, resolve_owner
from tools.policy.rotations import OnCallProvider, ScheduledRotations, ScheduleSource

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
    owner_groups: list[OwnerGroup] = Field(
        default_factory=list,
        description=(
            "When the targets have different owners: each owner's quorum must be met (empty "
            "otherwise, and ``approvers`` / ``count`` decide)."
        ),
    )
    frozen: str | None = Field(default=None, description="Why changes are frozen now, if so.")
    why: list[str] = Field(default_factory=list, description="How the rule was reached.")

    @property
    def requester_may_approve(self) -> bool:
        """True when the requester's own approval counts (one approval needed and allowed)."""
        return self.allow_self_approval and self.count == 1 and not self.owner_groups


class PolicyEngine:
    """Decides requests with one policy and an on-call provider."""

    def __init__(
        self,
        policy: PolicyFile,
        oncall: OnCallProvider | None = None,
        schedules: ScheduleSource | None = None,
        directory: Directory | None = None,
    ) -> None:
        """Use ``policy``; on-call comes from its rotations unless ``oncall`` is given.

        Args:
            policy: the validated policy.
            oncall: who is on call (the file's rotations by default).
            schedules: the outside on-call service (PagerDuty) for rotations that name one.
            directory: resolves owner tags naming a user-group handle or an email (Slack).
        """
        self.policy = policy
        self.directory = directory
        self.oncall = oncall or ScheduledRotations(policy.rotations, schedules)

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
        approvers = self.resolve(rule.approvers, facts, at, why)
        groups = self.owner_groups(rule, facts, why) if outcome == "approval" else []
        refusal = self.unresolved_refusal(rule, facts) if outcome == "approval" else None
        if refusal:
            outcome, approvers, groups = "deny", [], []
        elif groups:
            approvers = [g.principal for g in groups]
        return Decision(
            rule=rule.name,
            outcome=outcome,
            reason=refusal or rule.deny,
            approvers=approvers,
            owner_groups=groups,
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
                owners = self.owners(facts)
                found = [o.principal for o in owners if o.principal]
                said = ", ".join(_owner_words(o) for o in owners) or "none on the targets"
                why.append(f"owner tag {facts.owner_tag!r}: {said}")
            elif principal.startswith(ONCALL_PREFIX):
                rotation = principal.removeprefix(ONCALL_PREFIX)
                found, note = self._on_call(rotation, at)
                why.append(f"on call in {rotation} now: {', '.join(found) or 'nobody'}")
                why += [note] if note else []
            out += [p for p in found if p not in out]
        return out

    def owners(self, facts: RequestFacts) -> list[Owner]:
        """The targets' distinct owner tags, each resolved (or why it could not be).

        Args:
            facts: the request.
        """
        return [resolve_owner(tag, self.directory) for tag in facts.owners]

    def owner_groups(self, rule: Rule, facts: RequestFacts, why: list[str]) -> list[OwnerGroup]:
        """One quorum per owner when ``rule`` names ``owner`` and the targets have several.

        Args:
            rule: the deciding rule.
            facts: the request.
            why: receives a line when per-owner quorums apply.
        """
        if OWNER not in rule.approvers:
            return []
        groups: list[OwnerGroup] = []
        for owner in self.owners(facts):
            if owner.principal and owner.principal not in [g.principal for g in groups]:
                groups.append(OwnerGroup(name=group_name(owner), principal=owner.principal,
                                         count=rule.count))  # fmt: skip
        if len(groups) < 2:
            return []
        others = [p for p in rule.approvers if p != OWNER]
        why.append(
            f"the targets have {len(groups)} owners: each must approve ({rule.count} each)"
            + (f"; {', '.join(others)} do not stand in for an owner" if others else "")
        )
        return groups

    def unresolved_refusal(self, rule: Rule, facts: RequestFacts) -> str | None:
        """Why ``rule`` refuses the request over an owner tag that names nobody, or None.

        Args:
            rule: the deciding rule.
            facts: the request.
        """
        if OWNER not in rule.approvers or rule.owner_unresolved != "refuse":
            return None
        problems = [o.problem for o in self.owners(facts) if o.problem]
        if not problems:
            return None
        return (
            f"The owners of the targets must approve, and {'; '.join(problems)}. Fix the "
            f"{facts.owner_tag!r} tag (a Slack user group like @team, a user id or an email "
            f"of a Slack user); rule {rule.name!r} refuses rather than guess."
        )

    def _on_call(self, rotation: str, at: datetime) -> tuple[list[str], str | None]:
        if isinstance(self.oncall, ScheduledRotations):
            return self.oncall.who(rotation, at)
        return self.oncall.on_call(rotation, at), None

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


def _owner_words(owner: Owner) -> str:
    if owner.problem:
        return f"{owner.tag} (unresolved: {owner.problem})"
    return owner.tag if owner.principal == owner.tag else f"{owner.tag} = {owner.principal}"


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
