""" "Who could approve this?": a change in words -> the plan it would be -> the policy's verdict.

The change is understood as chat would understand a request for it (the offline model's best
mutating tool for the words, its arguments linked against what exists), and its plan is built
with the tool's own preview, so the policy sees exactly the facts a real request would carry.
Nothing is filed and nothing runs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from agents.offline.masking import mask
from agents.offline.understand import CLASSIFIED_CHARS, Understanding
from agents.offline.utterance import Utterance
from approvals.policy import ApprovalPolicy
from tools.context import ToolContext
from tools.errors import ToolError
from tools.plan import ActionPlan
from tools.policy.explain import PolicyExplanation, explain_decision, not_a_change
from tools.registry import Registry

EXPLAIN = "policy.explain"


@dataclass
class PolicyExplainer:
    """Explains the approval policy's decision on a change asked about in words.

    Attributes:
        understanding: the offline understanding layer (classifier, slots, lexicon).
        registry: the tools (their previews build plans).
        context_for: builds the tool context acting for a user.
        policy: the approval policy in force.
        switched_off: why the kill switch freezes every change now, or None.
    """

    understanding: Understanding
    registry: Registry
    context_for: Callable[[str], ToolContext]
    policy: ApprovalPolicy
    switched_off: Callable[[], str | None] = field(default=lambda: None)

    def __call__(self, request: str, user: str) -> PolicyExplanation:
        """The policy's verdict on ``request`` asked by ``user``, with the rule and approvers.

        Args:
            request: the change in words, e.g. "stop web-1".
            user: who asks (as the requester the policy would see).
        """
        planned = self.plan(request, user)
        if isinstance(planned, str):
            return not_a_change(request, planned)
        facts = self.policy.facts(planned, user)
        decision = self.policy.decide(facts)
        switch = self.switched_off()
        if switch and not decision.frozen:
            decision = decision.model_copy(update={"frozen": switch})
        return explain_decision(request, planned, decision)

    def plan(self, request: str, user: str) -> ActionPlan | str:
        """The plan ``request`` would file, or a sentence saying why there is none.

        Args:
            request: the change in words.
            user: who asks.
        """
        asked = self.understanding.builders.get(EXPLAIN)  # "who could approve X?" -> "X"
        if asked is not None:
            request = str(asked(Utterance(request)).get("request") or request)
        lexicon = self.understanding.lexicon()
        masked = mask(request[:CLASSIFIED_CHARS], lexicon)
        ranked = self.understanding.classifier.rank(masked, top=len(self.registry.all()) + 1)
        changes = [r for r in ranked if r.label in self.registry]
        changes = [r for r in changes if self.registry.get(r.label).mutating]
        if not changes:
            return "It does not read as a change CloudFabric makes."
        spec = self.registry.get(changes[0].label)
        decision = self.understanding.build(Utterance(request), spec, lexicon)
        if not decision.calls:
            return decision.text or f"{spec.name} needs more detail to plan."
        assert spec.preview is not None
        try:
            args = spec.args_model.model_validate(decision.calls[0].args)
            return spec.preview(self.context_for(user), args)
        except ToolError as error:
            return f"{spec.name} could not be planned: {error}"
