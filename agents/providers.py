"""Chat model providers: offline (default), Amazon Bedrock and OpenAI-compatible servers.

A hosted model falls back to the offline router with a visible note when it fails (and is
left alone for a minute), and when its workspace's daily call budget is spent.

What a Bedrock request carries, and why (``python -m bench.bench_tokens``, 20 typical
requests): prompt caching (where the model offers it) and a per-request tool subset (whenever a
domain selector is plugged in) are both on by default, because together they cost the least.
The 56 tool schemas are about 10,900 tokens. Caching alone makes a warm call cheap (a median of
52 uncached tokens per request) but a cold one dear: a workspace whose calls are more than five
minutes apart writes the whole prefix each time at 1.25 times the input price, dearer than no
caching. A subset alone shrinks that prefix (median 2,081 tokens) whether the cache is warm or
not. Together: 23,900 billed input-token equivalents warm for the 20 requests (caching alone
37,000, subset alone 39,600, before 448,700) and 49,200 cold (caching alone 285,900).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage
from langchain_core.runnables import Runnable

from agents.budget import ModelBudget
from agents.hosted import bedrock_model, cache_points, openai_model, system_message
from agents.notices import model_budget_spent, model_unavailable
from agents.offline.model import OfflineChatModel
from agents.offline.understand import Understanding
from agents.toolset import DomainSelector, Toolset, tool_schema
from core.settings import Settings
from tools.registry import Registry

__all__ = ["ChatProvider", "bedrock_model", "openai_model", "tool_schema"]
log = logging.getLogger(__name__)


@dataclass
class ChatProvider:
    """The model the graph talks to, with the offline router behind it as a fallback.

    Attributes:
        primary: the configured model, tools not yet bound (may be the offline one itself).
        fallback: the offline model.
        name: provider name for notes and logs.
        toolset: the tool schemas bound for each call.
        system: the system prompt hosted models are given first.
        select_domains: names the domains a request is about (None: every tool, always).
        budget: hosted calls per workspace per day (None: unlimited).
        retry_after_seconds: how long a failed primary is left alone.
        context_of: what a hosted model is told about a conversation's surroundings (e.g. the
            alert incident whose thread it is), as a system message after the prompt; the
            text quotes whatever it carries as data. None: nothing.
    """

    primary: BaseChatModel
    fallback: BaseChatModel
    name: str
    toolset: Toolset
    system: SystemMessage
    select_domains: DomainSelector | None = None
    budget: ModelBudget | None = None
    retry_after_seconds: float = 60.0
    context_of: Callable[[str], str | None] | None = None
    _down_until: float = 0.0
    _reason: str = "unreachable"
    _bound: dict[frozenset[str] | None, Runnable[Any, Any]] = field(default_factory=dict)

    @classmethod
    def build(
        cls,
        settings: Settings,
        registry: Registry,
        model: BaseChatModel | None = None,
        understanding: Understanding | None = None,
        *,
        select_domains: DomainSelector | None = None,
        budget: ModelBudget | None = None,
    ) -> ChatProvider:
        """Choose the provider from settings (or use ``model`` as the primary).

        Args:
            settings: ``model_provider`` and the provider's options.
            registry: tools to bind.
            model: an explicit chat model (tests).
            understanding: the offline model's understanding layer over the estate chat runs
                against (default: the built-in tools and the sandbox's names).
            select_domains: names the domains a request is about, to bind only their tools.
            budget: the daily budget of hosted calls per workspace.
        """
        offline = OfflineChatModel(understanding=understanding)
        name = settings.model_provider
        if model is None:
            model = _hosted(settings) or offline
        elif isinstance(model, OfflineChatModel):
            name = "offline"
        points = cache_points(settings)
        return cls(
            primary=model,
            fallback=offline,
            name=name,
            toolset=Toolset(registry, cache_point=points.tools),
            system=system_message(points),
            select_domains=select_domains,
            budget=budget,
        )

    @property
    def offline(self) -> bool:
        """True when the primary is the offline model itself."""
        return isinstance(self.primary, OfflineChatModel)

    def invoke(
        self,
        messages: list[BaseMessage],
        workspace: str | None = None,
        conversation: str | None = None,
    ) -> AIMessage:
        """Ask the primary model; fall back to offline with a visible note when it fails.

        After a failure the primary is left alone for ``retry_after_seconds``, so one outage
        does not cost a timeout on every call. A workspace whose daily budget is spent is
        answered offline.

        Args:
            messages: the conversation so far.
            workspace: whose budget the call spends (None: not counted).
            conversation: the conversation id, for ``context_of`` (None: no context).
        """
        if self.offline:
            return _as_ai(self.primary.invoke(messages))
        if time.monotonic() < self._down_until:
            return self._fallback(messages, model_unavailable(self.name, self._reason))
        if self.budget is not None and not self.budget.spend(workspace):
            return self._fallback(messages, model_budget_spent())
        try:
            prompt = [self.system, *self._context(conversation), *messages]
            return _as_ai(self._model_for(messages).invoke(prompt))
        except Exception as error:  # noqa: BLE001 - any failure of the remote model falls back
            log.warning("%s model unavailable, using offline router: %s", self.name, error)
            self._down_until = time.monotonic() + self.retry_after_seconds
            self._reason = type(error).__name__
        return self._fallback(messages, model_unavailable(self.name, self._reason))

    def _context(self, conversation: str | None) -> list[SystemMessage]:
        """The conversation's surroundings as a system message (none when there are none)."""
        if self.context_of is None or conversation is None:
            return []
        said = self.context_of(conversation)
        return [SystemMessage(content=said)] if said else []

    def _model_for(self, messages: list[BaseMessage]) -> Runnable[Any, Any]:
        """The primary with the tools this call is about bound (bound once per subset)."""
        domains = self.toolset.choose(self.select_domains, messages)
        if domains not in self._bound:
            schemas = self.toolset.schemas(domains)
            self._bound[domains] = self.primary.bind_tools(schemas)
        return self._bound[domains]

    def _fallback(self, messages: list[BaseMessage], note: str) -> AIMessage:
        """The offline answer, with ``note`` unless this turn was given it already."""
        answer = _as_ai(self.fallback.invoke(messages))
        if _noted_this_turn(messages, note):
            return answer
        content = f"{note}\n{answer.content}" if answer.content else note
        return AIMessage(content=content, tool_calls=answer.tool_calls)


def _hosted(settings: Settings) -> BaseChatModel | None:
    if settings.model_provider == "bedrock":
        return bedrock_model(settings)
    if settings.model_provider == "openai":
        return openai_model(settings)
    return None


def _noted_this_turn(messages: list[BaseMessage], note: str) -> bool:
    """True when an answer since the latest human message carries ``note``."""
    for message in reversed(messages):
        if isinstance(message, HumanMessage):
            return False
        if isinstance(message, AIMessage) and note in str(message.content):
            return True
    return False


def _as_ai(message: BaseMessage) -> AIMessage:
    if isinstance(message, AIMessage):
        return message
    return AIMessage(content=message.content)
