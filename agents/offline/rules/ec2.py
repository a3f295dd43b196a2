"""Arguments of the EC2 instance tools, read from the message: filters, targets, a region."""

from __future__ import annotations

from typing import Any

from agents.offline.slots import Slots, Target
from agents.offline.utterance import Utterance

VERB_VOCABULARY = frozenset(
    {"fire", "bounce", "cycle", "power-cycle", "powercycle", "spin", "wake", "bring", "inspect"}
)


def _region(u: Utterance) -> dict[str, Any]:
    return {"region": u.regions[0]} if u.regions else {}


def _targets(u: Utterance) -> list[str]:
    return u.instance_ids + [n for n in u.names(VERB_VOCABULARY) if n not in u.instance_ids]


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
