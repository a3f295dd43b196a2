"""Arguments of the IPAM tools that lay out address space: new pools, subnet plans, templates.

A new pool's name, its parent and its region are told apart by the words around them: pools are
often named after regions (``us-west-2``, ``eu-west-1-qa``), so a region-shaped word is the name
after "pool"/"named", the parent after "under"/"parent"/"inside", and the region only on its own
("in us-east-1").
"""

from __future__ import annotations

from typing import Any

from agents.offline.rules.ipam import ENV_WORDS, ENVIRONMENTS, clean_name, env_words, hosts
from agents.offline.slots import Slots
from agents.offline.utterance import (
    CIDR,
    ENTITY_LIMIT,
    OPEN_QUOTES,
    REGION_ALIASES,
    REGION_SHAPE,
    Utterance,
    whole_number,
)
from core import patterns

NAME = r"([a-z0-9][\w.-]*)"
QUOTE = f"[{OPEN_QUOTES}]?"
NAMED = patterns.compile(rf"\b(?:named|called|name)\s*[=:]?\s*{QUOTE}{NAME}")
NAME_AFTER_POOL = patterns.compile(rf"\bpool\s+{QUOTE}{NAME}")
NAME_BEFORE_POOL = patterns.compile(rf"\b{NAME}\s+pool\b")
PARENT = patterns.compile(
    r"\b(?:under|inside|within|beneath|below|child(?: pool)? of|out of|parent(?: pool)?"
    r"(?: is)?\s*[=:]?|(?:in|from) (?:the )?pool)\s*(?:the\s+)?(?:pool\s+)?"
    rf"{QUOTE}{NAME}"
)
PARENT_POOL = patterns.compile(rf"\b(?:in|inside|within|under) (?:the )?{NAME} pool\b")
IN_NAMED = patterns.compile(rf"\bin (?:the )?{NAME}")
"""'in us-east-1-dev': a pool when the word is name-shaped but not just a region."""
_NOT_POOL_WORDS = """under inside within beneath below out parent child using region regional tree
    hierarchy subtree env environment cidr cidrs block blocks create add make build define
    register set setup spin carve new please ipv6 ipv4 v6 v4 child-pool sub-pool subpool"""
NOT_POOL_NAMES = frozenset(_NOT_POOL_WORDS.split())
ENV_SAID = patterns.compile(r"\benv(?:ironment)?\b\s*[=:]?\s*([a-z][\w-]*)")
ENV_BEFORE = patterns.compile(r"\b([a-z][\w-]*)\s+env(?:ironment)?\b")
ENV_FOR = patterns.compile(rf"\bfor (?:the )?({ENV_WORDS})\b")
ENV_POOL = patterns.compile(rf"\b({ENV_WORDS}) pool\b")
NAME_AFTER_COLON = patterns.compile(rf"\bpool\b[^:,\n]{{0,60}}:\s*{QUOTE}{NAME}")
"""'a pool for the data team: analytics-prod, ...': the name said after a colon."""
ADDED_TO = patterns.compile(
    rf"\b(?:add|put|attach|hang)\b[^;\n]{{0,80}}?\bto (?:the )?(?:pool )?{QUOTE}{NAME}"
)
"""'add a pool X ... to shared': the pool a new one is added to is its parent."""
OWNER = patterns.compile(r"\bowned by\s+([\w.-]+)|\bowner\s*[=:]?\s*([\w.-]+)")


def _pool_word(word: str | None) -> str | None:
    cleaned = clean_name(word) if word else None
    return cleaned if cleaned and cleaned not in NOT_POOL_NAMES else None


def _parent(u: Utterance) -> str | None:
    """The pool a new pool goes under: "under X", "parent X", "inside X", "in pool X"..."""
    for pattern in (PARENT, PARENT_POOL, ADDED_TO):
        for match in pattern.finditer(u.lower, ENTITY_LIMIT):
            word = _pool_word(match.group(1))
            if word and not word.isdigit():
                return word
    for match in IN_NAMED.finditer(u.lower, ENTITY_LIMIT):
        word = _pool_word(match.group(1))
        if word and patterns.search(r"[-\d]", word) and not REGION_SHAPE.fullmatch(word):
            return word
    return None


