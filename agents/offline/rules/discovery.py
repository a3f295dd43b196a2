"""Arguments of the scan and inventory tools, read from the message (and the resource and scope
reading the graph and security tools share, in ``rules/graph.py`` and ``rules/security.py``)."""

from __future__ import annotations

from typing import Any

from agents.offline.slots import Slots, Target
from agents.offline.utterance import ENTITY_LIMIT, OPEN_QUOTES, Utterance, whole_number
from core import patterns
from tools.discovery.service import normalise_type
from tools.errors import InvalidInput

ARN = patterns.compile(r"\barn:aws[\w-]*:[^\s,;'\"]+")
PROVIDER_ID = patterns.compile(
    r"\b(?:i|sg|vol|subnet|vpc|eni|eipalloc|nat|igw|rtb|snap|pcx|vpce)-[0-9a-f]{6,17}\b"
)
ACCOUNT = patterns.compile(r"\b\d{12}\b")
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
    neighborhood around network architecture hop hops up to most references reference
    referencing refers built runs running hosted deployed sitting lives living inbound outbound
    incoming outgoing consumers callers calls talks points direct directly immediate only depth
    layers layer steps step links two three four five six single top riskiest worst things"""
VOCABULARY = frozenset(_VOCABULARY_TEXT.split())
RESOURCE_KINDS = (
    "instance", "volume", "snapshot", "vpc", "subnet", "security_group", "load_balancer",
    "target_group", "database", "bucket", "function", "address", "nat_gateway",
    "internet_gateway", "route_table", "role", "table", "cluster",
)  # fmt: skip
"""Lexicon kinds the inventory graph holds (not IPAM pools, architectures or accounts)."""
NAME_SHAPED = patterns.compile(r"[-_\d]")


def region(u: Utterance) -> dict[str, Any]:
    """The first region mentioned, as a ``region`` argument.

    Args:
        u: the message.
    """
    return {"region": u.regions[0]} if u.regions else {}


def _identifier(u: Utterance) -> str | None:
    for pattern in (ARN, PROVIDER_ID):
        found = pattern.search(u.text)
        if found:
            return str(found.group(0)).rstrip("?.!,")
    return None


def _shaped_names(u: Utterance) -> list[str]:
    accounts = set(ACCOUNT.findall(u.text, ENTITY_LIMIT))
    names = [n.strip("?.!,") for n in u.names(VOCABULARY)]
    return [n for n in names if NAME_SHAPED.search(n) and n not in accounts]


def resource(u: Utterance) -> str:
    """The resource the message is about: ARN, provider id, quoted or hyphenated name, or
    else the first word left that is not vocabulary (linking then checks it).

    Args:
        u: the message.
    """
    found = _identifier(u)
    if found:
        return found
    names = u.names(VOCABULARY)
    chosen = (u.quoted or _shaped_names(u) or names or [""])[0]
    return chosen.strip("?.!,")


def real_resource(u: Utterance) -> str | None:
    """A resource named unmistakably (ARN, id, quoted or name-shaped), never a plain word.

    Args:
        u: the message.
    """
    return _identifier(u) or next(iter(u.quoted + _shaped_names(u)), None)


def _with_resource(u: Utterance) -> dict[str, Any]:
    return {"resource": resource(u)}


def _scope(u: Utterance) -> dict[str, Any]:
    """A region and an account (12 digits), as the inventory tools' filters."""
    args = region(u)
    accounts = ACCOUNT.findall(u.text, ENTITY_LIMIT)
    if accounts:
        args["account"] = accounts[0]
    return args


SERVICE_WORDS: dict[str, str] = {
    "ec2": r"\bec2\b|\binstances?\b|\bvolumes?\b|\bsnapshots?\b|\belastic ips?\b|\beips?\b",
    "vpc": r"\bvpcs?\b|\bsubnets?\b|\bsecurity groups?\b|\bnat gateways?\b|\bnetworking\b",
    "elbv2": r"\belbv2\b|\belbs?\b|\balbs?\b|\bnlbs?\b|\bload ?balancers?\b|\btarget groups?\b",
    "rds": r"\brds\b|\bdatabases?\b|\baurora\b",
    "s3": r"\bs3\b|\bbuckets?\b",
    "lambda": r"\blambdas?\b|\bfunctions?\b",
    "iam": r"\biam\b|\broles?\b",
    "ecs": r"\becs\b|\bcontainers?\b|\bfargate\b",
    "dynamodb": r"\bdynamo(?:db)?\b",
    "elasticache": r"\belasticache\b|\bredis\b|\bmemcached\b",
    "apigateway": r"\bapi ?gateways?\b|\bapigw\b|\bapis\b",
}
"""Scan collector name -> the words that name its service or what it reads."""


