"""How people ask about cost: prices, run-rates, spend, spikes, savings, forecasts, charts."""

from __future__ import annotations

from typing import Any

from agents.offline.intents import Intent, Target
from agents.offline.rules import cost_entities as ce
from agents.offline.utterance import ENTITY_LIMIT, Utterance, whole_number
from core import patterns

MONEY = (
    r"\b(cost|costs|costing|price|prices|pricing|priced|spend|spent|spending|bill|billing|"
    r"expensive|pricey|priciest|money|dollars?|\$|budget|charges?|run[- ]?rate)\b"
)
PRICE_ASK = (
    r"\b(how much (is|are|does|do)|price of|pricing (of|for)|(hourly|list) (price|rate)|"
    r"per (hour|gb|month|request)|what does .* cost|what('s| is) the (price|cost|rate))\b"
)
PRICEABLE = (
    r"\b(gp2|gp3|io1|io2|st1|sc1|nat( gateway)?|ipv4|elastic ip|public ip|alb|nlb|load balancer|"
    r"lambda|s3|dynamodb|snapshots?|data transfer|egress|iops|throughput)\b|"
    + ce.INSTANCE_TYPE.pattern
)
# "us" but not "us-east-1": RE2 has no look-ahead, so the character after "us" is matched.
OURS = r"\b(our|my|we|we're|the estate|account'?s?)\b|\bus(?:[^\w-]|$)"
SPIKE = (
    r"\b(jump(ed)?|spike[ds]?|spiking|surge[ds]?|went up|go up|increase[ds]?|higher|"
    r"more than usual|anomal(y|ies)|doubled|tripled|shot up|rose|rising)\b"
)
SAVE = (
    r"\b(save|saving|savings|cut|reduce|reducing|lower|optimi[sz]e|optimi[sz]ation|waste|"
    r"wasting|wasted|idle|unused|rightsiz\w*|cheaper|trim)\b"
)
TOP = (
    r"\b(most expensive|priciest|most costly|costs? the most|biggest (cost|spend)|"
    r"top \d* ?(cost|spend|expensive)|eating (our|the|my) budget|rank\w* .*by cost)\b"
)
SPENT = (
    r"\b(how much (did|have) (we|i)|what did (we|i) spend|spent|"
    r"spend(ing)? (by|per|for|on|last|this|so far|over)|actual (spend|cost)s?|cost explorer|"
    r"our (aws )?bill|the bill (so far|this|last))\b"
)
FORECAST = (
    r"\b(forecast\w*|project(ed|ion)|predict\w*|on track|end of (the )?month|month[- ]end|"
    r"will (we|i|it|the bill|our bill) (spend|be|cost|come))\b|\bwill\b.{0,30}\b(bill|spend|cost)\b"
)
RELEASE = r"\b(release|free( up)?|delete|remove|drop|give back|let go of|get rid of|deallocate)\b"
RESIZE = (
    r"\b(resize|rightsize|downsize|upsize|upgrade|downgrade|change|switch|move|modify|convert|"
    r"make|migrate)\b"
)
# An EC2 type standing on its own: not the tail of ``db.m5.large`` or ``cache.t3.micro``.
EC2_TYPE = (
    r"(?:^|[^\w.])[a-z][a-z0-9-]*\d[a-z0-9-]*\."
    r"(nano|micro|small|medium|large|\d*xlarge|metal)\b"
)
FIX_VOCABULARY = frozenset(
    {
        "resize",
        "rightsize",
        "downsize",
        "upsize",
        "upgrade",
        "downgrade",
        "change",
        "switch",
        "move",
        "modify",
        "convert",
        "make",
        "migrate",
        "turn",
        "type",
        "volume",
        "volumes",
        "disk",
        "disks",
        "ebs",
        "snapshot",
        "snapshotting",
        "delete",
        "remove",
        "release",
        "free",
        "drop",
        "clean",
        "cleanup",
        "get",
        "rid",
        "archive",
        "back",
        "backup",
        "elastic",
        "ip",
        "ips",
        "eip",
        "eips",
        "address",
        "addresses",
        "public",
        "unattached",
        "unused",
        "idle",
        "spare",
        "to",
        "from",
        "into",
        "then",
        "after",
        "it",
        "generation",
        "current",
        "give",
        "let",
        "go",
        "as",
        "an",
        "unassociated",
        "associated",
        "attached",
    }
)


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
    if u.has(r"\bmysql\b"):
        args["engine"] = "mysql"
    if u.has(r"\b(arm|graviton|arm64)\b"):
        args["arch"] = "arm"
    return args


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
        (r"\bs3\b", "s3", _s3_class(u)),
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