def _new_name(u: Utterance, parent: str | None) -> str:
    """The new pool's name: after "named"/"called", quoted, after "pool" (a city too: "pool
    tokyo"), after the colon that follows "pool", or before "pool"."""
    candidates = [m.group(1) for m in NAMED.finditer(u.lower, ENTITY_LIMIT)]
    candidates += [q.lower() for q in u.quoted]
    for pattern in (NAME_AFTER_POOL, NAME_AFTER_COLON, NAME_BEFORE_POOL):
        candidates += [m.group(1) for m in pattern.finditer(u.lower, ENTITY_LIMIT)]
    for candidate in candidates:
        word = _pool_word(candidate) or _city(candidate)
        if word and word != parent:
            return word
    return ""


def _city(word: str) -> str | None:
    """A city's name said as a pool's name ("pool tokyo"), kept as written."""
    return word if word in REGION_ALIASES and word not in NOT_POOL_NAMES else None


def _own_regions(u: Utterance, names: list[str]) -> list[str]:
    """Regions the message names on their own, not inside the pool names it mentions."""
    rest = u.lower
    for name in names:
        rest = rest.replace(name, " ", 1)
    return Utterance(rest).regions


def _new_environment(u: Utterance, parent: str | None) -> str | None:
    """The environment as written ("env qa", "qa environment", "for staging", "a dev pool")."""
    for pattern in (ENV_SAID, ENV_BEFORE):
        match = pattern.search(u.lower)
        if match and _pool_word(match.group(1)) and match.group(1) != "new":
            return str(match.group(1))
    for pattern in (ENV_FOR, ENV_POOL):
        match = pattern.search(u.lower)
        if match and match.group(1) != parent:
            return str(match.group(1))
    for item in u.lower.split(",")[1:ENTITY_LIMIT]:
        word = item.strip(" .;:!?")
        if word in ENVIRONMENTS and word != parent:
            return ENVIRONMENTS[word]
    return None


def _create_pool_args(u: Utterance) -> dict[str, Any]:
    parent = _parent(u)
    name = _new_name(u, parent)
    args: dict[str, Any] = {"name": name, "cidrs": u.cidrs}
    if parent:
        args["parent"] = parent
    regions = _own_regions(u, [n for n in (name, parent) if n])
    if regions:
        args["region"] = regions[0]
    env = _new_environment(u, parent)
    if env:
        args["environment"] = env
    owner = OWNER.search(u.lower)
    if owner:
        args["owner"] = owner.group(1) or owner.group(2)
    return args


WORD_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}
COUNT = r"(\d|" + "|".join(WORD_NUMBERS) + ")"
AZ_WORD = r"(?:azs?|availability[ -]zones?|zones?)"
AZS = patterns.compile(rf"(?:^|[^\w-]){COUNT}\s*-?\s*{AZ_WORD}\b|\baz(?:s| count)\s*[=:]?\s*(\d)\b")
"""'3 AZs', '3-az', 'three availability zones', 'az count 3' (not the '1' of 'eu-west-1 zones')."""
TIERS = (
    "public", "private", "data", "app", "web", "db", "database", "isolated", "mgmt", "cache",
    "dmz", "frontend", "backend", "transit",
)  # fmt: skip
TIER = "(" + "|".join(TIERS) + ")"
NUMBER = r"(\d{1,3}(?:,\d{3})+|\d+)"
UNIT = r"(?:hosts?|ips|ip addresses|addresses)"
NOT_HOSTS = rf"\s+(?:subnets?|tiers?|{AZ_WORD})"
"""After a tier and a bare number, these say the number counts something else ('3 private
subnets', 'public 3 azs')."""
TIER_MENTION = patterns.compile(rf"\b{TIER}\b")
TIER_THEN_COUNT = patterns.compile(
    rf"\b{TIER}(?: tier| subnets?)?\s*[=:]?\s*{NUMBER}({NOT_HOSTS})?\b"
)
COUNT_THEN_TIER = patterns.compile(
    rf"\b{NUMBER}\s*({UNIT}\s*(?:for |in )?(?:the )?|for (?:the )?)?"
    rf"{TIER}(\s*{UNIT}|{NOT_HOSTS})?\b"
)
NOT_COUNTED = patterns.compile(rf"{CIDR.pattern}|/\d{{1,3}}\b", patterns.IGNORECASE)
DEFAULT_TIERS = {"public": 100, "private": 1000, "data": 100}