def _scan_args(u: Utterance) -> dict[str, Any]:
    args: dict[str, Any] = {}
    if u.regions:
        args["regions"] = u.regions
    accounts = ACCOUNT.findall(u.text, ENTITY_LIMIT)
    if accounts:
        args["accounts"] = list(dict.fromkeys(accounts))
    services = [name for name, pattern in SERVICE_WORDS.items() if u.has(pattern)]
    if services:
        args["services"] = services
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


QUOTE = f"[{OPEN_QUOTES}]?"
NAME_SAID = patterns.compile(
    r"\b(?:named|called|name (?:contains|containing|like|matching|has|with)|names? containing|"
    rf"whose names? (?:contains?|has|includes?)|matching|containing)\s+{QUOTE}([\w.*-]+)"
)
NAME_INSIDE = patterns.compile(rf"\bwith\s+{QUOTE}([\w.*-]+){QUOTE}\s+in (?:the|their|its) names?")
SEARCH_FOR = patterns.compile(
    r"\b(?:search|look|grep|hunt)(?:ing)?(?: the)?(?: inventory| estate)?(?: for)\s+"
    rf"(?:the )?{QUOTE}([\w.*-]+)"
)
NOT_SEARCHED = frozenset(
    {"all", "any", "anything", "everything", "resources", "resource", "things", "stuff", "items"}
)


def _name_filter(u: Utterance) -> str | None:
    """A substring of names: quoted, after "named"/"called", "with X in the name", "search for"."""
    if u.quoted:
        return u.quoted[0]
    for pattern in (NAME_SAID, NAME_INSIDE, SEARCH_FOR):
        match = pattern.search(u.lower)
        word = str(match.group(1)) if match else ""
        if word and word not in NOT_SEARCHED and _resource_type(Utterance(word)) is None:
            return word
    return None


GROUP_KEYS = {"type": "type", "kind": "type", "service": "service", "region": "region"}
GROUP_KEYS |= {"account": "account", "state": "state", "status": "state"}
GROUP = patterns.compile(
    r"\b(?:grouped by|group by|broken down by|split by|counts? by|per|by|for each|in each|"
    r"for every|in every|each)\s+(?:resource\s+)?(type|kind|service|region|account|state|status)"
    r"(?:e?s)?\b"
)
TAG_GROUP = patterns.compile(
    r"\b(?:grouped by|group by|broken down by|split by|per|for each|in each|by tag)\s+"
    r"(?:tag\s+)?([a-z][\w.:-]*)"
)
KEY_TAG_GROUP = patterns.compile(
    r"\b(?:grouped by|group by|broken down by|split by|by|per|for each|in each)\s+"
    r"(?:the\s+|their\s+)?([a-z][\w.:-]*)\s+tags?\b"
)
NOT_GROUPS = frozenset({"the", "a", "an", "name", "resource", "day", "hour", "page", "tag"})


def _group_by(u: Utterance) -> str | None:
    """Counts per type, region, account or state ("in each region"), or per tag ("per team",
    "by env tag")."""
    match = GROUP.search(u.lower)
    if match:
        return GROUP_KEYS[match.group(1)]
    tag = KEY_TAG_GROUP.search(u.lower) or TAG_GROUP.search(u.lower)
    return f"tag:{tag.group(1)}" if tag and tag.group(1) not in NOT_GROUPS else None


TAG_KEY_ONLY = patterns.compile(
    r"\b(?:an?|any|the|some|with|carry|carries|carrying|have|has|having|bear|bears|bearing)\s+(?:an?\s+|the\s+)?([a-z][\w.:-]*)\s+tags?\b|"
    r"\btagged\s+with\s+(?:an?\s+|the\s+)?([a-z][\w.:-]*)\s*(?:[,.?!]|$|tags?\b|(?:and|with)\s+"
    r"any\b)",
    patterns.IGNORECASE,
)
TAG_ABSENT = patterns.compile(
    r"\b(?:missing|without|lacks?|lacking|no|untagged)\b[^.?!]{0,24}\btag"
)
NOT_TAG_KEYS = frozenset({"a", "an", "any", "the", "some", "no", "same", "this", "that", "name"})


