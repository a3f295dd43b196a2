"""Messages with their entities replaced by their kind, so the classifier learns how people ask,
not which names they happened to use: "stop web-1 in ireland" and "stop batch-worker in
us-east-1" both become "stop zinstance in zregion".

Every pattern runs on untrusted text, so all of them are RE2 (``core.patterns``).
"""

from __future__ import annotations

from agents.offline.lexicon import Lexicon, words_of
from agents.offline.utterance import REGION_ALIASES
from core import patterns

ID_KINDS: tuple[tuple[str, str], ...] = (
    ("i", "instance"),
    ("vol", "volume"),
    ("snap", "snapshot"),
    ("vpc", "vpc"),
    ("subnet", "subnet"),
    ("sg", "security_group"),
    ("eipalloc", "address"),
    ("nat", "nat_gateway"),
    ("igw", "internet_gateway"),
    ("rtb", "route_table"),
    ("eni", "interface"),
    ("pcx", "peering"),
    ("ami", "image"),
)
PROVIDER_ID = patterns.compile(
    r"\b(i|vol|snap|vpc|subnet|sg|eipalloc|nat|igw|rtb|eni|pcx|ami)-[0-9a-f]{6,17}\b"
)
ARN = patterns.compile(r"\barn:aws[\w-]*:[^\s,;'\"]+")
CIDR = patterns.compile(
    r"\b\d{1,3}(?:\.\d{1,3}){3}/\d{1,2}\b|\b[0-9a-f]{0,4}(?::[0-9a-f]{0,4}){2,7}/\d{1,3}"
)
IP = patterns.compile(r"\b\d{1,3}(?:\.\d{1,3}){3}\b")
PREFIX = patterns.compile(r"(?:^|\s)/\d{1,3}\b")
REGION = patterns.compile(r"\b[a-z]{2}(?:-gov)?-[a-z]+-\d\b")
INSTANCE_TYPE = patterns.compile(
    r"\b(?:db\.|cache\.)?[a-z][a-z0-9]{1,5}\.(?:nano|micro|small|medium|(?:\d{0,2})x?large|metal)\b"
)
ACCOUNT = patterns.compile(r"\b\d{12}\b")
MONEY = patterns.compile(r"\$\s?\d[\d,]*(?:\.\d+)?")
NUMBER = patterns.compile(r"(^|[\s(~])\d[\d,]*(?:\.\d+)?(?:k|m|gb|tb|%)?\b")
CITY = patterns.compile(
    r"\b(?:"
    + "|".join(patterns.escape(city) for city in sorted(REGION_ALIASES, key=len, reverse=True))
    + r")\b"
)
ID_KIND = dict(ID_KINDS)

SUBSTITUTIONS: tuple[tuple[patterns.Pattern, str], ...] = (
    (ARN, " zarn "),
    (CIDR, " zcidr "),
    (IP, " zip "),
    (PREFIX, " zprefix "),
    (REGION, " zregion "),
    (CITY, " zregion "),
    (INSTANCE_TYPE, " ztype "),
    (ACCOUNT, " zaccount "),
    (MONEY, " zmoney "),
)


def _id_token(match: patterns.Match) -> str:
    return f" z{ID_KIND.get(match.group(1), 'id')} "


def _number_token(match: patterns.Match) -> str:
    return f"{match.group(1)} znum "


def mask(text: str, lexicon: Lexicon) -> str:
    """``text`` lower-cased, with ids, CIDRs, regions, types, numbers and known names replaced
    by a word saying what they are.

    Args:
        text: a message (already length-capped by the surface).
        lexicon: what exists, for names.
    """
    lowered = PROVIDER_ID.sub(_id_token, text.lower())
    words = _names_masked(words_of(lowered), lexicon)
    lowered = " ".join(words)
    for pattern, token in SUBSTITUTIONS:
        lowered = pattern.sub(token, lowered)
    return " ".join(NUMBER.sub(_number_token, lowered).split())


def _names_masked(words: list[str], lexicon: Lexicon) -> list[str]:
    if not lexicon.entities:
        return words
    mentions = {m.start: m for m in lexicon.mentions(" ".join(words))}
    out: list[str] = []
    index = 0
    while index < len(words):
        mention = mentions.get(index)
        if mention is None:
            out.append(words[index])
            index += 1
            continue
        out.append("zregion" if REGION.fullmatch(words[index]) else f"z{mention.entity.kind}")
        index += mention.words
    return out
