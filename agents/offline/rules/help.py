"""Arguments of ``help``, read from the message: the topic asked about, as a registry domain
when it names one ("help with costs" -> ``cost``, "what can I ask about the graph" ->
``graph``), else the word as written when some tool's name or description has it (the tool
lists those)."""

from __future__ import annotations

from functools import cache
from typing import Any

from agents.offline.slots import Slots
from agents.offline.utterance import Utterance
from core import patterns

TOPIC = patterns.compile(
    r"\bhelp(?: me)?(?: (?:with|on|about|for|regarding))?\s+(.+)|"
    r"\bwhat (?:can|could|do|should) (?:you|i|we) (?:do|ask|say|use)(?: you)?\s+"
    r"(?:with|for|about|on|in|regarding|around)\s+(.+)|"
    r"\b(?:questions?|commands?|tools?|capabilities|examples?)(?: are there| do you have)? "
    r"(?:about|for|on|regarding)\s+(.+)|"
    r"^\W*(\w[\w-]*) help\b"
)
BEFORE_NOUN = patterns.compile(
    r"\b([a-z][\w-]*) (?:commands?|things|tools?|questions|capabilities|features|actions|"
    r"stuff|options|examples|help)\b"
)
"""A topic said before what is asked about: "the ec2 commands", "what ipam things can you do"."""
_NOT_TOPIC_WORDS = """me us you it this that them everything anything something all the a an our
    my your questions question things stuff please thanks here there what how with on about for
    to in of around regarding cloudfabric bot"""
NOT_TOPICS = frozenset(_NOT_TOPIC_WORDS.split())
ALIASES = {
    "spend": "cost", "spending": "cost", "bill": "cost", "billing": "cost", "money": "cost",
    "pricing": "cost", "price": "cost", "budget": "cost", "saving": "cost",
    "instance": "ec2", "server": "ec2", "vm": "ec2",
    "volume": "ebs", "disk": "ebs",
    "ip": "ipam", "pool": "ipam", "cidr": "ipam", "address": "ipam",
    "dependency": "graph", "migration": "graph", "blast": "graph",
    "scan": "discovery", "scanning": "discovery",
    "orphan": "inventory", "resource": "inventory",
    "exposure": "security", "firewall": "security", "sg": "security",
    "design": "architecture", "stack": "architecture",
}  # fmt: skip
"""Words for a domain that are not its name (singular)."""


@cache
def _descriptions() -> dict[str, str]:
    """Domain -> its tools' names and descriptions, lower-cased (``help`` left out)."""
    from tools.registry import load_builtin_tools

    text: dict[str, str] = {}
    for spec in load_builtin_tools().all():
        if spec.name != "help":
            text[spec.domain] = f"{text.get(spec.domain, '')} {spec.name} {spec.description}"
    return {domain: words.lower() for domain, words in text.items()}


def _domain(word: str) -> str | None:
    """The registry domain ``word`` names, singular or plural ("costs" -> ``cost``)."""
    singular = word[:-1] if word.endswith("s") and not word.endswith("ss") else word
    for candidate in (word, singular):
        if candidate in _descriptions():
            return candidate
        if candidate in ALIASES:
            return ALIASES[candidate]
    return None


def _help_args(u: Utterance) -> dict[str, Any]:
    said = _topic_after(u)
    if said:
        return said
    for word in BEFORE_NOUN.findall(u.lower, 4):
        domain = _domain(word)
        if domain:
            return {"topic": domain}
    return {}


def _topic_after(u: Utterance) -> dict[str, Any]:
    """The topic said after the request ("help with costs", "commands for inventory")."""
    match = TOPIC.search(u.lower)
    phrase = next((g for g in match.groups() if g), "") if match else ""
    words = [w for w in (t.strip(" ?.!,;:'\"") for t in phrase.split()) if w]
    words = [w for w in words if w not in NOT_TOPICS]
    if not words:
        return {}
    domain = next((d for d in map(_domain, words) if d), None)
    if domain:
        return {"topic": domain}
    known = any(words[0] in text for text in _descriptions().values())
    return {"topic": words[0]} if known else {}


SLOTS: list[Slots] = [Slots("help", _help_args)]