def _top_args(u: Utterance) -> dict[str, Any]:
    match = patterns.search(r"\btop\s+(\d+)\b|\b(\d+)\s+most\b", u.lower)
    limit = whole_number(match.group(1) or match.group(2)) if match else 5
    return {"limit": max(1, min(limit, 50)), **_region(u)}


def _actuals_args(u: Utterance) -> dict[str, Any]:
    period = ce.period_mentioned(u)
    args: dict[str, Any] = {"group_by": ce.grouping(u, "service")}
    if period:
        args["period"] = period
    else:
        args["days"] = ce.days_back(u)
    if u.has(r"\b(monthly|per month|by month|month by month)\b"):
        args["granularity"] = "MONTHLY"
    return args


def _spike_args(u: Utterance) -> dict[str, Any]:
    return ce.day_mentioned(u)


def _chart_args(u: Utterance) -> dict[str, Any]:
    kind = (
        "breakdown"
        if u.has(r"\b(breakdown|pie|bar|split|share|by (account|region|service|tag))\b")
        else "trend"
    )
    return {"kind": kind, "days": ce.days_back(u), "group_by": ce.grouping(u, "service")}


def _resize_args(u: Utterance) -> dict[str, Any]:
    targets = u.instance_ids + _names(u)
    types = [t for t in ce.instance_types(u) if not t.startswith(("db.", "cache."))]
    return {
        "target": targets[0] if targets else "",
        "instance_type": ce.target_type(u, types) or "",
        **_region(u),
    }


def _volume_targets(u: Utterance) -> list[str]:
    ids = ce.VOLUME_ID.findall(u.lower, ENTITY_LIMIT)
    return ids + [n for n in _names(u) if n.lower() not in ids]


def _modify_volume_args(u: Utterance) -> dict[str, Any]:
    kind = ce.target_type(u, ce.volume_types(u)) or "gp3"
    return {"targets": _volume_targets(u), "volume_type": kind, **_region(u)}


def _delete_volume_args(u: Utterance) -> dict[str, Any]:
    return {"targets": _volume_targets(u), **_region(u)}


def _release_args(u: Utterance) -> dict[str, Any]:
    ids = ce.ALLOCATION_ID.findall(u.lower, ENTITY_LIMIT) + ce.public_ips(u.text)
    names = [n for n in _names(u) if n not in ids and not ce.IPV4.fullmatch(n)]
    return {"targets": ids + names, **_region(u)}


NOT_PRICE = (
    OURS
    + r"|\b(estimate|run[- ]?rate|spend|spent|would|\d+\s*x|\d+ (m|t|c|r)\d)|"
    + SAVE
    + "|"
    + SPIKE
    + r"|\b(resize|convert|change|release|delete|chart|forecast)\b"
)
NOT_ESTIMATE = (
    r"\b(forecast|project(ed|ion)?|end of (the )?month|month[- ]end|this month'?s bill)\b|" + SPIKE
)
NOT_ACTUALS = (
    SPIKE
    + "|"
    + SAVE
    + r"|\b(forecast|project(ed|ion)|will|chart|graph|plot|save|savings|expensive|estimate)\b"
)
VOLUME_TYPES = r"\b(gp2|gp3|io1|io2|st1|sc1)\b"
ADDRESS = r"\b(elastic ips?|eips?|ip address(es)?|public ips?|address(es)?)\b|eipalloc-"
CHART = r"\b(chart|graph|plot|visuali[sz]e|picture|diagram|pie)\b"

