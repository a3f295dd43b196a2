"""Explain mode: which tool calls a message would cause, executing nothing."""

from __future__ import annotations

import contextlib
from typing import Any

from langchain_core.messages import HumanMessage

from agents.providers import ChatProvider
from tools.registry import Registry


def explain_calls(provider: ChatProvider, registry: Registry, text: str) -> list[dict[str, Any]]:
    """The tool calls (dotted names, arguments) the model makes for ``text``.

    Args:
        provider: the chat model.
        registry: to map function names back to tool names.
        text: a user message.
    """
    answer = provider.invoke([HumanMessage(content=text)])
    calls = []
    for call in answer.tool_calls:
        name = call["name"]
        with contextlib.suppress(KeyError):
            name = registry.get(name).name
        calls.append({"name": name, "args": call.get("args") or {}})
    return calls
