"""Slots: how the offline model builds a tool's arguments from a message, and which of them
name things that must exist.

The classifier (``classifier.py``) decides which tool a message asks for; each domain keeps,
in ``agents/offline/rules/<domain>.py``, an ``INTENTS`` list whose ``build`` pulls that tool's
arguments out of the message, and a ``TARGETS`` table saying which argument names existing
resources (linked against the lexicon). ``load_intents`` and ``load_targets`` collect them.
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


@dataclass(frozen=True)
class Target:
    """The argument of a tool that names existing things.

    Attributes:
        arg: the argument's name (``targets``, ``target``, ``resource``, ``pool``, ``name``).
        kinds: lexicon kinds it may name (empty: any kind).
        many: the argument is a list.
        required: the tool needs it (an absent one is asked for when the tool changes things).
    """

    arg: str
    kinds: tuple[str, ...] = ()
    many: bool = False
    required: bool = True


def load_targets() -> dict[str, Target]:
    """Every rules module's ``TARGETS``: tool name -> its target argument."""
    targets: dict[str, Target] = {}
    for module in import_submodules("agents.offline.rules"):
        targets.update(getattr(module, "TARGETS", {}))
    return targets


def load_intents() -> list[Intent]:
    """Every intent of every rules module under ``agents/offline/rules``."""
    intents: list[Intent] = []
    for module in import_submodules("agents.offline.rules"):
        intents.extend(getattr(module, "INTENTS", []))
    return intents