INTENTS: list[Intent] = [
    Intent(
        tool="cost.price",
        patterns=(
            (PRICE_ASK, 3.0),
            (MONEY, 1.0),
            (PRICEABLE, 1.5),
            (r"\b(list price|on[- ]demand)\b", 1.0),
        ),
        build=_price_args,
        requires=PRICEABLE,
        excludes=NOT_PRICE,
    ),
    Intent(
        tool="cost.estimate",
        patterns=(
            (r"\b(estimate|estimated cost|run[- ]?rate|what would .* cost|how much would)\b", 3.5),
            (r"\b(per|a|each|every) month\b|\bmonthly\b", 1.0),
            (r"\b\d+\s*x?\s*[a-z]+\d[a-z0-9-]*\.", 1.5),
            (MONEY, 0.5),
        ),
        build=_estimate_args,
        excludes=NOT_ESTIMATE,
    ),
    Intent(
        tool="cost.top_resources",
        patterns=((TOP, 5.0), (r"\b(resources?|things|items|instances|services)\b", 0.5)),
        build=_top_args,
    ),
    Intent(
        tool="cost.actuals",
        patterns=(
            (SPENT, 4.0),
            (r"\b(last|past|previous|this) (\d+ )?(days?|weeks?|months?|quarter|year)\b", 1.0),
            (r"\b(by|per) (service|account|region|usage|team|tag)\b", 1.0),
            (MONEY, 0.5),
        ),
        build=_actuals_args,
        excludes=NOT_ACTUALS,
    ),
    Intent(
        tool="cost.investigate_spike",
        patterns=(
            (SPIKE, 3.0),
            (MONEY, 1.5),
            (r"\b(why|what caused|cause|explain|investigate|drove|driving|behind)\b", 1.5),
        ),
        build=_spike_args,
        requires=SPIKE,
    ),
    Intent(
        tool="cost.recommendations",
        patterns=(
            (SAVE, 3.0),
            (MONEY + r"|\b(aws|resources?)\b", 1.0),
            (r"\b(where|how|what|any|find|show|suggest\w*|recommend\w*|ideas?)\b", 0.5),
        ),
        build=lambda u: _region(u),
        requires=SAVE,
        excludes=r"\b(resize|convert|release|delete|snapshot|stop|start)\b",
    ),
    Intent(
        tool="cost.forecast",
        patterns=((FORECAST, 4.0), (MONEY + r"|\b(month|monthly)\b", 1.0)),
        build=lambda u: {},
        excludes=r"\b(chart|graph|plot)\b",
    ),
    Intent(
        tool="cost.chart",
        patterns=((CHART + r"|\bbar chart\b", 4.0), (MONEY + r"|\btrend\b", 1.5)),
        build=_chart_args,
        requires=CHART,
    ),
    Intent(
        tool="ec2.modify_instance_type",
        patterns=((RESIZE, 2.5), (r"\binstance type\b|\bto (an? )?[a-z]+\d[a-z0-9-]*\.", 2.0)),
        build=_resize_args,
        requires=EC2_TYPE,
        excludes=r"\b(how much|price|cost|what would|estimate|volume|disk|gp[23])\b",
    ),
    Intent(
        tool="ebs.modify_volume_type",
        patterns=(
            (r"\b(change|switch|move|modify|convert|make|migrate|turn|upgrade)\b", 2.5),
            (r"\b(to|into|an?) (gp3|gp2|io1|io2|st1|sc1)\b", 2.5),
            (r"\b(volumes?|disks?|ebs|vol-)", 1.0),
        ),
        build=_modify_volume_args,
        requires=VOLUME_TYPES,
        excludes=r"\b(how much|price|cost|delete|remove|release|where|save)\b",
    ),
    Intent(
        tool="ebs.snapshot_and_delete_volume",
        patterns=(
            (r"\b(delete|remove|get rid of|clean ?up|drop|archive|back ?up and)\b", 2.5),
            (r"\bsnapshot", 1.5),
            (r"\b(volumes?|disks?|ebs)\b|\bvol-", 2.0),
        ),
        build=_delete_volume_args,
        requires=r"\b(volumes?|disks?|ebs)\b|\bvol-",
        excludes=r"\b(how much|price|where|which|list|show|gp3 |elastic ip|eip)\b",
    ),
    Intent(
        tool="ec2.release_address",
        patterns=((RELEASE, 2.5), (ADDRESS, 3.0)),
        build=_release_args,
        requires=ADDRESS,
        excludes=r"\b(how much|price|cost|where|which|list|show)\b",
    ),
]

VOLUMES = Target("targets", ("volume",), many=True)
TARGETS: dict[str, Target] = {
    "ec2.modify_instance_type": Target("target", ("instance",)),
    "ebs.modify_volume_type": VOLUMES,
    "ebs.snapshot_and_delete_volume": VOLUMES,
    "ec2.release_address": Target("targets", ("address",), many=True),
}
