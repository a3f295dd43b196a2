"""The ``policy.explain`` tool: who could approve a change, read-only."""

from __future__ import annotations

from pydantic import BaseModel, Field

from tools.context import ToolContext
from tools.errors import ToolError
from tools.policy import examples
from tools.policy.explain import (
    EXPLAINER_KEY,
    Explainer,
    PolicyExplanation,
    render_explanation,
)
from tools.policy.tags import PERMISSIONS
from tools.registry import tool


class PolicyExplainArgs(BaseModel):
    """The change to ask about."""

    request: str = Field(
        min_length=1,
        max_length=500,
        description="The change in words, as one would ask for it, e.g. 'stop web-1'.",
    )


@tool(
    name="policy.explain",
    description="Say who could approve a change: the policy rule, the approvers and the count.",
    example="who could approve stopping web-1?",
    examples=examples.EXPLAIN,
    args=PolicyExplainArgs,
    result=PolicyExplanation,
    render=render_explanation,
    permissions=PERMISSIONS,
)
def explain_tool(ctx: ToolContext, args: PolicyExplainArgs) -> PolicyExplanation:
    """Plan the change without filing it, and explain the approval policy's decision on it.

    Args:
        ctx: tool context; the composition root puts the explainer in its extras.
        args: the change in words.
    """
    explainer = ctx.extras.get(EXPLAINER_KEY)
    if not callable(explainer):
        raise ToolError("Approval policy explanations are not available in this process.")
    explain: Explainer = explainer
    return explain(args.request, ctx.actor)
