"""What a hosted model is given: tools by domain, and Bedrock cache points where supported."""

from __future__ import annotations

import pytest
from langchain_core.messages import AIMessage, HumanMessage, ToolMessage

from agents.hosted import CachePoints, cache_points
from agents.toolset import CACHE_POINT, Toolset
from core.settings import Settings
from tools.registry import load_builtin_tools

TOOLS = Toolset(load_builtin_tools())


def _names(schemas: list[dict]) -> set[str]:
    return {s["function"]["name"] for s in schemas if "function" in s}


def test_a_domain_subset_is_its_tools_and_help() -> None:
    names = _names(TOOLS.schemas(frozenset({"cost"})))
    assert "help" in names and "cost_price" in names
    assert all(n.startswith("cost_") for n in names - {"help"})
    assert len(TOOLS.schemas(None)) == len(TOOLS.registry.all())


def test_unsure_or_unknown_domains_mean_every_tool() -> None:
    asked = [HumanMessage("how much is an m5.large?")]
    assert TOOLS.choose(None, asked) is None
    assert TOOLS.choose(lambda text: None, asked) is None
    assert TOOLS.choose(lambda text: ["astrology"], asked) is None
    assert TOOLS.choose(lambda text: ["cost", "astrology"], asked) == {"cost"}


def test_a_failing_selector_means_every_tool() -> None:
    def broken(text: str) -> list[str]:
        raise RuntimeError("classifier not loaded")

    assert TOOLS.choose(broken, [HumanMessage("how much is an m5.large?")]) is None


def test_the_selector_reads_the_latest_human_text_and_keeps_this_turns_tools() -> None:
    seen: list[str] = []
    turn = [
        HumanMessage("list the ipam pools"),
        AIMessage("", tool_calls=[{"name": "ipam_pools", "args": {}, "id": "c1"}]),
        ToolMessage("{}", tool_call_id="c1"),
        HumanMessage("and stop web-1"),
        AIMessage("", tool_calls=[{"name": "ec2_stop_instances", "args": {}, "id": "c2"}]),
    ]

    def select(text: str) -> list[str]:
        seen.append(text)
        return ["cost"]

    chosen = TOOLS.choose(select, turn)
    assert seen == ["and stop web-1"]
    assert chosen == {"cost", "ec2"}  # not ipam: that was an earlier turn


def test_a_cached_list_ends_with_a_cache_point() -> None:
    cached = Toolset(TOOLS.registry, cache_point=True).schemas(frozenset({"ec2"}))
    assert cached[-1] == CACHE_POINT and CACHE_POINT not in cached[:-1]


@pytest.mark.parametrize(
    ("provider", "model", "setting", "expected"),
    [
        ("bedrock", "anthropic.claude-3-5-sonnet-20240620-v1:0", "auto", CachePoints()),
        (
            "bedrock",
            "us.anthropic.claude-3-7-sonnet-20250219-v1:0",
            "auto",
            CachePoints(True, True),
        ),
        ("bedrock", "anthropic.claude-sonnet-4-20250514-v1:0", "auto", CachePoints(True, True)),
        ("bedrock", "us.amazon.nova-pro-v1:0", "auto", CachePoints(system=True)),
        ("bedrock", "anthropic.claude-3-5-sonnet-20240620-v1:0", "on", CachePoints(True, True)),
        ("bedrock", "us.anthropic.claude-3-7-sonnet-20250219-v1:0", "off", CachePoints()),
        ("openai", "us.anthropic.claude-3-7-sonnet-20250219-v1:0", "on", CachePoints()),
    ],
)
def test_cache_points_follow_the_setting_and_the_model(
    provider: str, model: str, setting: str, expected: CachePoints
) -> None:
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        model_provider=provider,
        bedrock_model_id=model,
        bedrock_prompt_caching=setting,
    )
    assert cache_points(settings) == expected
