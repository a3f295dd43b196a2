"""Arguments of the fix tools, read from the message: an Auto Scaling group and its desired
count, a security group and the inbound rule to remove, a Lambda function and its reserved
concurrency or timeout, a database and its new storage size."""

from __future__ import annotations

from typing import Any

from agents.offline.linking import NAME_LIKE
from agents.offline.slots import Slots, Target
from agents.offline.utterance import CIDR, ENTITY_LIMIT, Utterance, whole_number
from core import patterns

VOCABULARY = frozenset(
    {
        "asg", "auto", "scaling", "autoscaling", "group", "desired", "capacity", "desiredcapacity",
        "scale", "instances", "nodes", "servers", "sg", "security", "ingress", "inbound",
        "rule", "port", "ports", "tcp", "udp", "ssh", "rdp", "world", "internet", "anywhere",
        "lambda", "function", "concurrency", "reserved", "concurrent", "executions", "timeout",
        "seconds", "minutes", "rds", "db", "database", "storage", "allocated", "disk", "gib",
        "gb", "tb", "world-open", "internet-facing", "concurrency=10", "timeout=30",
    }
)  # fmt: skip
"""Words of these requests that never name a resource."""
NUMBER_WORDS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "twelve": 12, "twenty": 20,
}  # fmt: skip
NUM = r"(\d{1,7}|" + "|".join(NUMBER_WORDS) + r")"
STANDALONE = patterns.compile(r"(?:^|[\s=:(,])" + NUM + r"(?:$|[\s,.;:!?)]|s\b|gb|gib|tb)")
COUNT_AFTER = patterns.compile(
    r"\b(?:to|at|of|desired(?:\s?(?:capacity|count|size))?|make it|run|have|=)\s*" + NUM + r"\b"
)
COUNT_BEFORE = patterns.compile(NUM + r"\s+(?:more\s+)?(?:instances?|servers?|nodes?|hosts?)\b")
THROTTLE_ALL = patterns.compile(
    r"\b(?:throttle (?:\w+ )?(?:completely|all|entirely|fully)|throttle all|freeze|pause|"
    r"to zero|stop \w+ from running)\b"
)
DURATION = patterns.compile(
    r"\b(\d{1,5})\s*(s|secs?|seconds?|m|mins?|minutes?)\b|\b" + NUM + r"\s+(minutes?|seconds?)\b"
)
SIZE = patterns.compile(r"\b(\d{1,6})\s*(gib|gb|g|tib|tb|t)\b")
PORT_RANGE = patterns.compile(r"\b(\d{1,5})\s*-\s*(\d{1,5})\b")
PORT_WORD = patterns.compile(r"\b(?:port|ports|tcp|udp)\s+(\d{1,5})\b")
SERVICES = (
    (r"\bssh\b", 22), (r"\brdp\b|\bremote desktop\b", 3389), (r"\bhttps\b", 443),
    (r"\bhttp\b", 80), (r"\bpostgres(?:ql)?\b", 5432), (r"\bmysql\b", 3306),
)  # fmt: skip
ALL_TRAFFIC = patterns.compile(r"\ball (?:traffic|ports|protocols)\b")
SG_ID = patterns.compile(r"\bsg-[0-9a-f]{6,17}\b")


def _region(u: Utterance) -> dict[str, Any]:
    return {"region": u.regions[0]} if u.regions else {}


def _name(u: Utterance) -> str:
    names = [n for n in u.names(VOCABULARY) if NAME_LIKE.fullmatch(n)]
    return names[0] if names else ""


def _value(said: str) -> int:
    return NUMBER_WORDS[said] if said in NUMBER_WORDS else whole_number(said)


def _without_names(u: Utterance) -> str:
    """The lower-cased text with CIDRs and name-shaped words (web-1, sg-…) blanked."""
    text = CIDR.sub(" ", u.lower)
    kept = [w if w.isdigit() or not _named(w) else "_" for w in text.split()]
    return " ".join(kept)


def _named(word: str) -> bool:
    """A name with a dash and a letter (web-1, sg-0ab…), not a port range (1024-2048)."""
    return bool(NAME_LIKE.fullmatch(word)) and "-" in word and any(c.isalpha() for c in word)


def _standalone(text: str) -> int | None:
    found = STANDALONE.search(text)
    return _value(found.group(1)) if found else None


