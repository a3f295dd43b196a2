"""The policy file's model: rules matched in order, rotations and freeze windows.

A policy file is YAML; ``loader.load_policy`` validates it with these models and reports problems
with the line they are on. The first rule whose ``match`` fits a request decides it; the last
rule is the default (``default: true``, no ``match``), so every request is decided.
"""

from __future__ import annotations

import re
from datetime import date, time
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator

Risk = Literal["low", "medium", "high", "critical"]
ANYONE = "*"
OWNER = "owner"
ONCALL_PREFIX = "oncall:"
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_MOMENT = re.compile(r"^(mon|tue|wed|thu|fri|sat|sun)\w* (\d{1,2}):(\d{2})$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _zone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"unknown time zone {value!r} (use an IANA name like Europe/Paris)"
        ) from None
    return value


class Match(_Strict):
    """What a request must be for a rule to apply; every condition given must hold.

    Lists mean "any of these"; a tool pattern may end with ``*`` (``ec2.*``).
    """

    tool: list[str] = Field(default_factory=list, description="Tool names or ``prefix*``.")
    domain: list[str] = Field(default_factory=list, description="Registry domains.")
    risk: list[Risk] = Field(default_factory=list, description="Risk levels.")
    account: list[str] = Field(default_factory=list, description="AWS account ids.")
    region: list[str] = Field(default_factory=list, description="AWS regions.")
    environment: list[str] = Field(
        default_factory=list, description="Values of the environment tag of any target."
    )
    tags: dict[str, str] = Field(
        default_factory=dict,
        description="Tag key -> value ('*' = any value) that some target carries, all of them.",
    )
    cost_delta_over: float | None = Field(
        default=None, description="Applies when the monthly cost change in USD is above this."
    )

    @property
    def is_empty(self) -> bool:
        """True when the match sets no condition (it fits every request)."""
        return self == Match()


class Rule(_Strict):
    """One policy rule: when it matches, who approves, how many, for how long, or a refusal."""

    name: str = Field(min_length=1, description="Unique name, shown on cards and in explain.")
    description: str | None = Field(default=None, description="Why the rule exists.")
    default: bool = Field(default=False, description="The closing rule that matches everything.")
    match: Match = Field(default_factory=Match, description="When the rule applies.")
    approvers: list[str] = Field(
        default_factory=list,
        description=(
            "Who may approve: user ids, '@group' (Slack user group or a group of this file), "
            "'owner' (the targets' owner tag), 'oncall:<rotation>', or '*' for anyone."
        ),
    )
    count: int = Field(
        default=1, ge=1, le=10, description="Distinct approvals needed (never the requester)."
    )
    ttl_minutes: int | None = Field(
        default=None, ge=1, le=60 * 24 * 14, description="Minutes before the request expires."
    )
    escalation: list[str] = Field(
        default_factory=list,
        max_length=5,
        description=(
            "Who is told, level by level, when nobody decides (principals as above, one per "
            "level): level 1 is mentioned in the request's thread at half the TTL, level 2 at "
            "three quarters, each next level halfway through what is left; at expiry the "
            "requester and the last level are told."
        ),
    )
    auto_approve: bool = Field(
        default=False, description="Run without a human decision (only where said explicitly)."
    )
    owner_unresolved: Literal["fallback", "refuse"] = Field(
        default="fallback",
        description=(
            "When an owner tag names nobody that can be found (unknown email or user group): "
            "'fallback' leaves that owner out, so the rule's other approvers decide; 'refuse' "
            "denies the request and names the tag."
        ),
    )
    deny: str | None = Field(
        default=None, description="Refuse such requests outright, with this reason."
    )


class OnCallSource(_Strict):
    """An outside on-call service that answers for a rotation instead of its turn order."""

    provider: Literal["pagerduty"] = Field(description="The service (PagerDuty).")
    schedule: str = Field(
        min_length=1, max_length=64, description="The service's schedule id, e.g. P123ABC."
    )
    fallback: Literal["rotation", "nobody"] = Field(
        default="rotation",
        description=(
            "When the service cannot answer: the rotation's own users take turns as written "
            "('rotation'), or nobody is on call ('nobody'), so the rule's other approvers decide."
        ),
    )


class Rotation(_Strict):
    """An on-call rotation: users take turns, handing off at a local time in a zone."""

    name: str = Field(min_length=1, description="Name used as 'oncall:<name>'.")
    zone: str = Field(description="IANA time zone of the handoff time, e.g. Europe/Paris.")
    handoff: time = Field(description="Local wall-clock time of the handoff, e.g. '09:00'.")
    every: Literal["day", "week"] = Field(default="week", description="Length of a shift.")
    start: date = Field(description="Local date of the first shift (its handoff starts it).")
    users: list[str] = Field(
        min_length=1,
        description="User ids in turn order (the fallback when an outside service answers).",
    )
    oncall: OnCallSource | None = Field(
        default=None,
        description="An outside service (PagerDuty) that answers who is on call instead.",
    )

    _zone_valid = field_validator("zone")(_zone)


