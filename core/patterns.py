"""Linear-time regular expressions for untrusted text (messages, tags, alert bodies).

Python's ``re`` backtracks: some patterns take polynomial or exponential time on hostile input,
and it holds the GIL while it matches, so one message could stall every thread of a replica.
Everything that matches text from outside goes through this module instead, which compiles
with RE2 (``google-re2``): matching time is linear in the text for every pattern, and the GIL
is released while RE2 runs.

RE2 has no look-around and no back-references; ``\\w``, ``\\d``, ``\\s`` and ``\\b`` are ASCII.
Compile errors surface at import time of the module that declares the pattern.

One caveat of the binding: each ``search``/``finditer`` call encodes the whole text to UTF-8,
so call it once per text (``finditer``, ``findall``, ``sub``), never in a loop over
positions of the same long text.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import lru_cache
from itertools import islice
from typing import Any, Protocol

import re2

IGNORECASE = 1
DOTALL = 2
_INLINE = {IGNORECASE: "i", DOTALL: "s"}


class Match(Protocol):
    """What a successful match offers (the subset of ``re.Match`` the project uses)."""

    def group(self, *indexes: int | str) -> Any:
        """The text of one group (0 = the whole match), or a tuple for several."""

    def groups(self, default: Any = None) -> tuple[Any, ...]:
        """Every capturing group's text."""

    def start(self, group: int = 0) -> int:
        """Where a group starts in the text."""

    def end(self, group: int = 0) -> int:
        """Where a group ends in the text."""


class Pattern:
    """A compiled RE2 pattern with the ``re.Pattern`` methods the project uses.

    Args:
        source: the pattern text (RE2 syntax).
        flags: ``IGNORECASE`` and/or ``DOTALL``.
    """

    def __init__(self, source: str, flags: int = 0) -> None:
        """Compile ``source``; raises ``re2.error`` when RE2 cannot."""
        inline = "".join(letter for flag, letter in _INLINE.items() if flags & flag)
        self.pattern = source
        self._compiled = re2.compile(f"(?{inline}){source}" if inline else source)

    def search(self, text: str) -> Match | None:
        """The first match anywhere in ``text``.

        Args:
            text: the text to look in.
        """
        found: Match | None = self._compiled.search(text)
        return found

    def match(self, text: str) -> Match | None:
        """A match at the start of ``text``.

        Args:
            text: the text to look in.
        """
        found: Match | None = self._compiled.match(text)
        return found

    def fullmatch(self, text: str) -> Match | None:
        """A match of the whole of ``text``.

        Args:
            text: the text to look in.
        """
        found: Match | None = self._compiled.fullmatch(text)
        return found

    def finditer(self, text: str, limit: int | None = None) -> Iterator[Match]:
        """Every non-overlapping match, left to right (the first ``limit`` only, if given).

        Args:
            text: the text to look in.
            limit: stop after this many matches.
        """
        found: Iterator[Match] = self._compiled.finditer(text)
        return found if limit is None else islice(found, limit)

    def findall(self, text: str, limit: int | None = None) -> list[Any]:
        """Every non-overlapping match as ``re.findall`` returns them (strings or tuples).

        Args:
            text: the text to look in.
            limit: stop after this many matches (each costs a few microseconds in Python, so
                entity lists from untrusted text are bounded this way).
        """
        if limit is None:
            found: list[Any] = self._compiled.findall(text)
            return found
        groups = self._compiled.groups
        matches = self.finditer(text, limit)
        if groups == 0:
            return [m.group(0) for m in matches]
        if groups == 1:
            return [m.groups(default="")[0] for m in matches]
        return [m.groups(default="") for m in matches]

    def sub(self, repl: str | Callable[[Match], str], text: str) -> str:
        """``text`` with every match replaced.

        Args:
            repl: the replacement (``\\1`` group references allowed) or a function of the match.
            text: the text to rewrite.
        """
        replaced: str = self._compiled.sub(repl, text)
        return replaced


@lru_cache(maxsize=2048)
def compile(source: str, flags: int = 0) -> Pattern:
    """The compiled pattern for ``source`` (cached: patterns built from strings are reused).

    Args:
        source: the pattern text (RE2 syntax).
        flags: ``IGNORECASE`` and/or ``DOTALL``.
    """
    return Pattern(source, flags)


def search(source: str, text: str, flags: int = 0) -> Match | None:
    """The first match of ``source`` anywhere in ``text``.

    Args:
        source: the pattern text.
        text: the text to look in.
        flags: ``IGNORECASE`` and/or ``DOTALL``.
    """
    return compile(source, flags).search(text)


def fullmatch(source: str, text: str, flags: int = 0) -> Match | None:
    """A match of ``source`` over the whole of ``text``.

    Args:
        source: the pattern text.
        text: the text to look in.
        flags: ``IGNORECASE`` and/or ``DOTALL``.
    """
    return compile(source, flags).fullmatch(text)


def findall(source: str, text: str, flags: int = 0) -> list[Any]:
    """Every non-overlapping match of ``source`` in ``text``.

    Args:
        source: the pattern text.
        text: the text to look in.
        flags: ``IGNORECASE`` and/or ``DOTALL``.
    """
    return compile(source, flags).findall(text)


def finditer(source: str, text: str, flags: int = 0) -> Iterator[Match]:
    """Every non-overlapping match of ``source`` in ``text``, left to right.

    Args:
        source: the pattern text.
        text: the text to look in.
        flags: ``IGNORECASE`` and/or ``DOTALL``.
    """
    return compile(source, flags).finditer(text)


def sub(source: str, repl: str | Callable[[Match], str], text: str, flags: int = 0) -> str:
    """``text`` with every match of ``source`` replaced.

    Args:
        source: the pattern text.
        repl: the replacement or a function of the match.
        text: the text to rewrite.
        flags: ``IGNORECASE`` and/or ``DOTALL``.
    """
    return compile(source, flags).sub(repl, text)


def escape(literal: str) -> str:
    """``literal`` with every metacharacter escaped, to embed it in a pattern.

    Args:
        literal: plain text.
    """
    escaped: str = re2.escape(literal)
    return escaped