def desired_count(u: Utterance) -> int | None:
    """The desired capacity said: "to 4", "6 instances", "zero", else the one number.

    Args:
        u: the message.
    """
    text = _without_names(u)
    after = [m.group(1) for m in COUNT_AFTER.finditer(text, ENTITY_LIMIT)]
    if after:
        return _value(after[-1])
    before = COUNT_BEFORE.findall(text, ENTITY_LIMIT)
    return _value(before[-1]) if before else _standalone(text)


def _capacity_args(u: Utterance) -> dict[str, Any]:
    args: dict[str, Any] = {"target": _name(u), **_region(u)}
    count = desired_count(u)
    return {**args, "desired": count} if count is not None else args


def rule_of(u: Utterance) -> dict[str, Any]:
    """Protocol, port (range) and source CIDR of the rule a message names.

    Args:
        u: the message.
    """
    text = _without_names(u)
    rule: dict[str, Any] = {"cidr": u.cidrs[0] if u.cidrs else "0.0.0.0/0"}
    if ALL_TRAFFIC.search(text):
        return {**rule, "protocol": "all"}
    if u.has(r"\budp\b"):
        rule["protocol"] = "udp"
    ranged = PORT_RANGE.search(text)
    if ranged:
        return {**rule, "port": int(ranged.group(1)), "to_port": int(ranged.group(2))}
    worded = PORT_WORD.search(text)
    number = int(worded.group(1)) if worded else _standalone(text)
    if number is None:
        number = next((port for said, port in SERVICES if u.has(said)), None)
    return {**rule, "port": number} if number is not None else rule


def _revoke_args(u: Utterance) -> dict[str, Any]:
    ids = SG_ID.findall(u.lower, ENTITY_LIMIT)
    group = ids[0] if ids else _name(u)
    return {"group": group, **rule_of(u), **_region(u)}


def _concurrency_args(u: Utterance) -> dict[str, Any]:
    args: dict[str, Any] = {"target": _name(u), **_region(u)}
    text = _without_names(u)
    count = _standalone(text)
    if count is None and THROTTLE_ALL.search(text):
        count = 0
    return {**args, "concurrency": count} if count is not None else args


def timeout_seconds(u: Utterance) -> int | None:
    """Seconds said: "60 seconds", "5 minutes", "45s", "3 min", else the one number.

    Args:
        u: the message.
    """
    text = _without_names(u)
    found = DURATION.search(text)
    if found is None:
        return _standalone(text)
    amount = _value(found.group(1) or found.group(3))
    unit = found.group(2) or found.group(4)
    return amount * 60 if unit.startswith("m") else amount


def _timeout_args(u: Utterance) -> dict[str, Any]:
    args: dict[str, Any] = {"target": _name(u), **_region(u)}
    seconds = timeout_seconds(u)
    return {**args, "seconds": seconds} if seconds is not None else args


def size_gib(u: Utterance) -> int | None:
    """GiB said: "200 GiB", "150 GB", "1 TB" (1024), else the one number.

    Args:
        u: the message.
    """
    text = _without_names(u)
    found = SIZE.search(text)
    if found is None:
        return _standalone(text)
    amount = whole_number(found.group(1))
    return amount * 1024 if found.group(2).startswith("t") else amount


def _storage_args(u: Utterance) -> dict[str, Any]:
    args: dict[str, Any] = {"target": _name(u), **_region(u)}
    size = size_gib(u)
    return {**args, "size_gib": size} if size is not None else args


SLOTS: list[Slots] = [
    Slots("asg.set_desired_capacity", _capacity_args),
    Slots("ec2.revoke_security_group_ingress", _revoke_args),
    Slots("lambda.set_reserved_concurrency", _concurrency_args),
    Slots("lambda.set_timeout", _timeout_args),
    Slots("rds.modify_allocated_storage", _storage_args),
]

TARGETS: dict[str, Target] = {
    "asg.set_desired_capacity": Target("target", ("auto_scaling_group",)),
    "ec2.revoke_security_group_ingress": Target("group", ("security_group",)),
    "lambda.set_reserved_concurrency": Target("target", ("function",)),
    "lambda.set_timeout": Target("target", ("function",)),
    "rds.modify_allocated_storage": Target("target", ("database",)),
}
