"""What exists, by name: the things a message can point at, for linking words to real resources.

The offline model links entities by what is known to exist, not by where a word sits in the
sentence: a name is matched exactly first (case-insensitively), then fuzzily with rapidfuzz, so
"web1" or "legacy app" can be offered back as "did you mean web-1 / legacy-app?".
"""

from __future__ import annotations

import string
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from itertools import islice

FUZZY_CUTOFF = 80.0
"""Least rapidfuzz ratio (0-100) for a word to be offered back as a known name."""
WORD_CHARS = string.ascii_letters + string.digits + "_./:$,-"
SEPARATE = bytes.maketrans(
    bytes(c for c in range(256) if chr(c) not in WORD_CHARS),
    b" " * (256 - len(WORD_CHARS)),
)
"""Every byte that cannot be part of a word becomes a space."""
MOST_WORDS = 5_000
"""Words of a message looked at for names: a request names its targets near the start."""
LONGEST_NAME_WORDS = 3


@dataclass(frozen=True)
class Entity:
    """One named thing that exists.

    Attributes:
        name: its name as people write it (``web-1``, ``prod-vpc``, ``prod-eu``).
        kind: what it is: ``instance``, ``volume``, ``snapshot``, ``vpc``, ``subnet``,
            ``security_group``, ``load_balancer``, ``target_group``, ``database``, ``bucket``,
            ``function``, ``address``, ``nat_gateway``, ``internet_gateway``, ``route_table``,
            ``pool``, ``architecture``, ``role``, ``table``, ``cluster``, ``auto_scaling_group`` or
            ``account``.
        ident: its provider id when it has one (``i-0abc...``), else the name.
    """

    name: str
    kind: str
    ident: str = ""


@dataclass(frozen=True)
class Mention:
    """A known entity named in a message.

    Attributes:
        entity: what was named.
        start: index of the first word of the mention among the message's words.
        words: how many words the mention spans.
    """

    entity: Entity
    start: int
    words: int = 1


@dataclass(frozen=True)
class Suggestion:
    """A known name close to a word that matched nothing exactly.

    Attributes:
        word: what the person wrote.
        entity: the closest known entity.
        score: rapidfuzz ratio, 0-100.
    """

    word: str
    entity: Entity
    score: float


def words_of(text: str) -> list[str]:
    """Lower-cased words of ``text`` (letters, digits and ``_./:$,-``; ASCII, as RE2's ``\\w``),
    trailing punctuation removed (``web-1?`` -> ``web-1``): the first ``MOST_WORDS`` of them.

    Byte translation and ``split`` run in C, in time linear in the text.

    Args:
        text: a message.
    """
    ascii_text = text.lower().encode("ascii", "replace").translate(SEPARATE).decode("ascii")
    words = (w.lstrip(".:,-").rstrip(".:/,-") for w in ascii_text.split(maxsplit=MOST_WORDS))
    return [w for w in islice(words, MOST_WORDS) if w]


@dataclass
class Lexicon:
    """Every known entity, indexed by lower-cased name and id.

    Attributes:
        entities: what exists.
    """

    entities: list[Entity] = field(default_factory=list)

    @classmethod
    def of(cls, entities: Iterable[Entity]) -> Lexicon:
        """A lexicon over ``entities`` (first entry wins when two share a name).

        Args:
            entities: what exists.
        """
        return cls(list(entities))

    @cached_property
    def by_name(self) -> dict[str, list[Entity]]:
        """Lower-cased name (and id) -> the entities so called."""
        index: dict[str, list[Entity]] = {}
        for entity in self.entities:
            for key in {entity.name.lower(), entity.ident.lower()} - {""}:
                index.setdefault(key, []).append(entity)
        return index

    def kinds(self) -> set[str]:
        """Every kind this lexicon knows."""
        return {entity.kind for entity in self.entities}

    def of_kind(self, kinds: Iterable[str]) -> list[Entity]:
        """The entities of any of ``kinds``, in lexicon order.

        Args:
            kinds: wanted kinds.
        """
        wanted = set(kinds)
        return [entity for entity in self.entities if entity.kind in wanted]

    def mentions(self, text: str) -> list[Mention]:
        """Known entities named in ``text``, in the order they appear (longest name first).

        Args:
            text: a message.
        """
        words = words_of(text)
        found: list[Mention] = []
        index = 0
        while index < len(words):
            mention = self._longest_at(words, index)
            if mention is None:
                index += 1
                continue
            found.append(mention)
            index += mention.words
        return found

    def _longest_at(self, words: list[str], index: int) -> Mention | None:
        for span in range(min(LONGEST_NAME_WORDS, len(words) - index), 0, -1):
            for joiner in ("-", " ", ""):
                key = joiner.join(words[index : index + span])
                hits = self.by_name.get(key)
                if hits and (span == 1 or joiner != ""):
                    return Mention(hits[0], index, span)
        return None

    def closest(self, word: str, kinds: Iterable[str] = (), limit: int = 3) -> list[Suggestion]:
        """Known names close to ``word``, best first (rapidfuzz ratio at least the cutoff).

        Args:
            word: what the person wrote.
            kinds: only entities of these kinds (all when empty).
            limit: at most this many.
        """
        from rapidfuzz import fuzz, process

        pool = self.of_kind(kinds) if kinds else self.entities
        names = [entity.name.lower() for entity in pool]
        matches = process.extract(
            word.lower(), names, scorer=fuzz.ratio, limit=limit, score_cutoff=FUZZY_CUTOFF
        )
        return [Suggestion(word, pool[index], score) for _, score, index in matches]
