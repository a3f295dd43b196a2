"""Arguments of the inventory, graph and exposure tools, read from the message."""

from __future__ import annotations

from typing import Any

from agents.offline.slots import Slots, Target
from agents.offline.utterance import ENTITY_LIMIT, Utterance, whole_number
from core import patterns
from tools.discovery.service import normalise_type
from tools.errors import InvalidInput

ARN = patterns.compile(r"\barn:aws[\w-]*:[^\s,;'\"]+")
PROVIDER_ID = patterns.compile(
    r"\b(?:i|sg|vol|subnet|vpc|eni|eipalloc|nat|igw|rtb|snap|pcx|vpce)-[0-9a-f]{6,17}\b"
)
ACCOUNT = patterns.compile(r"\b\d{12}\b")
HOURS = patterns.compile(r"\b(?:last|past)\s+(\d+)\s*(hours?|h|days?|d|weeks?)\b")
TYPE_WORDS: dict[str, str] = {
    r"\bbuckets?\b": "bucket",
    r"\b(rds|databases?|dbs)\b": "rds",
    r"\bload ?balancers?|\balbs?\b|\belbs?\b": "load balancer",
    r"\btarget groups?\b": "target group",
    r"\b(lambdas?|functions?)\b": "lambda",
    r"\bvpcs\b": "vpc",
    r"\bsubnets\b": "subnet",
    r"\b(volumes?|disks?)\b": "volume",
    r"\bsnapshots\b": "snapshot",
    r"\bsecurity groups\b": "security group",
    r"\b(elastic ips?|eips?)\b": "eip",
    r"\bnat gateways?\b": "nat gateway",
    r"\b(roles?)\b": "role",
    r"\bdynamodb|\btables\b": "table",
    r"\b(ecs )?clusters\b": "cluster",
    r"\binstances\b": "instance",
}
_VOCABULARY_TEXT = """
    depend depends dependency dependencies dependents depending rely relies relying need needs
    connected connect uses use using upstream downstream levels level deep blast radius break
    breaks broken affected affect impact impacted fails fail failure goes go dies die crash
    crashes crashed outage losing lose lost stops working deleted delete if when whom
    migrate migration migrating move moving order sequence waves wave plan first could should
    we risk risky riskiest score rate safe hard hardest difficult assessment vpc subnet security
    group sg bucket database db rds load balancer alb target lambda function volume table role
    gateway nat route describe details detail tell know inventory look up info out would be
    an by which services service down resources resource everything draw drawing diagram picture
    visualise visualize sketch png image map topology neighbours neighbors neighbourhood
    neighborhood around network architecture hop hops up to most"""
VOCABULARY = frozenset(_VOCABULARY_TEXT.split())


def _region(u: Utterance) -> dict[str, Any]:
    return {"region": u.regions[0]} if u.regions else {}


def _resource(u: Utterance) -> str:
    """The resource the message is about: ARN, provider id, quoted or hyphenated name."""
    for pattern in (ARN, PROVIDER_ID):
        found = pattern.search(u.text)
        if found:
            return found.group(0).rstrip("?.!,")
    names = u.names(VOCABULARY)
    shaped = [n for n in names if patterns.search(r"[-_\d]", n)]
    chosen = (u.quoted or shaped or names or [""])[0]
    return chosen.strip("?.!,")


def _with_resource(u: Utterance) -> dict[str, Any]:
    return {"resource": _resource(u)}


def _scan_args(u: Utterance) -> dict[str, Any]:
    args: dict[str, Any] = {}
    if u.regions:
        args["regions"] = u.regions
    accounts = ACCOUNT.findall(u.text, ENTITY_LIMIT)
    if accounts:
        args["accounts"] = accounts
    return args


