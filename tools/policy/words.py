"""A decision in words, for cards, chat answers and the command line."""

from __future__ import annotations

from tools.policy.engine import Decision
from tools.policy.models import ANYONE


def who_may_approve(decision: Decision) -> str:
    """Who may approve under ``decision``: "2 of members of @sre, carol except the requester".

    Args:
        decision: the policy's decision on a request.
    """
    if decision.outcome == "deny":
        return "nobody: the policy refuses it"
    if decision.outcome == "auto_approve":
        return "nobody needs to: the policy approves it"
    if decision.owner_groups:
        each = [f"{g.count} of {g.name}" for g in decision.owner_groups]
        return "each owner: " + ", ".join(each) + " (never the requester)"
    if not decision.approvers:
        return "nobody yet: configure an approvers group"
    words = [
        "anyone" if p == ANYONE else (f"members of {p}" if p.startswith("@") else p)
        for p in decision.approvers
    ]
    suffix = "" if decision.requester_may_approve else " except the requester"
    count = f"{decision.count} of " if decision.count > 1 else ""
    return count + ", ".join(words) + suffix
