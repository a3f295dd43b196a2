"""The offline router: picks the best intent over every domain and builds its tool call."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from agents.offline.intents import Intent, load_intents
from agents.offline.utterance import Utterance


@dataclass(frozen=True)
class Routed:
    """The router's decision.

    Attributes:
        tool: registered tool name, or ``None`` when nothing matched.
        args: arguments for the tool.
        score: how strongly it matched.
    """

    tool: str | None
    args: dict[str, Any]
    score: float


@lru_cache(maxsize=1)
def intents() -> tuple[Intent, ...]:
    """Every domain's intents, loaded once."""
    return tuple(load_intents())


def decide(text: str) -> Routed:
    """The best-scoring intent for ``text``.

    Args:
        text: the user's message.
    """
    utterance = Utterance(text)
    best: tuple[float, Intent] | None = None
    for intent in intents():
        score = intent.score(utterance)
        if score > 0 and (best is None or score > best[0]):
            best = (score, intent)
    if best is None:
        return Routed(tool=None, args={}, score=0.0)
    score, intent = best
    return Routed(tool=intent.tool, args=intent.build(utterance), score=score)


def route(text: str) -> list[dict[str, Any]]:
    """Tool calls the offline model makes for ``text`` (``[]`` when it does not understand).

    Args:
        text: the user's message.
    """
    routed = decide(text)
    if routed.tool is None:
        return []
    return [{"name": routed.tool, "args": routed.args}]