def _tags(u: Utterance) -> dict[str, str]:
    """Tag filters: ``key=value`` pairs, or a key alone ("carry an env tag") for any value."""
    pairs = {k: v for k, v in u.tags.items() if k.lower() != "with"}  # "tagged with owner"
    if pairs:
        return pairs
    match = None if TAG_ABSENT.search(u.lower) else TAG_KEY_ONLY.search(u.text)
    key = str(match.group(1) or match.group(2)) if match else None
    return {key: "*"} if key and key.lower() not in NOT_TAG_KEYS else {}


LIFECYCLE = (
    r"(available|in-use|running|stopped|stopping|pending|terminated|active|inactive|"
    r"associated|unassociated|completed|creating|deleting|failed|error)"
)
STATE_SAID = patterns.compile(
    rf"\b(?:in (?:the |an? )?|state (?:is |of |= ?)?|status (?:is |of |= ?)?){LIFECYCLE}\b|"
    rf"\b{LIFECYCLE} (?:state|status)\b"
)


def _state(u: Utterance) -> str | None:
    """A lifecycle state named as one: "in the available state", "status in-use"."""
    match = STATE_SAID.search(u.lower)
    return (match.group(1) or match.group(2)) if match else None


def _search_args(u: Utterance) -> dict[str, Any]:
    args: dict[str, Any] = _scope(u)
    kind = _resource_type(u)
    if kind:
        args["type"] = kind
    group = _group_by(u)
    tags = _tags(u)
    if tags and not (group and group.startswith("tag:") and list(tags.values()) == ["*"]):
        args["tags"] = tags
    if group:
        args["group_by"] = group
    state = _state(u)
    if state:
        args["state"] = state
    name = _name_filter(u)
    if name:
        args["name"] = name
    return args


UNIT_HOURS = {"m": 1 / 60, "h": 1.0, "d": 24.0, "w": 168.0}
TIME_UNIT = r"(minutes?|mins?|hours?|hrs?|h|days?|d|weeks?|w)"
SINCE = patterns.compile(
    rf"\b(?:last|past|previous)\s+(?:(\d+(?:\.\d+)?)\s*)?{TIME_UNIT}\b|"
    rf"\b(\d+(?:\.\d+)?)\s*{TIME_UNIT}\s+ago\b"
)
SCAN_ID = patterns.compile(
    r"\bscan\s*(?:#|no\.?|number|id)?\s*#?\s*(\d+)(\s*(?:minutes?|mins?|hours?|hrs?|h|days?|"
    r"d|weeks?|w)\b)?"
)


def _since_hours(u: Utterance) -> float | None:
    """Hours back: "past hour", "last 3 hours", "last 2 days", "90 minutes ago"."""
    match = SINCE.search(u.lower)
    if match:
        count = match.group(1) or match.group(3) or "1"
        unit = (match.group(2) or match.group(4))[0]
        return float(count) * UNIT_HOURS[unit]
    if u.has(r"\b(yesterday|last day|today)\b"):
        return 24.0
    if u.has(r"\b(this|last|past) week\b"):
        return 168.0
    return None


def _changes_args(u: Utterance) -> dict[str, Any]:
    args: dict[str, Any] = {}
    scan = SCAN_ID.search(u.lower)
    if scan and not scan.group(2):
        args["scan_id"] = whole_number(scan.group(1))
    hours = _since_hours(u)
    if hours:
        args["since_hours"] = hours
    return args


AGE_UNITS = {"d": 1, "w": 7, "m": 30, "y": 365}
AGE = patterns.compile(
    r"\b(?:older than|over|more than|at least|above|beyond|past)\s+(\d+|an?|one)\s*"
    r"(days?|d|weeks?|months?|years?)\b|\b(\d+)\+?\s*(days?|weeks?|months?|years?)[ -]old\b"
)


def _orphans_args(u: Utterance) -> dict[str, Any]:
    args = _scope(u)
    age = AGE.search(u.lower)
    if age:
        count = age.group(1) or age.group(3)
        unit = (age.group(2) or age.group(4))[0]
        number = 1 if count in ("a", "an", "one") else whole_number(count)
        args["snapshot_max_age_days"] = number * AGE_UNITS[unit]
    return args


SLOTS: list[Slots] = [
    Slots("discovery.scan", _scan_args),
    Slots("inventory.search", _search_args),
    Slots("inventory.describe", _with_resource),
    Slots("inventory.changes", _changes_args),
    Slots("inventory.orphans", _orphans_args),
]

TARGETS: dict[str, Target] = {
    "inventory.describe": Target("resource"),
}
