"""Linking a tool's target argument to things that exist.

Names the message mentions that the lexicon knows win over whatever word the slot builder took
from the sentence; a kind named alone ("the load balancer") links to the only one there is.
What does not link is reported with the closest known names, so the model can ask "did you
mean …?" or "which one?" instead of guessing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from agents.offline.lexicon import Entity, Lexicon, Mention, words_of
from agents.offline.masking import ARN, IP, PROVIDER_ID
from agents.offline.slots import Target
from core import patterns

CANDIDATES = 5
"""At most this many known names are offered when a target is missing."""
KIND_WORDS: tuple[tuple[str, str], ...] = (
    ("instance", r"\b(instance|server|vm|machine|box|host)\b"),
    ("volume", r"\b(volume|disk|ebs volume)\b"),
    ("snapshot", r"\bsnapshot\b"),
    ("vpc", r"\bvpc\b"),
    ("load_balancer", r"\b(load ?balancer|alb|elb)\b"),
    ("target_group", r"\btarget group\b"),
    ("database", r"\b(database|db|rds|postgres)\b"),
    ("function", r"\b(lambda|function)\b"),
    ("auto_scaling_group", r"\b(asg|auto ?scaling group)\b"),
    ("address", r"\b(elastic ip|eip|ip address|public ip)\b"),
    ("nat_gateway", r"\bnat( gateway)?\b"),
    ("internet_gateway", r"\b(internet gateway|igw)\b"),
    ("architecture", r"\b(architecture|stack|proposal)\b"),
)
NAME_LIKE = patterns.compile(r"[\w.]*(?:\d|[\w.]-)[\w.-]*")
"""A word shaped like a resource name (a digit or an inner dash): kept, so it is checked."""
KIND_PATTERNS = tuple((kind, patterns.compile(source)) for kind, source in KIND_WORDS)


@dataclass(frozen=True)
class Unresolved:
    """A target that names nothing known.

    Attributes:
        word: what the person wrote (empty when they named nothing).
        kinds: what it should have named.
        suggestions: the closest known names (did you mean), or candidates when nothing close.
        close: True when ``suggestions`` are close spellings of ``word``.
    """

    word: str
    kinds: tuple[str, ...]
    suggestions: list[Entity] = field(default_factory=list)
    close: bool = False


def _values(args: dict[str, Any], target: Target) -> list[str]:
    value = args.get(target.arg)
    if value is None or value == "":
        return []
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def _fits(entity: Entity, target: Target) -> bool:
    return not target.kinds or entity.kind in target.kinds


def _named(mentions: list[Mention], target: Target, text: str) -> list[str]:
    """Names of the target's kinds the message mentions; a region's code is taken for a thing
    named after it (the ``eu-west-1`` pool) only when the message says which kind it means."""
    names = [m.entity.name for m in mentions if _fits(m.entity, target)]
    return list(dict.fromkeys(n for n in names if not _just_a_region(n, target, text)))


def _just_a_region(name: str, target: Target, text: str) -> bool:
    if not REGION_LIKE.fullmatch(name.lower()):
        return False
    return not any(kind.replace("_", " ") in text.lower() for kind in target.kinds)


def _elsewhere(args: dict[str, Any], target: Target) -> set[str]:
    """Words the slot builder put in other arguments (a region, an account): not the target,
    even when something is named like them (the ``us-east-1`` pool)."""
    taken: set[str] = set()
    for key, value in args.items():
        values = value if isinstance(value, list) else [value]
        if key != target.arg:
            taken |= {v.lower() for v in values if isinstance(v, str)}
    return taken


def _only_of_kind(text: str, lexicon: Lexicon, target: Target) -> list[str]:
    """The one entity of a kind the message names by its kind alone ("the load balancer")."""
    lowered = text.lower()
    for kind, pattern in KIND_PATTERNS:
        if target.kinds and kind not in target.kinds:
            continue
        if pattern.search(lowered):
            found = lexicon.of_kind([kind])
            if len(found) == 1:
                return [found[0].name]
    return []


def is_identifier(value: str) -> bool:
    """True for a provider id, an ARN or an IP address, which name one thing without a lexicon.

    Args:
        value: an argument value.
    """
    lowered = value.lower()
    return bool(PROVIDER_ID.fullmatch(lowered) or ARN.fullmatch(lowered) or IP.fullmatch(lowered))


def link(
    args: dict[str, Any],
    target: Target,
    text: str,
    mentions: list[Mention],
    lexicon: Lexicon,
    by_kind: bool = True,
) -> dict[str, Any]:
    """``args`` with the target argument set to the known things the message names.

    Args:
        args: what the slot builder made.
        target: the tool's target argument.
        text: the message.
        mentions: known entities the message names.
        lexicon: what exists.
        by_kind: a kind named alone may stand for the only thing of that kind (reads only:
            a change must name its target).
    """
    built = _values(args, target)
    ids = [v for v in built if is_identifier(v)]
    taken = _elsewhere(args, target)
    named = [name for name in _named(mentions, target, text) if name.lower() not in taken]
    if not named and not ids and by_kind:
        named = _only_of_kind(text, lexicon, target)
    if not named and not ids:
        return args
    chosen = list(dict.fromkeys(ids + named))
    if target.many:
        covered = {name.lower() for name in chosen}
        chosen += [v for v in built if NAME_LIKE.fullmatch(v) and v.lower() not in covered]
        return {**args, target.arg: list(dict.fromkeys(chosen))}
    return {**args, target.arg: chosen[0]}


def unresolved(args: dict[str, Any], target: Target, lexicon: Lexicon) -> list[Unresolved]:
    """The target values that name nothing known (and a missing required target).

    A kind the lexicon knows nothing of (a live estate not yet scanned) is not checked here:
    the tool resolves those names itself and says when one does not exist.

    Args:
        args: the tool's arguments after ``link``.
        target: the tool's target argument.
        lexicon: what exists.
    """
    known = lexicon.of_kind(target.kinds) if target.kinds else lexicon.entities
    values = _values(args, target)
    if not values:
        return [Unresolved("", target.kinds, known[:CANDIDATES])] if target.required else []
    if not known:
        return []
    missing = []
    for value in values:
        hits = [e for e in lexicon.by_name.get(value.lower(), []) if _fits(e, target)]
        if hits or is_identifier(value):
            continue
        close = [s.entity for s in lexicon.closest(value, target.kinds)]
        missing.append(Unresolved(value, target.kinds, close or known[:CANDIDATES], bool(close)))
    return missing


HYPHENATED = patterns.compile(r"\b[a-z][a-z0-9]*(?:-[a-z0-9]+)+\b")
REGION_LIKE = patterns.compile(r"[a-z]{2}(?:-gov)?-[a-z]+-\d")
CHANNEL = patterns.compile(r"#([A-Za-z0-9][\w-]{0,79})")
"""A Slack channel named in a message (``#ops-alerts``): never a resource."""


def strangers(
    text: str, lexicon: Lexicon, target: Target, vocabulary: frozenset[str] = frozenset()
) -> list[str]:
    """Hyphenated names in ``text`` that name nothing known (``web-9``, ``the qa-pool``).

    A change whose message names something unknown is asked about, never run on the rest.
    For a target the tool can do without (an allocation's pool), only a name said to be of
    that kind counts ("the qa-pool", "pool qa-east"): other new names are what is being made.
    Regions, ids and known names are not strangers.

    Args:
        text: the message.
        lexicon: what exists.
        target: the tool's target argument.
        vocabulary: hyphenated words that are words, not names ("power-cycle").
    """
    words = words_of(text)
    channels = {c.lower() for c in CHANNEL.findall(text, 20)}
    kinds = [kind.replace("_", " ") for kind in target.kinds]
    found = []
    for index, word in enumerate(words[:500]):
        if not HYPHENATED.fullmatch(word) or _known(word, lexicon, vocabulary):
            continue
        if word in channels:
            continue  # a Slack channel (#db-team) names no resource
        nearby = " ".join(words[max(index - 1, 0) : index + 2])
        if target.required or any(kind in nearby for kind in kinds):
            found.append(word)
    return found


def _known(word: str, lexicon: Lexicon, vocabulary: frozenset[str]) -> bool:
    listed = word in lexicon.by_name or word in vocabulary
    return listed or is_identifier(word) or bool(REGION_LIKE.fullmatch(word))
