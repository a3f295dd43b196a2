"""The tool schemas a hosted model is given: every tool, or the domains a request is about.

A request about instances needs the EC2 tools, not the 56 schemas of every domain. A
``DomainSelector`` (a classifier, plugged in from outside) names the one or two registry
domains of the latest human message; only those domains' tools, plus ``help``, are bound for
that call. When it is unsure it returns None and the model sees every tool.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage

from tools.registry import Registry, ToolSpec

log = logging.getLogger(__name__)
DomainSelector = Callable[[str], list[str] | None]
"""The latest human text -> the registry domains it is about, or None when unsure."""

ALWAYS_BOUND = frozenset({"help"})
CACHE_POINT: dict[str, Any] = {"cachePoint": {"type": "default"}}
"""A Bedrock Converse cache checkpoint: the prompt before it is cached between calls."""


def tool_schema(spec: ToolSpec) -> dict[str, Any]:
    """The OpenAI-style function schema for a tool (understood by ``bind_tools``).

    Args:
        spec: the registered tool.
    """
    description = f"{spec.description} Example: “{spec.example}”."
    if spec.mutating:
        description += " Proposes a change that a person must approve before it runs."
    return {
        "type": "function",
        "function": {
            "name": spec.function_name,
            "description": description,
            "parameters": spec.args_model.model_json_schema(),
        },
    }


@dataclass
class Toolset:
    """Tool schemas by domain, with an optional cache point closing the list.

    Attributes:
        registry: the tools.
        cache_point: end the list with a Bedrock ``cachePoint`` (prompt caching).
    """

    registry: Registry
    cache_point: bool = False
    _schemas: dict[str, dict[str, Any]] = field(default_factory=dict, init=False, repr=False)

    def domains(self) -> frozenset[str]:
        """Every domain that has a tool."""
        return frozenset(spec.domain for spec in self.registry.all())

    def schemas(self, domains: frozenset[str] | None = None) -> list[dict[str, Any]]:
        """The schemas to bind: every tool (``domains`` None) or those domains' and ``help``.

        Args:
            domains: registry domains, or None for all.
        """
        specs = [
            spec
            for spec in self.registry.all()
            if domains is None or spec.domain in domains or spec.domain in ALWAYS_BOUND
        ]
        listed = [self._schema(spec) for spec in specs]
        return [*listed, CACHE_POINT] if self.cache_point else listed

    def choose(
        self, select: DomainSelector | None, messages: Sequence[BaseMessage]
    ) -> frozenset[str] | None:
        """The domains to bind for a call on ``messages`` (None = all).

        The selector reads the latest human text; one that fails counts as unsure. Domains of
        tools already called since then stay bound, so a turn's later calls can read their own
        tool calls back.

        Args:
            select: the domain selector, if any.
            messages: the conversation so far.
        """
        if select is None:
            return None
        text, since = _latest_human(messages)
        try:
            named = select(text) or ()
        except Exception:  # a failing selector must not cost the model call
            log.warning("the domain selector failed; binding every tool", exc_info=True)
            return None
        chosen = set(named) & self.domains()
        if not chosen:
            return None
        return frozenset(chosen | self._called_domains(since))

    def _called_domains(self, messages: Iterable[BaseMessage]) -> set[str]:
        found: set[str] = set()
        for message in messages:
            for call in message.tool_calls if isinstance(message, AIMessage) else ():
                try:
                    found.add(self.registry.get(call["name"]).domain)
                except KeyError:
                    continue
        return found

    def _schema(self, spec: ToolSpec) -> dict[str, Any]:
        if spec.name not in self._schemas:
            self._schemas[spec.name] = tool_schema(spec)
        return self._schemas[spec.name]


def _latest_human(messages: Sequence[BaseMessage]) -> tuple[str, list[BaseMessage]]:
    """The latest human message's text and the messages after it."""
    for index in range(len(messages) - 1, -1, -1):
        message = messages[index]
        if isinstance(message, HumanMessage):
            content = message.content
            text = content if isinstance(content, str) else str(content)
            return text, list(messages[index + 1 :])
    return "", list(messages)
