"""Intents: how the offline router recognises a request for one tool and builds its arguments.

Each domain keeps its intents in ``agents/offline/rules/<domain>.py`` as a module-level
``INTENTS`` list; ``load_intents`` collects them all.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from agents.offline.utterance import Utterance
from core import patterns
from core.modules import import_submodules
from core.patterns import Pattern

ArgsBuilder = Callable[[Utterance], dict[str, Any]]


@dataclass(frozen=True)
class Intent:
    """One way of asking for one tool.

    Attributes:
        tool: registered tool name the intent calls.
        patterns: (regex, weight) pairs over the lower-cased text; the score is the sum of the
            weights that match. Every regex here is RE2 syntax (``core.patterns``: linear time).
        build: turns the utterance into the tool's arguments.
        requires: a regex that must match for the intent to count at all.
        excludes: a regex that, when it matches, rules the intent out.
        boost: extra score computed from the parsed entities (e.g. a name is present).
    """

    tool: str
    patterns: tuple[tuple[str, float], ...]
    build: ArgsBuilder
    requires: str | None = None
    excludes: str | None = None
    boost: Callable[[Utterance], float] | None = None
    compiled: tuple[tuple[Pattern, float], ...] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        compiled = tuple((patterns.compile(p), w) for p, w in self.patterns)
        object.__setattr__(self, "compiled", compiled)

    def score(self, utterance: Utterance) -> float:
        """How strongly the utterance asks for this tool (0 = not at all).

        Args:
            utterance: the parsed message.
        """
        text = utterance.lower
        if self.requires and not patterns.search(self.requires, text):
            return 0.0
        if self.excludes and patterns.search(self.excludes, text):
            return 0.0
        score = sum(weight for pattern, weight in self.compiled if pattern.search(text))
        if score and self.boost:
            score += self.boost(utterance)
        return score


def load_intents() -> list[Intent]:
    """Every intent of every rules module under ``agents/offline/rules``."""
    intents: list[Intent] = []
    for module in import_submodules("agents.offline.rules"):
        intents.extend(getattr(module, "INTENTS", []))
    return intents
