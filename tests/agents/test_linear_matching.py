"""Hostile messages cost time linear in their length, through the model the graph talks to.

The timings go through ``ChatProvider.invoke`` (the entry point of every turn), so they stay
meaningful when the offline router behind it is rewritten. Only ratios are asserted: the cost
at 40,000 characters against the cost at 4,000 of the same input, in the same run.
"""

from __future__ import annotations

import ast
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from langchain_core.messages import AIMessage, HumanMessage

from agents.providers import ChatProvider
from core.settings import Settings
from tests.hostile_text import HOSTILE
from tools.registry import load_builtin_tools

ROOT = Path(__file__).resolve().parents[2]
SMALL, LARGE = 4_000, 40_000
MAX_RATIO = 15.0


@pytest.fixture(scope="module")
def provider() -> ChatProvider:
    """The offline provider exactly as ``create_app`` builds it."""
    options = Settings(_env_file=None, model_provider="offline")  # type: ignore[call-arg]
    return ChatProvider.build(options, load_builtin_tools())


def _cost(provider: ChatProvider, text: str, runs: int = 3) -> float:
    """The least of ``runs`` timings of one turn's model call on ``text``, in seconds."""
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        provider.invoke([HumanMessage(content=text)])
        best = min(best, time.perf_counter() - started)
    return best


@pytest.mark.parametrize("name", list(HOSTILE))
def test_ten_times_the_text_costs_at_most_fifteen_times_the_time(
    provider: ChatProvider, name: str
) -> None:
    make = HOSTILE[name]
    provider.invoke([HumanMessage(content="warm up: stop web-1")])

    small = _cost(provider, make(SMALL))
    large = _cost(provider, make(LARGE))

    assert large <= MAX_RATIO * small, f"{name}: {large / small:.1f}x for 10x the text"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=300))
def test_any_message_gets_an_answer_never_an_error(provider: ChatProvider, text: str) -> None:
    assert isinstance(provider.invoke([HumanMessage(text)]), AIMessage)


def test_huge_numbers_are_routed_without_an_error(provider: ChatProvider) -> None:
    digits = "9" * 5_000
    for text in (f"what did we spend in the last {digits} days", f"show 3 {digits} levels deep"):
        assert isinstance(provider.invoke([HumanMessage(text)]), AIMessage)


def _imports_re(path: Path) -> bool:
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import) and any(a.name == "re" for a in node.names):
            return True
        if isinstance(node, ast.ImportFrom) and node.module == "re":
            return True
    return False


def test_untrusted_text_is_matched_only_through_core_patterns() -> None:
    surfaces = [ROOT / "agents", ROOT / "bot", ROOT / "approvals"]
    offenders = [
        str(path.relative_to(ROOT))
        for folder in surfaces
        for path in sorted(folder.rglob("*.py"))
        if _imports_re(path)
    ]
    assert offenders == [], f"use core.patterns (RE2) instead of re in {offenders}"
