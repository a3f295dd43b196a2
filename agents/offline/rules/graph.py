"""Arguments of the dependency-graph tools, read from the message: the resource, which way to
walk (what it needs, or what needs it), how far, and for migration risk a region and a count."""

from __future__ import annotations

from typing import Any

from agents.offline.rules.discovery import RESOURCE_KINDS, real_resource, region, resource
from agents.offline.slots import Slots, Target
from agents.offline.utterance import Utterance, whole_number
from core import patterns

ACTIVE = patterns.compile(
    r"\b(?:depends? on|depend upon|rel(?:y|ies) on|uses?|needs?|requires?|references?|refers to|"
    r"points? (?:to|at)|calls?|talks? to|connects? to|(?:is|are) attached to|"
    r"runs? (?:on|in|inside)|lives? in|sits? in|"
    r"(?:is|are|gets?|was|were) (?:built|running|hosted|deployed|placed|sitting|living) "
    r"(?:on|in|inside|into))\b"
)
"""A verb of needing: the resource before it is the one that needs ('what does X use'),
after it the one needed ('what depends on X', 'who references X', 'what is built in X')."""
PASSIVE = patterns.compile(
    r"\b(?:used|referenced|needed|required|depended on|relied on|called) by\b"
)
"""The same, turned round: 'is X used by anything', 'what is used by X'."""
DEPENDENTS_WORDS = patterns.compile(
    r"\b(?:dependents|inbound|incoming|downstream|consumers?|callers?|reverse dependencies)\b"
)
DEPENDENCIES_WORDS = patterns.compile(r"\b(?:outbound|outgoing|upstream)\b")
"""Upstream is what a resource draws on (its dependencies), downstream what draws on it, as
in "upstream services" and "downstream impact"."""
ASKED_OF = patterns.compile(r"\b(?:what|which)\b[^?.]*?\b(?:does|do|did)\s+(\S+)")
"""'what does X depend on / need / use': the question is asked of X (not of 'we')."""
PEOPLE = frozenset({"we", "you", "i", "they", "people", "anyone", "anything"})
WORD_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                "eight": 8, "nine": 9, "ten": 10, "single": 1, "a single": 1}  # fmt: skip
DEPTH_COUNT = r"(\d+|" + "|".join(WORD_NUMBERS) + ")"
DEPTH = patterns.compile(
    rf"\b{DEPTH_COUNT}[ -](?:levels?|hops?|layers?|steps?|links?)\b|\bdepth (?:of )?(\d+)\b|"
    rf"\b(\d+) deep\b"
)
DIRECT_ONLY = patterns.compile(r"\b(?:direct(?:ly)?|immediate)\b")


def _depth(u: Utterance) -> int | None:
    """Hops to follow: "one hop", "2 levels deep", "depth 3"; "direct" only is one."""
    match = DEPTH.search(u.lower)
    if match:
        value = next(v for v in match.groups() if v)
        return WORD_NUMBERS.get(value) or whole_number(value)
    return 1 if DIRECT_ONLY.search(u.lower) else None


def _direction(u: Utterance, name: str) -> str:
    """What needs the resource ("dependents") or what it needs ("dependencies", the default)."""
    text = u.lower
    if DEPENDENTS_WORDS.search(text):
        return "dependents"
    asked_of = ASKED_OF.search(text)
    if DEPENDENCIES_WORDS.search(text) or (asked_of and asked_of.group(1) not in PEOPLE):
        return "dependencies"
    at = text.find(name.lower()) if name else -1
    for pattern, before in ((ACTIVE, "dependencies"), (PASSIVE, "dependents")):
        verb = pattern.search(text)
        if verb:
            after = "dependents" if before == "dependencies" else "dependencies"
            return before if 0 <= at < verb.start() else after
    return "dependencies"


def _dependency_args(u: Utterance) -> dict[str, Any]:
    name = resource(u)
    args: dict[str, Any] = {"resource": name, "direction": _direction(u, name)}
    depth = _depth(u)
    if depth:
        args["depth"] = depth
    return args


def _with_resource(u: Utterance) -> dict[str, Any]:
    return {"resource": resource(u)}


def _blast_args(u: Utterance) -> dict[str, Any]:
    """The failing resource and how many hops of what needs it to follow."""
    args = _with_resource(u)
    depth = _depth(u)
    if depth:
        args["depth"] = depth
    return args


def _diagram_args(u: Utterance) -> dict[str, Any]:
    args: dict[str, Any] = {"resource": resource(u)}
    depth = _depth(u)
    if depth:
        args["depth"] = depth
    limit = patterns.search(r"\b(?:up to|at most|max(?:imum)?|limit(?: of)?) (\d+)\b", u.lower)
    if limit:
        args["limit"] = whole_number(limit.group(1))
    return args


RISKIEST = r"(?:riskiest|most risky|hardest|worst|most dangerous|trickiest)"
RANK_COUNT = r"(\d+|" + "|".join(w for w in WORD_NUMBERS if "single" not in w) + ")"
TOP = patterns.compile(
    rf"\btop[ -]{RANK_COUNT}\b|(?:^|[^\w-]){RANK_COUNT} (?:[a-z]+ ){{0,3}}{RISKIEST}\b|"
    rf"\b{RISKIEST} {RANK_COUNT}\b"
)
"""How many to rank: "top 5", "the 3 riskiest", "which 3 resources are riskiest"."""


def _risk_args(u: Utterance) -> dict[str, Any]:
    """A real resource (id, ARN, quoted or name-shaped; known names are linked), a region on
    its own, and "top N"."""
    args: dict[str, Any] = region(u)
    name = real_resource(u)
    if name:
        args["resource"] = name
    top = TOP.search(u.lower)
    if top:
        count = next(v for v in top.groups() if v)
        args["top"] = WORD_NUMBERS.get(count) or whole_number(count)
    return args


SLOTS: list[Slots] = [
    Slots("graph.dependencies", _dependency_args),
    Slots("graph.blast_radius", _blast_args),
    Slots("graph.migration_order", _with_resource),
    Slots("graph.migration_risk", _risk_args),
    Slots("graph.diagram", _diagram_args),
]

RESOURCE = Target("resource")
TARGETS: dict[str, Target] = {
    "graph.blast_radius": RESOURCE,
    "graph.dependencies": RESOURCE,
    "graph.diagram": RESOURCE,
    "graph.migration_order": RESOURCE,
    "graph.migration_risk": Target("resource", RESOURCE_KINDS, required=False),
}
