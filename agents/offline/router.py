"""The offline router: the understanding layer over the built-in tools and the sandbox's names.

``route`` and ``decide`` answer for one message on its own, linking names against the
sandbox estate (what ``cloudfabric explain`` and the evaluation use by default); chat builds
its own ``Understanding`` over the estate it runs against.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from agents.offline.decision import Decision
from agents.offline.training import example_lexicon
from agents.offline.understand import Understanding


@lru_cache(maxsize=1)
def default_understanding() -> Understanding:
    """The understanding layer over every built-in tool and the sandbox's names."""
    from tools.registry import load_builtin_tools

    lexicon = example_lexicon()
    return Understanding(load_builtin_tools(), lambda: lexicon)


def decide(text: str) -> Decision:
    """What the offline model does about ``text`` on its own: calls, a question, or a sentence.

    Args:
        text: the user's message.
    """
    return default_understanding().decide(text)


def route(text: str) -> list[dict[str, Any]]:
    """Tool calls the offline model makes for ``text`` (``[]`` when it asks or declines).

    Args:
        text: the user's message.
    """
    return [call.as_dict() for call in decide(text).calls]
