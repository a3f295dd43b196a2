"""Arguments of the cost tools and the fixes they recommend, read from the message.

What to price, which period, how to group, which resource to change and to what.
"""

from __future__ import annotations

from typing import Any

from agents.offline.rules import cost_entities as ce
from agents.offline.slots import Slots, Target
from agents.offline.utterance import ENTITY_LIMIT, STOPWORDS, Utterance
from core import patterns

_FIX_WORDS = """
    resize rightsize downsize upsize upgrade downgrade change switch move modify convert make
    migrate turn type volume volumes disk disks ebs snapshot snapshotting delete remove release
    free drop clean cleanup get rid archive back backup elastic ip ips eip eips address addresses
    public unattached unused idle spare to from into then after it generation current give let
    go as an unassociated associated attached"""
FIX_VOCABULARY = frozenset(_FIX_WORDS.split())
"""Words of a change request that never name the resource to change."""


def _region(u: Utterance) -> dict[str, Any]:
    return {"region": u.regions[0]} if u.regions else {}


def _names(u: Utterance) -> list[str]:
    skip = FIX_VOCABULARY | set(ce.instance_types(u)) | set(ce.volume_types(u))
    return [n for n in u.names(skip) if not ce.INSTANCE_TYPE.fullmatch(n.lower())]


def _price_args(u: Utterance) -> dict[str, Any]:
    args: dict[str, Any] = {"region": u.regions[0]} if u.regions else {}
    types = ce.instance_types(u)
    service, item = _price_service(u, types)
    args["service"] = service
    if item:
        args["item"] = item
    if u.has(r"\bmulti[- ]?az\b"):
        args["multi_az"] = True
    engine = _engine(u, service)
    if engine:
        args["engine"] = engine
    if u.has(r"\b(arm|graviton|arm64)\b"):
        args["arch"] = "arm"
    return args


ENGINES = {
    "rds": ((r"\bmysql\b", "mysql"), (r"\bpostgres(?:ql)?\b|\bpg\b", "postgres")),
    "elasticache": (
        (r"\bredis\b", "redis"),
        (r"\bvalkey\b", "valkey"),
        (r"\bmemcached?\b", "memcached"),
    ),
}
"""Database and cache engines a price question may name, by service."""


def _engine(u: Utterance, service: str) -> str | None:
    """The engine named for an RDS class or a cache node ("db.t3.medium postgres")."""
    return next((name for pattern, name in ENGINES.get(service, ()) if u.has(pattern)), None)


def _price_service(u: Utterance, types: list[str]) -> tuple[str, str | None]:
    if types:
        kind = types[0]
        return (
            "rds"
            if kind.startswith("db.")
            else "elasticache"
            if kind.startswith("cache.")
            else "ec2"
        ), kind
    volumes = ce.volume_types(u)
    checks: list[tuple[str, str, str | None]] = [
        (r"\bsnapshots?\b", "snapshot", None),
        (r"\biops\b", "ebs_iops", volumes[0] if volumes else None),
        (r"\bthroughput\b", "ebs_throughput", None),
        (
            r"\bnat\b.*\b(per gb|data|processed|gb)\b|\b(per gb|data processed)\b.*\bnat\b",
            "nat_gb",
            None,
        ),
        (r"\bnat\b", "nat_hour", None),
        (r"\b(ipv4|elastic ip|public ip|eip)\b", "public_ipv4", None),
        (r"\b(nlb|network load balancer)\b", "elb", "network"),
        (r"\b(alb|load balancer|elb)\b", "elb", "application"),
        (r"\blambda\b.*\b(request|invocation)s?\b", "lambda_requests", None),
        (r"\blambda\b", "lambda_duration", None),
        (r"\bs3\b.*\b(put|get) requests?\b", "s3_requests", _s3_request(u)),
        (r"\bs3\b|\bglacier\b|\bobject storage\b", "s3", _s3_class(u)),
        (r"\bdynamodb\b", "dynamodb", _dynamodb_item(u)),
        (r"\b(data transfer|egress|transfer out)\b", "data_transfer", None),
    ]
    for pattern, service, item in checks:
        if u.has(pattern):
            return service, item
    return "ebs", volumes[0] if volumes else "gp3"


S3_CLASSES = (
    (r"standard[- ]ia|infrequent", "standard-ia"),
    (r"one ?zone", "onezone-ia"),
    (r"glacier instant|glacier ir", "glacier-ir"),
    (r"glacier", "glacier"),
    (r"intelligent", "intelligent-tiering"),
)


def _s3_class(u: Utterance) -> str:
    for pattern, name in S3_CLASSES:
        if u.has(pattern):
            return name
    return "standard"


def _s3_request(u: Utterance) -> str:
    return "get" if u.has(r"\bget\b") else "put"


def _dynamodb_item(u: Utterance) -> str:
    return "read" if u.has(r"\breads?\b") else "write" if u.has(r"\bwrites?\b") else "storage"


def _estimate_args(u: Utterance) -> dict[str, Any]:
    proposed = ce.proposed_resources(u)
    if proposed:
        return {"resources": proposed}
    args: dict[str, Any] = {**_region(u), "group_by": ce.grouping(u, "region")}
    env = patterns.search(r"\b(prod|production|staging|dev|shared)\b", u.lower)
    if env and not u.tags:
        args["tags"] = {"env": {"production": "prod"}.get(env.group(1), env.group(1))}
    if u.tags:
        args["tags"] = dict(u.tags)
    return args


