"""Explain mode answers the same whether the offline router is asked directly or as a model."""

from __future__ import annotations

import pytest

from agents.explain import explain_message, explainer
from agents.providers import ChatProvider
from core.settings import Settings
from tools.registry import load_builtin_tools

REGISTRY = load_builtin_tools()
SETTINGS = Settings(_env_file=None, model_provider="offline")  # type: ignore[call-arg]
PROVIDER = ChatProvider.build(SETTINGS, REGISTRY)
MESSAGES = [spec.example for spec in REGISTRY.all()] + [
    "stop batch-worker and web-2",
    "what breaks if db-prod fails?",
    "the quick brown fox",
    "",
]


@pytest.mark.parametrize("text", MESSAGES)
def test_the_router_asked_directly_gives_the_models_calls(text: str) -> None:
    assert explainer(SETTINGS)(text) == explain_message(PROVIDER, REGISTRY, text)


def test_a_message_nobody_understands_causes_no_call() -> None:
    assert explainer(SETTINGS)("the quick brown fox")["tool_calls"] == []
