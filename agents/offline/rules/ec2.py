"""How people ask about EC2 instances: list, describe, stop, start, reboot."""

from __future__ import annotations

from typing import Any

from agents.offline.intents import Intent, Target
from agents.offline.utterance import Utterance

PLURAL = r"\b(instances|servers|vms|machines|boxes|hosts|nodes|fleet|ec2s?|everything)\b"
SINGULAR = r"\b(instance|server|vm|machine|box|host|node)\b"
QUESTION_START = (
    r"^(list|show|which|what|whats|what's|display|how many|are there|is there|any|give me|"
    r"get me|tell me|find|count|enumerate)\b"
)
STOP_WORDS = (
    r"\b(stop|shut ?down|shut\b.*\bdown|halt|power(ed)? (off|down)|turn\b.*\boff|kill|pause)\b"
)
START_WORDS = (
    r"\b(start|boot\b.*\bup|boot|power (it )?on|turn\b.*\bon|bring\b.*\b(up|back)|spin\b.*\bup|"
    r"wake|fire up|resume)\b"
)
REBOOT_WORDS = r"\b(reboot|restart|bounce|power[- ]?cycle|cycle)\b"
DESCRIBE_WORDS = r"\b(describe|details?|about|info(rmation)?|inspect|status of|state of|look ?up)\b"
VERB_VOCABULARY = frozenset(
    {"fire", "bounce", "cycle", "power-cycle", "powercycle", "spin", "wake", "bring", "inspect"}
)


def _region(u: Utterance) -> dict[str, Any]:
    return {"region": u.regions[0]} if u.regions else {}


def _targets(u: Utterance) -> list[str]:
    return u.instance_ids + [n for n in u.names(VERB_VOCABULARY) if n not in u.instance_ids]


def _has_target(u: Utterance) -> float:
    return 2.0 if _targets(u) else 0.0


def _state_synonyms(u: Utterance) -> list[str]:
    if u.has(r"\b(turned off|off|down|halted|shut down)\b"):
        return ["stopped"]
    if u.has(r"\b(up|live|active|on)\b"):
        return ["running"]
    return []


def _list_args(u: Utterance) -> dict[str, Any]:
    args: dict[str, Any] = _region(u)
    states = u.states or _state_synonyms(u)
    if states:
        args["state"] = states[0]
    if u.tags:
        args["tags"] = dict(u.tags)
    wildcard = [t for t in u.tokens if "*" in t]
    explicit = u.quoted + wildcard
    if explicit:
        args["name"] = explicit[0]
    return args


def _describe_args(u: Utterance) -> dict[str, Any]:
    targets = _targets(u)
    return {"target": targets[0] if targets else "", **_region(u)}


def _power_args(u: Utterance) -> dict[str, Any]:
    return {"targets": _targets(u), **_region(u)}


def _list_boost(u: Utterance) -> float:
    return -2.0 if _targets(u) and not u.has(PLURAL) else 0.0


def _power_intent(tool: str, words: str, weight: float, not_with: str | None) -> Intent:
    """An intent for one power verb: its words, a target, and never a question."""
    excludes = QUESTION_START + (f"|{not_with}" if not_with else "")
    return Intent(
        tool=tool,
        patterns=((words, weight), (SINGULAR + "|" + PLURAL, 0.5)),
        build=_power_args,
        boost=_has_target,
        excludes=excludes,
    )


INTENTS: list[Intent] = [
    Intent(
        tool="ec2.list_instances",
        patterns=(
            (PLURAL, 2.0),
            (QUESTION_START, 1.0),
            (r"\b(running|stopped|pending|up|on)\b", 0.5),
            (r"\bwhat('s| is)? (running|up)\b", 2.0),
        ),
        build=_list_args,
        boost=_list_boost,
        excludes=r"\b(cost|price|spend|bill|cidr|ipam|pool|security group|depend|blast)\b",
    ),
    Intent(
        tool="ec2.describe_instance",
        patterns=(
            (
                r"\b(describe|details?|about|info(rmation)?|inspect|status of|state of|look ?up)\b",
                2.0,
            ),
            (r"\b(tell me|show( me)?|what is|what's|whats|how is|is)\b", 0.5),
            (SINGULAR, 0.5),
        ),
        build=_describe_args,
        boost=_has_target,
        excludes=r"\b(cost|price|spend|cidr|ipam|pool|depend|blast)\b|" + PLURAL,
    ),
    _power_intent("ec2.stop_instances", STOP_WORDS, 3.0, r"\b(stopped|restart|reboot)\b"),
    _power_intent("ec2.start_instances", START_WORDS, 3.0, r"\b(restart|reboot|started)\b"),
    _power_intent("ec2.reboot_instances", REBOOT_WORDS, 3.5, None),
]

INSTANCES = Target("targets", ("instance",), many=True)
TARGETS: dict[str, Target] = {
    "ec2.describe_instance": Target("target", ("instance",)),
    "ec2.stop_instances": INSTANCES,
    "ec2.start_instances": INSTANCES,
    "ec2.reboot_instances": INSTANCES,
}
