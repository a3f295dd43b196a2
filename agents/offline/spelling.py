"""Typos in chat ("stpo legacy-app", "hlep", "sacn dublin"), corrected against the words the
examples use, so a slip of the keyboard does not turn a request into a different one.

A word is corrected only when it is unknown (not a word of any example, not a known name),
at least four letters long, and exactly one known word is one edit away (a letter added,
dropped, changed, or two neighbours swapped: Damerau-Levenshtein distance 1, with rapidfuzz).
Nothing is corrected when two known words are equally close, or when the two differ only by a
plural "s" (``apps`` may be a new pool's name). At most ``MOST_CORRECTIONS``
unknown words of a message are looked at, so a huge message costs no more than a short one.

A corrected message that leads to a change is never acted on directly: the model asks
"did you mean …?" with the corrected request as the option (``Understanding.decide``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property

from agents.offline.lexicon import Lexicon
from core import patterns

TOKEN = patterns.compile(r"[A-Za-z0-9_./:@#=*-]+")
"""A whole token: a name like ``payments-prod`` or ``i-0abc`` is one token, never corrected."""
ALPHA_WORD = patterns.compile(r"[A-Za-z]{4,24}")
"""A token that may be a misspelt word."""
MOST_CORRECTIONS = 12
"""Unknown words of one message looked at for a correction."""


@dataclass(frozen=True)
class Speller:
    """Corrects one-edit typos against a vocabulary.

    Attributes:
        vocabulary: the words people use with this bot (lower-case).
    """

    vocabulary: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def of(cls, texts: Iterable[str]) -> Speller:
        """A speller knowing every plain word of ``texts`` (not names, channels or ids).

        Args:
            texts: example utterances.
        """
        tokens = {_core(m.group(0)).lower() for text in texts for m in TOKEN.finditer(text)}
        return cls(frozenset(t for t in tokens if ALPHA_WORD.fullmatch(t)))

    @cached_property
    def _choices(self) -> list[str]:
        return sorted(self.vocabulary)

    def correct(self, text: str, lexicon: Lexicon) -> str:
        """``text`` with its one-edit typos fixed (unchanged when there is none).

        Args:
            text: the message.
            lexicon: what exists (its names are never corrected).
        """
        fixes: dict[str, str] = {}
        looked = 0
        for match in TOKEN.finditer(text):
            word = _core(match.group(0)).lower()
            if word in fixes or word in self.vocabulary or word in lexicon.by_name:
                continue
            if not ALPHA_WORD.fullmatch(word):
                continue
            if looked == MOST_CORRECTIONS:
                break
            looked += 1
            fixed = self._closest(word)
            if fixed:
                fixes[word] = fixed
        if not fixes:
            return text
        return TOKEN.sub(lambda m: _fixed(m.group(0), fixes), text)

    def _closest(self, word: str) -> str | None:
        from rapidfuzz import process
        from rapidfuzz.distance import DamerauLevenshtein

        near = process.extract(
            word, self._choices, scorer=DamerauLevenshtein.distance, score_cutoff=1, limit=2
        )
        if len(near) == 1 or (len(near) == 2 and near[0][1] < near[1][1]):
            fixed = str(near[0][0])
            return None if _plural_of(fixed, word) else fixed
        return None


def _plural_of(one: str, other: str) -> bool:
    """``apps`` and ``app``: a plural is a word (or a new name), never a typo of its singular."""
    return one == other + "s" or other == one + "s"


def _core(token: str) -> str:
    """A token without the punctuation that ends a sentence ("hlep." -> "hlep")."""
    return token.rstrip(".:")


def _fixed(token: str, fixes: dict[str, str]) -> str:
    core = _core(token)
    fix = fixes.get(core.lower())
    return fix + token[len(core) :] if fix else token
