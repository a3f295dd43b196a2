"""Slots: how the offline model builds a tool's arguments from a message, and which of them
name things that must exist.

The classifier (``classifier.py``) decides which tool a message asks for; each domain keeps,
in ``agents/offline/rules/<domain>.py``, a ``SLOTS`` list whose builders pull each tool's
arguments out of the message, and a ``TARGETS`` table saying which argument names existing
resources (linked against the lexicon). ``load_slots`` and ``load_targets`` collect them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from agents.offline.utterance import Utterance
from core.modules import import_submodules

ArgsBuilder = Callable[[Utterance], dict[str, Any]]


@dataclass(frozen=True)
class Slots:
    """How one tool's arguments are read from a message.

    Attributes:
        tool: registered tool name the arguments are for.
        build: turns the utterance into the tool's arguments.
    """

    tool: str
    build: ArgsBuilder


class DuplicateSlots(ValueError):
    """Two rules modules (or one, twice) declared slots for the same tool."""


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


def load_slots() -> dict[str, ArgsBuilder]:
    """Every rules module's ``SLOTS``: tool name -> its slot builder.

    Raises:
        DuplicateSlots: a tool's slots are declared more than once.
    """
    builders: dict[str, ArgsBuilder] = {}
    for module in import_submodules("agents.offline.rules"):
        for slots in getattr(module, "SLOTS", []):
            if slots.tool in builders:
                raise DuplicateSlots(f"{module.__name__}: slots for {slots.tool} declared twice")
            builders[slots.tool] = slots.build
    return builders
