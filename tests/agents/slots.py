"""What a tool's slot builder reads from a message, for the router tests of every domain."""

from __future__ import annotations

from typing import Any

from agents.offline.router import default_understanding
from agents.offline.training import example_lexicon
from agents.offline.utterance import Utterance


def args_for(tool: str, text: str) -> dict[str, Any]:
    """The arguments ``tool`` gets from ``text``: its slots, linked, and valid.

    Args:
        tool: registered tool name.
        text: the message.
    """
    understanding = default_understanding()
    spec = understanding.registry.get(tool)
    decision = understanding.build(Utterance(text), spec, example_lexicon())
    assert decision.calls, (text, decision)
    return decision.calls[0].args


def assert_slots(text: str, tool: str, expected: dict[str, Any]) -> None:
    """Every expected argument is read from ``text`` for ``tool``.

    Args:
        text: the message.
        tool: registered tool name.
        expected: argument -> value.
    """
    args = args_for(tool, text)
    for key, value in expected.items():
        assert args.get(key) == value, (text, key, args)
