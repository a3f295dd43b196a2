"""Today's three settings as a policy, so a process without a policy file decides the same way.

``CF_APPROVAL_POLICY`` (risk -> principals), ``CF_APPROVERS_GROUP`` with ``CF_APPROVER_GROUPS``
and ``CF_ALLOW_SELF_APPROVAL`` become one rule per risk level and a closing default: anyone but
the requester for low and medium risk, the approvers group for high and critical (nobody until
one is configured).
"""

from __future__ import annotations

from core.settings import Settings
from tools.policy.models import ANYONE, Match, PolicyFile, Risk, Rule

RISKS: tuple[Risk, ...] = ("low", "medium", "high", "critical")


def principals_for(settings: Settings, risk: str) -> list[str]:
    """Who may approve ``risk`` by the settings alone.

    Args:
        settings: ``approval_policy`` and ``approvers_group``.
        risk: low, medium, high or critical.
    """
    configured = settings.approval_policy.get(risk)
    if configured is not None:
        return list(configured)
    if risk in ("low", "medium"):
        return [ANYONE]
    group = settings.approvers_group
    return [f"@{group}"] if group else []


def builtin_policy(settings: Settings) -> PolicyFile:
    """The policy equivalent to the approval settings.

    Args:
        settings: the runtime settings.
    """
    rules = [
        Rule(
            name=f"{risk}-risk", match=Match(risk=[risk]), approvers=principals_for(settings, risk)
        )
        for risk in RISKS
    ]
    rules.append(Rule(name="default", default=True, approvers=principals_for(settings, "critical")))
    return PolicyFile(
        groups=settings.approver_groups,
        allow_self_approval=settings.allow_self_approval,
        rules=rules,
    )
