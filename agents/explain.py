"""Explain mode: which tool calls a message would cause, executing nothing."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from agents.providers import ChatProvider
    from core.settings import Settings
    from tools.registry import Registry

Explainer = Callable[[str], list[dict[str, Any]]]
"""A message -> the tool calls (dotted names, arguments) the model makes for it."""


def explain_calls(provider: ChatProvider, registry: Registry, text: str) -> list[dict[str, Any]]:
    """The tool calls (dotted names, arguments) the model makes for ``text``.

    Args:
        provider: the chat model.
        registry: to map function names back to tool names.
        text: a user message.
    """
    from langchain_core.messages import HumanMessage

    answer = provider.invoke([HumanMessage(content=text)])
    calls = []
    for call in answer.tool_calls:
        name = call["name"]
        with contextlib.suppress(KeyError):
            name = registry.get(name).name
        calls.append({"name": name, "args": call.get("args") or {}})
    return calls


def explainer(settings: Settings) -> Explainer:
    """What ``cloudfabric explain`` asks for each message.

    The offline model is the offline router behind a chat-model face, so with the offline
    provider the router answers directly (the same calls, without loading the chat-model
    machinery); any other provider is asked through ``explain_calls``.

    Args:
        settings: ``model_provider`` and the provider's options.
    """
    if settings.model_provider == "offline":
        from agents.offline.router import route

        return route
    from agents.providers import ChatProvider
    from tools.registry import load_builtin_tools

    registry = load_builtin_tools()
    provider = ChatProvider.build(settings, registry)
    return lambda text: explain_calls(provider, registry, text)
