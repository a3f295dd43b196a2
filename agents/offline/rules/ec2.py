"""Arguments of the EC2 instance tools, read from the message: filters, targets, a region."""

from __future__ import annotations

from typing import Any

from agents.offline.slots import Slots, Target
from agents.offline.utterance import ENTITY_LIMIT, OPEN_QUOTES, Utterance
from core import patterns

VERB_VOCABULARY = frozenset(
    {"fire", "bounce", "cycle", "power-cycle", "powercycle", "spin", "wake", "bring", "inspect"}
)


def _region(u: Utterance) -> dict[str, Any]:
    return {"region": u.regions[0]} if u.regions else {}


def _targets(u: Utterance) -> list[str]:
    return u.instance_ids + [n for n in u.names(VERB_VOCABULARY) if n not in u.instance_ids]


QUOTE = f"[{OPEN_QUOTES}]?"
NAME_PREFIX = patterns.compile(
    r"\b(?:names?|named|called)\s+(?:that\s+|which\s+)?(?:starts?|starting|begins?|beginning|"
    rf"prefixed)(?:\s+with)?\s+{QUOTE}([\w.-]+)"
)
NAME_SUFFIX = patterns.compile(
    r"\b(?:names?|named|called)\s+(?:that\s+|which\s+)?(?:ends?|ending|suffixed)(?:\s+(?:with|in))?"
    rf"\s+{QUOTE}([\w.-]+)"
)
NAME_INSIDE = patterns.compile(
    r"\b(?:names?|named|called)\s+(?:that\s+|which\s+)?(?:contains?|containing|includes?|"
    rf"including|has|with)\s+{QUOTE}([\w.-]+)|\bwith\s+{QUOTE}([\w.-]+){QUOTE}\s+in\s+"
    r"(?:the|their|its)\s+names?\b"
)
NEGATED_STATE = patterns.compile(
    r"\b(?:not|no|nothing|never|without)\s+(?:\w+\s+)?(pending|running|stopping|stopped)\b"
)


def _name_pattern(u: Utterance) -> str | None:
    """A Name-tag pattern said in words: "starts with batch" (``batch*``), "ending in -1"
    (``*-1``), "with web in the name" (``*web*``)."""
    prefix = NAME_PREFIX.search(u.lower)
    if prefix:
        return f"{prefix.group(1)}*"
    suffix = NAME_SUFFIX.search(u.lower)
    if suffix:
        return f"*{suffix.group(1)}"
    inside = NAME_INSIDE.search(u.lower)
    if inside:
        return f"*{inside.group(1) or inside.group(2)}*"
    return None


def _states(u: Utterance) -> list[str]:
    """States asked for, leaving out a negated one ("not stopping anything")."""
    negated = {m.group(1) for m in NEGATED_STATE.finditer(u.lower, ENTITY_LIMIT)}
    return [s for s in u.states if s not in negated]


def _state_synonyms(u: Utterance) -> list[str]:
    if u.has(r"\b(turned off|off|down|halted|shut down)\b"):
        return ["stopped"]
    if u.has(r"\b(up|live|active|on)\b"):
        return ["running"]
    return []


def _list_args(u: Utterance) -> dict[str, Any]:
    args: dict[str, Any] = _region(u)
    states = _states(u) or ([] if u.states else _state_synonyms(u))
    if states:
        args["state"] = states[0]
    if u.tags:
        args["tags"] = dict(u.tags)
    wildcard = [t for t in u.tokens if "*" in t]
    said = _name_pattern(u)
    explicit = ([said] if said else []) + u.quoted + wildcard
    if explicit:
        args["name"] = explicit[0]
    return args


def _describe_args(u: Utterance) -> dict[str, Any]:
    targets = _targets(u)
    return {"target": targets[0] if targets else "", **_region(u)}


def _power_args(u: Utterance) -> dict[str, Any]:
    return {"targets": _targets(u), **_region(u)}


SLOTS: list[Slots] = [
    Slots("ec2.list_instances", _list_args),
    Slots("ec2.describe_instance", _describe_args),
    Slots("ec2.stop_instances", _power_args),
    Slots("ec2.start_instances", _power_args),
    Slots("ec2.reboot_instances", _power_args),
]

INSTANCES = Target("targets", ("instance",), many=True)
TARGETS: dict[str, Target] = {
    "ec2.describe_instance": Target("target", ("instance",)),
    "ec2.stop_instances": INSTANCES,
    "ec2.start_instances": INSTANCES,
    "ec2.reboot_instances": INSTANCES,
}