RANKED = r"(?:most|priciest|costliest|dearest|biggest|largest|highest|expensive|top)"
TOP_COUNT = patterns.compile(
    rf"\btop\s+{ce.COUNT}\b|(?:^|[^\w-]){ce.COUNT}\s+{RANKED}\b|\b{RANKED}\s+{ce.COUNT}\b"
)
"""How many to list: "top 10", "the 4 priciest", "five most expensive", "priciest 7"."""


def _top_args(u: Utterance) -> dict[str, Any]:
    match = TOP_COUNT.search(u.lower)
    count = next((c for c in match.groups() if c), None) if match else None
    limit = ce.how_many(count) if count else 5
    return {"limit": max(1, min(limit, 50)), **_region(u)}


NO_GROUPING = (
    r"\bno (?:grouping|breakdown|split)\b|\bwithout (?:any |a )?(?:grouping|breakdown|split)\b|"
    r"\bun-?grouped\b|\bnot (?:grouped|broken down|split)\b|\b(?:just|only) (?:the |a |one )?"
    r"(?:grand |overall )?(?:total|sum|number)\b|\b(?:grand|overall) total only\b"
)
"""One total rather than a line per service: "no grouping", "just the total"."""


def _actuals_args(u: Utterance) -> dict[str, Any]:
    period = ce.period_mentioned(u)
    grouping = "none" if u.has(NO_GROUPING) else ce.grouping(u, "service")
    args: dict[str, Any] = {"group_by": grouping}
    if period:
        args["period"] = period
    else:
        args["days"] = ce.days_back(u)
    if u.has(r"\b(monthly|per month|by month|month by month)\b"):
        args["granularity"] = "MONTHLY"
    elif u.has(r"\b(daily|per day|by day|day by day|each day|every day)\b"):
        args["granularity"] = "DAILY"
    return args


BREAKDOWN_WORDS = r"\b(breakdown|broken down|break down|pie|bar|split|share|shares|proportions?)\b"
TREND_WORDS = r"\b(trend|trends|trending|over time|line|daily|per day|day by day|timeline)\b"


def _chart_args(u: Utterance) -> dict[str, Any]:
    """A breakdown when asked for one or when a dimension is named without a trend word: the
    trend chart is daily spend split by the same ``group_by``, so "daily spend by region" is a
    trend and "spend by region" (or "per team") a breakdown."""
    named = ce.grouping(u, "")
    if u.has(BREAKDOWN_WORDS):
        kind = "breakdown"
    elif u.has(TREND_WORDS):
        kind = "trend"
    else:
        kind = "breakdown" if named else "trend"
    return {"kind": kind, "days": ce.days_back(u), "group_by": named or "service"}


def _resize_args(u: Utterance) -> dict[str, Any]:
    targets = u.instance_ids + _names(u)
    types = [t for t in ce.instance_types(u) if not t.startswith(("db.", "cache."))]
    return {
        "target": targets[0] if targets else "",
        "instance_type": ce.target_type(u, types) or "",
        **_region(u),
    }


def _compound_verb(word: str) -> bool:
    """ "snapshot-and-delete", "back-up-then-remove": words of the request joined, not a name."""
    parts = word.lower().split("-")
    joined = "and" in parts or "then" in parts
    return joined and all(p in FIX_VOCABULARY or p in STOPWORDS for p in parts)


def _volume_targets(u: Utterance) -> list[str]:
    ids = ce.VOLUME_ID.findall(u.lower, ENTITY_LIMIT)
    names = [n for n in _names(u) if n.lower() not in ids and not _compound_verb(n)]
    return ids + names


def _modify_volume_args(u: Utterance) -> dict[str, Any]:
    kind = ce.target_type(u, ce.volume_types(u)) or "gp3"
    return {"targets": _volume_targets(u), "volume_type": kind, **_region(u)}


def _delete_volume_args(u: Utterance) -> dict[str, Any]:
    return {"targets": _volume_targets(u), **_region(u)}


def _release_args(u: Utterance) -> dict[str, Any]:
    ids = ce.ALLOCATION_ID.findall(u.lower, ENTITY_LIMIT) + ce.public_ips(u.text)
    names = [n for n in _names(u) if n not in ids and not ce.IPV4.fullmatch(n)]
    return {"targets": ids + names, **_region(u)}


SLOTS: list[Slots] = [
    Slots("cost.price", _price_args),
    Slots("cost.estimate", _estimate_args),
    Slots("cost.top_resources", _top_args),
    Slots("cost.actuals", _actuals_args),
    Slots("cost.investigate_spike", ce.window_mentioned),
    Slots("cost.recommendations", _region),
    Slots("cost.forecast", lambda u: {}),
    Slots("cost.chart", _chart_args),
    Slots("ec2.modify_instance_type", _resize_args),
    Slots("ebs.modify_volume_type", _modify_volume_args),
    Slots("ebs.snapshot_and_delete_volume", _delete_volume_args),
    Slots("ec2.release_address", _release_args),
]

VOLUMES = Target("targets", ("volume",), many=True)
TARGETS: dict[str, Target] = {
    "ec2.modify_instance_type": Target("target", ("instance",)),
    "ebs.modify_volume_type": VOLUMES,
    "ebs.snapshot_and_delete_volume": VOLUMES,
    "ec2.release_address": Target("targets", ("address",), many=True),
}