def _az_count(u: Utterance) -> int | None:
    match = AZS.search(u.lower)
    if not match:
        return None
    value = match.group(1) or match.group(2)
    return WORD_NUMBERS.get(value) or whole_number(value)


def _tier_counts(text: str) -> dict[str, int]:
    """Tier -> hosts written next to each other: "public 50", "db: 50", "200 hosts for web"."""
    counts: dict[str, int] = {}
    for match in TIER_THEN_COUNT.finditer(text, ENTITY_LIMIT):
        if not match.group(3):
            counts.setdefault(match.group(1), whole_number(match.group(2)))
    for match in COUNT_THEN_TIER.finditer(text, ENTITY_LIMIT):
        after = match.group(4) or ""
        if match.group(2) or not after or patterns.search(UNIT, after):
            counts.setdefault(match.group(3), whole_number(match.group(1)))
    return counts


def _tiers(u: Utterance) -> dict[str, int]:
    """Each tier's hosts: its own count, else one count said for all, else a default."""
    text = NOT_COUNTED.sub(" ", u.lower)
    counts = _tier_counts(text)
    mentioned = [m.group(1) for m in TIER_MENTION.finditer(text, ENTITY_LIMIT)]
    each = hosts(u) if not counts or u.has(r"\b(each|apiece|per tier|every tier)\b") else None
    if not mentioned and each is None:
        return {}
    chosen = list(dict.fromkeys(mentioned)) or list(DEFAULT_TIERS)
    return {t: counts.get(t) or each or DEFAULT_TIERS.get(t, 250) for t in chosen}


def _subnet_plan_args(u: Utterance) -> dict[str, Any]:
    args: dict[str, Any] = {"cidr": u.cidrs[0] if u.cidrs else ""}
    azs = _az_count(u)
    if azs:
        args["az_count"] = azs
    tiers = _tiers(u)
    if tiers:
        args["tiers"] = tiers
    if u.regions:
        args["region"] = u.regions[0]
    return args


TEMPLATE_NAMES = {
    "cloud-native": "cloud-native",
    "cloud native": "cloud-native",
    "cloudnative": "cloud-native",
    "hierarchical": "hierarchical",
    "hierarchy": "hierarchical",
    "regional": "regional",
    "per-region": "regional",
    "flat": "flat",
    "hybrid": "hybrid",
}


TEMPLATE_NAMED = patterns.compile(r"\b(?:named|called|name(?: it)?)\s*[=:]?\s*([a-z0-9][\w.-]*)")
"""The top pool's name: 'named corp', 'name shared', 'name=lab'."""


def _template_args(u: Utterance) -> dict[str, Any]:
    template = next(
        (value for key, value in TEMPLATE_NAMES.items() if patterns.search(rf"\b{key}\b", u.lower)),
        "",
    )
    args: dict[str, Any] = {"template": template, "cidr": u.cidrs[0] if u.cidrs else ""}
    if u.regions:
        args["regions"] = u.regions
    named = TEMPLATE_NAMED.search(u.lower)
    name = named.group(1) if named else None
    if name:
        args["name"] = name
    envs = [ENVIRONMENTS[w] for w in env_words(u.lower) if w != name]
    if envs:
        args["environments"] = list(dict.fromkeys(envs))
    if len(u.cidrs) > 1 and u.has(r"\bon[- ]?prem\w*|data ?cent(er|re)"):
        args["on_prem_cidr"] = u.cidrs[1]
    return args


SLOTS: list[Slots] = [
    Slots("ipam.plan_subnets", _subnet_plan_args),
    Slots("ipam.create_pool", _create_pool_args),
    Slots("ipam.apply_template", _template_args),
]