class Freeze(_Strict):
    """A recurring change-freeze window, by environment or account, in a local time zone."""

    name: str = Field(min_length=1, description="Name shown when a change is refused.")
    environments: list[str] = Field(
        default_factory=list, description="Environment tag values it covers."
    )
    accounts: list[str] = Field(default_factory=list, description="Account ids it covers.")
    zone: str = Field(default="UTC", description="IANA time zone of the window's times.")
    starts: str = Field(description="Local weekday and time it starts, e.g. 'Fri 16:00'.")
    ends: str = Field(description="Local weekday and time it ends, e.g. 'Mon 08:00'.")
    reason: str | None = Field(default=None, description="Why changes are frozen.")

    _zone_valid = field_validator("zone")(_zone)

    @field_validator("starts", "ends")
    @classmethod
    def _weekly_moment(cls, value: str) -> str:
        found = _MOMENT.match(value.strip().lower())
        if not found or int(found[2]) > 23 or int(found[3]) > 59:
            raise ValueError(f"{value!r} is not a weekday and time like 'Fri 16:00'")
        return value

    def minute_of_week(self, which: Literal["starts", "ends"]) -> int:
        """Minutes from Monday 00:00 local to the window's start or end.

        Args:
            which: ``starts`` or ``ends``.
        """
        found = _MOMENT.match(getattr(self, which).strip().lower())
        assert found is not None
        return WEEKDAYS.index(found[1]) * 1440 + int(found[2]) * 60 + int(found[3])


class PolicyFile(_Strict):
    """A whole policy: settings, groups, rotations, freezes and the ordered rules."""

    version: Literal[1] = Field(default=1, description="Format version of the file.")
    environment_tag: str = Field(
        default="environment", description="Tag key that names a target's environment."
    )
    owner_tag: str = Field(default="owner", description="Tag key that names a target's owner.")
    allow_self_approval: bool = Field(
        default=False,
        description="Whether a requester may approve their own single-approval request.",
    )
    groups: dict[str, list[str]] = Field(
        default_factory=dict, description="Group name -> user ids, besides Slack user groups."
    )
    rotations: list[Rotation] = Field(default_factory=list, description="On-call rotations.")
    freezes: list[Freeze] = Field(default_factory=list, description="Change-freeze windows.")
    rules: list[Rule] = Field(min_length=1, description="Rules, first match wins, default last.")

    @property
    def needs_tags(self) -> bool:
        """True when some rule or freeze depends on the targets' tags (they are read then)."""
        by_rule = any(
            r.match.environment or r.match.tags or OWNER in (*r.approvers, *r.escalation)
            for r in self.rules
        )
        return by_rule or any(f.environments for f in self.freezes)

    def problems(self) -> list[tuple[tuple[str | int, ...], str]]:
        """What is wrong beyond each field's own checks, each with where it is.

        Returns:
            ``(location, reason)`` pairs; empty when the policy is sound.
        """
        found: list[tuple[tuple[str | int, ...], str]] = []
        names: set[str] = set()
        rotations = {r.name for r in self.rotations}
        last = len(self.rules) - 1
        for index, rule in enumerate(self.rules):
            where: tuple[str | int, ...] = ("rules", index)
            if rule.name in names:
                found.append(((*where, "name"), f"rule name {rule.name!r} is used twice"))
            names.add(rule.name)
            if rule.default and index != last:
                found.append(((*where, "default"), "the default rule must be the last rule"))
            if rule.default and not rule.match.is_empty:
                found.append(((*where, "match"), "the default rule matches everything"))
            found += _decision_problems(rule, where)
            for field in ("approvers", "escalation"):
                for n, principal in enumerate(getattr(rule, field)):
                    rotation = principal.removeprefix(ONCALL_PREFIX)
                    if principal.startswith(ONCALL_PREFIX) and rotation not in rotations:
                        found.append(((*where, field, n), f"no rotation named {rotation!r}"))
        if not self.rules[last].default:
            found.append((("rules", last), "the last rule must be the default (default: true)"))
        return found


def _decision_problems(rule: Rule, where: tuple[str | int, ...]) -> list[tuple[tuple, str]]:
    if rule.deny is not None and (rule.approvers or rule.auto_approve):
        return [((*where, "deny"), "a rule that denies names no approvers and no auto-approve")]
    if rule.auto_approve and rule.approvers:
        return [((*where, "auto_approve"), "an auto-approve rule names no approvers")]
    if rule.deny is None and not rule.auto_approve and not rule.approvers:
        return [((*where, "approvers"), "name approvers, set auto_approve: true, or deny")]
    return []