def _resource_type(u: Utterance) -> str | None:
    """The resource type the message names, as the inventory's filter (``s3:bucket``).

    A word the inventory does not know stays as typed: the tool says what it accepts.

    Args:
        u: the message.
    """
    for pattern, word in TYPE_WORDS.items():
        if u.has(pattern):
            try:
                return normalise_type(word) or word
            except InvalidInput:
                return word
    return None


def _search_args(u: Utterance) -> dict[str, Any]:
    args: dict[str, Any] = _region(u)
    kind = _resource_type(u)
    if kind:
        args["type"] = kind
    accounts = ACCOUNT.findall(u.text, ENTITY_LIMIT)
    if accounts:
        args["account"] = accounts[0]
    if u.tags:
        args["tags"] = dict(u.tags)
    group = patterns.search(
        r"\b(?:per|by|grouped by|broken down by)\s+(type|region|account|state|\w+)", u.lower
    )
    if group:
        key = group.group(1)
        args["group_by"] = key if key in ("type", "region", "account", "state") else f"tag:{key}"
    named = patterns.search(r"\bnamed\s+([\w.-]+)", u.text)
    if named:
        args["name"] = named.group(1)
    return args


def _changes_args(u: Utterance) -> dict[str, Any]:
    found = HOURS.search(u.lower)
    if found:
        unit = found.group(2)[0]
        factor = {"h": 1, "d": 24, "w": 168}[unit]
        return {"since_hours": float(found.group(1)) * factor}
    if u.has(r"\b(yesterday|last day|today)\b"):
        return {"since_hours": 24.0}
    if u.has(r"\b(this|last|past) week\b"):
        return {"since_hours": 168.0}
    return {}


def _dependency_args(u: Utterance) -> dict[str, Any]:
    dependents = u.has(
        r"\b(what|which|who)\b.*\b(depends? on|relies on|rely on|uses|needs)\s+\S+|dependents|"
        r"\b(rel(y|ies) on|use|uses)\b.*\b(it|this)\b"
    ) and not u.has(r"\bwhat does\b")
    args: dict[str, Any] = {**_with_resource(u)}
    args["direction"] = "dependents" if dependents or u.has(r"\bdependents\b") else "dependencies"
    depth = patterns.search(r"\b(\d+) (levels?|hops?)\b", u.lower)
    if depth:
        args["depth"] = whole_number(depth.group(1))
    return args


def _diagram_args(u: Utterance) -> dict[str, Any]:
    args: dict[str, Any] = {**_with_resource(u)}
    depth = patterns.search(r"\b(\d+) (levels?|hops?|links?)\b", u.lower)
    if depth:
        args["depth"] = whole_number(depth.group(1))
    limit = patterns.search(r"\b(?:up to|at most|max(?:imum)?|limit(?: of)?) (\d+)\b", u.lower)
    if limit:
        args["limit"] = whole_number(limit.group(1))
    return args


def _risk_args(u: Utterance) -> dict[str, Any]:
    ref = _resource(u)
    return {"resource": ref} if ref else _region(u)


SLOTS: list[Slots] = [
    Slots("discovery.scan", _scan_args),
    Slots("inventory.search", _search_args),
    Slots("inventory.describe", _with_resource),
    Slots("inventory.changes", _changes_args),
    Slots("graph.dependencies", _dependency_args),
    Slots("graph.blast_radius", _with_resource),
    Slots("graph.migration_order", _with_resource),
    Slots("graph.migration_risk", _risk_args),
    Slots("security.risky_security_groups", lambda u: {**_region(u), "include_unused": True}),
    Slots("security.public_exposure", _region),
    Slots("graph.diagram", _diagram_args),
    Slots("inventory.orphans", _region),
]

RESOURCE = Target("resource")
TARGETS: dict[str, Target] = {
    "inventory.describe": RESOURCE,
    "graph.blast_radius": RESOURCE,
    "graph.dependencies": RESOURCE,
    "graph.diagram": RESOURCE,
    "graph.migration_order": RESOURCE,
    "graph.migration_risk": Target("resource", required=False),
}
