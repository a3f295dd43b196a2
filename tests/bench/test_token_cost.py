"""The token bench's cache model: a repeated prefix is read, a short or new one is not."""

from __future__ import annotations

from typing import Any

import pytest

from bench.token_cost import MIN_CACHED_TOKENS, CacheLedger, CallCost, checkpoints, tokens

POINT = {"cachePoint": {"type": "default"}}
TOOLS = [{"toolSpec": {"name": f"tool_{n}", "description": "x" * 400}} for n in range(12)]


def _body(tools: list[Any], text: str, cached: bool = True) -> dict[str, Any]:
    system = [{"text": "You are CloudFabric."}]
    return {
        "modelId": "m" * 40,
        "toolConfig": {"tools": [*tools, POINT] if cached else tools},
        "system": [*system, POINT] if cached else system,
        "messages": [{"role": "user", "content": [{"text": text}]}],
    }


def test_tokens_are_characters_of_json_over_four() -> None:
    assert tokens("abcdefgh") == 2.5  # 10 characters with the quotes


def test_checkpoints_cover_the_tools_then_the_tools_and_the_system() -> None:
    body = _body(TOOLS, "hi")
    [(_, after_tools), (_, after_system)] = checkpoints(body)
    assert after_tools == pytest.approx(tokens(TOOLS))
    tools_and_point = body["toolConfig"]["tools"]
    assert after_system == pytest.approx(tokens(tools_and_point) + tokens(body["system"][:1]))


def test_a_repeated_prefix_is_read_and_billed_at_a_tenth() -> None:
    ledger = CacheLedger()
    first = ledger.cost(_body(TOOLS, "list instances"))
    again = ledger.cost(_body(TOOLS, "what does web-1 depend on?"))

    assert first.read == 0 and first.written > MIN_CACHED_TOKENS
    assert again.read == first.written and again.written == 0
    asked = tokens(_body([], "what does web-1 depend on?", cached=False)["messages"])
    assert asked < again.uncached < asked + 25  # + the last cache point and the body keys
    assert again.billed < 0.2 * first.billed
    total = CallCost.total_of([first, again])
    assert total.calls == 2 and total.cold > first.billed + again.total


def test_a_short_or_uncached_prefix_is_never_read() -> None:
    ledger = CacheLedger()
    short = [ledger.cost(_body(TOOLS[:1], "hi")) for _ in range(2)]
    plain = [ledger.cost(_body(TOOLS, "hi", cached=False)) for _ in range(2)]
    assert [c.read for c in short + plain] == [0, 0, 0, 0]
    assert plain[1].billed == plain[1].total
