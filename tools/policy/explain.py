""" "Who could approve this?": a decision explained, for chat and the command line."""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from pydantic import BaseModel, Field
from slack_sdk.models.blocks import Block

from tools import blocks
from tools.plan import ActionPlan
from tools.policy.engine import Decision
from tools.policy.words import who_may_approve

EXPLAINER_KEY = "policy_explainer"
"""Where the composition root puts the ``Explainer`` in ``ToolContext.extras``."""

Verdict = Literal["approval", "auto_approve", "deny", "frozen", "not_a_change"]


class PolicyExplanation(BaseModel):
    """The policy's answer about one change, and how it was reached."""

    request: str = Field(description="The change as asked about, in words.")
    understood: str | None = Field(
        default=None, description="The plan it was understood as (its one-line summary)."
    )
    tool: str | None = Field(default=None, description="The action that would run.")
    rule: str | None = Field(default=None, description="The policy rule that matched.")
    verdict: Verdict = Field(description="Needs approval, auto-approved, denied or frozen.")
    who: str = Field(default="", description="Who may approve, in words.")
    approvers: list[str] = Field(default_factory=list, description="Resolved principals.")
    count: int = Field(default=0, description="Distinct approvals needed.")
    ttl_minutes: int | None = Field(default=None, description="Expiry the rule sets.")
    escalation: list[str] = Field(default_factory=list, description="Escalation chain.")
    reason: str | None = Field(default=None, description="Why it is denied or frozen.")
    why: list[str] = Field(default_factory=list, description="How the rule was reached.")


Explainer = Callable[[str, str], PolicyExplanation]
"""(request in words, asking user) -> its explanation."""


def explain_decision(request: str, plan: ActionPlan, decision: Decision) -> PolicyExplanation:
    """The explanation of ``decision`` about ``plan``.

    Args:
        request: the change as asked about.
        plan: the plan it was understood as.
        decision: the policy's decision on it.
    """
    verdict: Verdict = "frozen" if decision.frozen else decision.outcome
    return PolicyExplanation(
        request=request,
        understood=plan.summary,
        tool=plan.tool,
        rule=decision.rule,
        verdict=verdict,
        who=who_may_approve(decision),
        approvers=decision.approvers,
        count=decision.count if decision.outcome == "approval" else 0,
        ttl_minutes=decision.ttl_minutes,
        escalation=decision.escalation,
        reason=decision.frozen or decision.reason,
        why=decision.why,
    )


def not_a_change(request: str, why: str) -> PolicyExplanation:
    """The explanation when ``request`` is not understood as a change.

    Args:
        request: the text asked about.
        why: what was understood instead.
    """
    return PolicyExplanation(request=request, verdict="not_a_change", reason=why)


VERDICTS = {
    "approval": "needs approval",
    "auto_approve": "is approved by the policy itself",
    "deny": "is refused by the policy",
    "frozen": "is refused now: changes are frozen",
    "not_a_change": "is not a change I can plan",
}


def explanation_lines(result: PolicyExplanation) -> list[str]:
    """The explanation as plain lines (the command line prints these).

    Args:
        result: the explanation.
    """
    head = result.understood or result.request
    lines = [f"“{head}” {VERDICTS[result.verdict]}."]
    if result.rule:
        lines.append(f"Rule: {result.rule}")
    if result.count:
        lines.append(f"Who may approve: {result.who}")
        lines.append(f"Approvals needed: {result.count}")
    if result.ttl_minutes:
        lines.append(f"Expires after: {result.ttl_minutes} minutes")
    if result.escalation:
        lines.append("Escalation: " + " → ".join(result.escalation))
    if result.reason:
        lines.append(f"Reason: {result.reason}")
    lines += [f"Why: {line}" for line in result.why]
    return lines


def render_explanation(result: PolicyExplanation) -> list[Block]:
    """Block Kit for the chat answer.

    Args:
        result: the explanation.
    """
    first, *rest = explanation_lines(result)
    out: list[Block] = [blocks.text(f"*{first}*")]
    if rest:
        out.append(blocks.text("\n".join(f"• {line}" for line in rest)))
    out.append(blocks.note("Nothing was run or filed: this only reads the approval policy."))
    return out
