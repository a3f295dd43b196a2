"""Explain mode: what a message would cause (tool calls, or the question the model would ask),
executing nothing."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from agents.offline.decision import Decision
    from agents.offline.understand import Understanding
    from agents.providers import ChatProvider
    from core.settings import Settings
    from tools.registry import Registry

Explanation = dict[str, Any]
"""``{"tool_calls": [...]}``, plus ``question`` and ``choices`` when the model would ask, or
``answer`` when it would only say something."""
Explainer = Callable[[str], Explanation]
"""A message -> its explanation."""


def explain_calls(provider: ChatProvider, registry: Registry, text: str) -> list[dict[str, Any]]:
    """The tool calls (dotted names, arguments) the model makes for ``text``.

    Args:
        provider: the chat model.
        registry: to map function names back to tool names.
        text: a user message.
    """
    return explain_message(provider, registry, text)["tool_calls"]


def explain_message(provider: ChatProvider, registry: Registry, text: str) -> Explanation:
    """What the model does about ``text``: its calls, or its question and choices.

    Args:
        provider: the chat model.
        registry: to map function names back to tool names.
        text: a user message.
    """
    from langchain_core.messages import HumanMessage

    from agents.offline.model import OPTIONS_KEY

    answer = provider.invoke([HumanMessage(content=text)])
    calls = []
    for call in answer.tool_calls:
        name = call["name"]
        with contextlib.suppress(KeyError):
            name = registry.get(name).name
        calls.append({"name": name, "args": call.get("args") or {}})
    result: Explanation = {"tool_calls": calls}
    content = answer.content if isinstance(answer.content, str) else ""
    options = answer.additional_kwargs.get(OPTIONS_KEY)
    if options:
        result.update(question=content.split("\n", 1)[0], choices=options)
    elif not calls and content:
        result["answer"] = content
    return result


def explanation_of(decision: Decision) -> Explanation:
    """The explanation of an offline decision (the same shape as ``explain_message``).

    Args:
        decision: what the offline model decided.
    """
    result: Explanation = {"tool_calls": [call.as_dict() for call in decision.calls]}
    if decision.asks:
        result.update(question=decision.text, choices=[o.as_dict() for o in decision.options])
    elif not decision.calls and decision.text:
        result["answer"] = decision.text
    return result


def explainer(settings: Settings) -> Explainer:
    """What ``cloudfabric explain`` asks for each message.

    With the offline provider the understanding layer answers directly, linking names
    against the estate chat would use: the sandbox's names, or in live mode discovery's
    inventory, IPAM pools and architectures from the store (the same decision chat makes,
    without starting the chat machinery); any other provider is asked through
    ``explain_message``.

    Args:
        settings: ``model_provider`` and the provider's options.
    """
    if settings.model_provider == "offline" and settings.is_sandbox:
        from agents.offline.router import decide

        return lambda text: explanation_of(decide(text))
    if settings.model_provider == "offline":
        understanding = _live_understanding(settings)
        return lambda text: explanation_of(understanding.decide(text))
    from agents.providers import ChatProvider
    from tools.registry import load_builtin_tools

    registry = load_builtin_tools()
    provider = ChatProvider.build(settings, registry)
    return lambda text: explain_message(provider, registry, text)


def _live_understanding(settings: Settings) -> Understanding:
    """The understanding layer over the live estate as the store knows it."""
    from agents.offline.estate import EstateLexicon
    from agents.offline.understand import Understanding
    from core.db import Database
    from tools.registry import load_builtin_tools

    db = Database(settings.sql_url)
    db.migrate()
    return Understanding(load_builtin_tools(), EstateLexicon(db))
