"""How people ask about the inventory, the dependency graph and exposure."""

from __future__ import annotations

from typing import Any

from agents.offline.intents import Intent, Target
from agents.offline.utterance import ENTITY_LIMIT, Utterance, whole_number
from core import patterns

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
TYPE_MENTION = (
    r"(?:^|[^\w-])(vpc|subnet|security group|sg|bucket|database|db|rds|load balancer|alb|"
    r"target group|lambda|function|volume|table|role|nat gateway|gateway|route table|eni|"
    r"snapshot)(?:[^\w-]|$)"
)
NAME_HINT = patterns.compile(
    r"(^|[-_])(db|sg|vpc|subnet|alb|elb|tg|bucket|logs|assets|role|nat|igw)([-_]|$)"
)
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


def _resource_boost(u: Utterance) -> float:
    ref = _resource(u)
    if not ref:
        return 0.0
    return 2.0 if ARN.search(ref) or NAME_HINT.search(ref.lower()) else 1.5


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


def _search_args(u: Utterance) -> dict[str, Any]:
    args: dict[str, Any] = _region(u)
    for pattern, word in TYPE_WORDS.items():
        if u.has(pattern):
            args["type"] = word
            break
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


DRAW = r"\b(diagram|draw|picture|visuali[sz]e|sketch|png|image|map( out)?|topology)\b"


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


NOT_GRAPH = r"\b(cost|spend|bill|cidr|ipam|pool)\b"

INTENTS: list[Intent] = [
    Intent(
        tool="discovery.scan",
        patterns=(
            (r"\b(re-?scan|scan)\b", 5.5),
            (r"\b(refresh|update|rebuild|sync)\b.*\b(inventory|estate|graph|resources)\b", 4.5),
            (r"\bdiscover\b", 4.5),
            (r"\b(accounts?|regions?|estate|everything|all resources)\b", 0.5),
        ),
        build=_scan_args,
        excludes=r"\b(security groups?|exposed|orphan|unused|depend|blast)\b|" + NOT_GRAPH,
    ),
    Intent(
        tool="inventory.search",
        patterns=(
            (r"\bwhat (do|does|did) (we|i|you) (run|have|own|host)\b", 6.0),
            (r"\b(resources?|inventory|estate|assets)\b", 3.5),
            (
                r"\b(buckets|databases|load ?balancers|lambdas|functions|vpcs|subnets|volumes)\b",
                3.5,
            ),
            (r"\b(snapshots|elastic ips|nat gateways|target groups|dynamodb tables|roles)\b", 3.5),
            (r"^(list|show|which|what|how many|count|find|give me)\b", 1.0),
            (r"\b(rds|s3|dynamodb|elasticache|ecs|api gateway)\b", 2.5),
            (r"\b(every|all)\b", 1.0),
            (r"\b(per|by|grouped by|breakdown|tagged)\b", 1.0),
        ),
        build=_search_args,
        excludes=(
            r"\b(depend\w*|rel(y|ies) on|blast|break|fail|migrat\w*|orphan\w*|unused|"
            r"open to|expos\w*|chang\w*|drift|scan|describe|details?|risk\w*|public\w*|"
            r"idle|unattached|deleted|created)\b|" + NOT_GRAPH
        ),
    ),
    Intent(
        tool="inventory.describe",
        patterns=(
            (r"\b(describe|details?|tell me about|what do we know about)\b", 2.0),
            (r"\binfo(rmation)? (on|about)\b", 2.0),
            (r"\b(look ?up|show me the|inventory details)\b", 1.5),
            (TYPE_MENTION, 2.5),
        ),
        build=_with_resource,
        boost=_resource_boost,
        requires=r"\b(describe|details?|about|info|look ?up|show me the)\b",
        excludes=(
            r"\b(depend\w*|blast|break|migrat\w*|risk\w*|open to|exposed|unused|changed|"
            r"server|instance|vm|machine|host|box)\b"
        ),
    ),
    Intent(
        tool="inventory.changes",
        patterns=(
            (r"\b(chang(e|ed|es)|drift|diff)\b", 4.5),
            (r"\b(created|deleted|removed|appeared|disappeared|new)\b", 2.0),
            (r"\b(since|recently|last|yesterday|past|this week)\b", 1.5),
        ),
        build=_changes_args,
        excludes=r"\b(cost|spend|bill)\b",
    ),
    Intent(
        tool="graph.dependencies",
        patterns=(
            (r"\bdepend(s|encies|ency|ents)?\b", 4.5),
            (r"\b(rel(y|ies) on|connected to|upstream|downstream)\b", 4.5),
            (r"\b(who uses|need(s)? to run|what does \S+ need)\b", 4.0),
        ),
        build=_dependency_args,
        boost=_resource_boost,
        excludes=r"\b(breaks?|fail\w*|outage|blast|crash\w*|dies|goes down|impact\w*)\b|" + DRAW,
    ),
    Intent(
        tool="graph.blast_radius",
        patterns=(
            (r"\bblast radius\b", 6.0),
            (r"\b(breaks?|broken|affected|impact(ed|s)?|outage|crash(es)?|dies|losing)\b", 3.5),
            (r"\b(fails?|failure|go(es)? down|stops working|is deleted|disappears)\b", 3.0),
            (r"\bif\b|\bwhen\b", 0.5),
        ),
        build=lambda u: _with_resource(u),
        boost=_resource_boost,
        excludes=NOT_GRAPH,
    ),
    Intent(
        tool="graph.migration_order",
        patterns=(
            (r"\b(migrat(e|ion|ing)|mov(e|ing)|relocat\w+|lift and shift)\b", 3.0),
            (r"\b(order|sequence|sequencing|waves?|first|plan)\b", 3.0),
        ),
        build=lambda u: _with_resource(u),
        boost=_resource_boost,
        requires=r"\b(migrat\w*|mov(e|ing)|relocat\w*|lift and shift)\b",
        excludes=r"\b(risk|risky|riskiest|safe|hard|hardest|difficult)\b",
    ),
    Intent(
        tool="graph.migration_risk",
        patterns=(
            (r"\b(risk|risky|riskiest|safe|hard(est)?|difficult|danger\w*)\b", 3.5),
            (r"\b(migrat(e|ion|ing)|mov(e|ing)|relocat\w+)\b", 3.0),
            (r"\b(score|rate|assess\w*)\b", 1.0),
        ),
        build=_risk_args,
        requires=r"\b(migrat\w*|mov(e|ing)|relocat\w*)\b",
    ),
    Intent(
        tool="security.risky_security_groups",
        patterns=(
            (r"\b(security groups?|sgs?|firewall( rules)?)\b", 3.5),
            (r"\b(open|risky|world|internet|everyone|anywhere|unused|audit|expos\w+)\b", 2.5),
            (r"0\.0\.0\.0/0|::/0|\b(ssh|rdp|database ports?)\b", 2.5),
        ),
        build=lambda u: {**_region(u), "include_unused": True},
        requires=r"\b(security groups?|sgs?|firewall|ssh|rdp|ports?)\b|0\.0\.0\.0/0|::/0",
        excludes=r"\b(depend\w*|blast|migrat\w*|describe|details)\b|" + NOT_GRAPH,
    ),
    Intent(
        tool="security.public_exposure",
        patterns=(
            (r"\b(exposed|exposure|publicly|internet[- ]facing|attack surface)\b", 4.5),
            (r"\bpublic\b", 3.0),
            (r"\b(reach(ed|able)?|accessible) from the internet\b|\bfrom the internet\b", 2.0),
            (r"\b(internet|outside world)\b", 1.0),
        ),
        build=_region,
        excludes=r"\b(security groups?|sgs?|firewall|cidr|ipam|subnets? (plan|size))\b",
    ),
    Intent(
        tool="graph.diagram",
        patterns=(
            (DRAW, 4.0),
            (r"\b(neighbou?rs?|neighbou?rhood|around|surrounding|vpc|network|architecture)\b", 1.0),
        ),
        build=_diagram_args,
        boost=_resource_boost,
        requires=DRAW,
        excludes=NOT_GRAPH + r"|\b(chart|plot|trend)\b",
    ),
    Intent(
        tool="inventory.orphans",
        patterns=(
            (r"\b(unused|orphan(ed|s)?|unattached|dangling|leftover|nobody uses)\b", 4.5),
            (
                r"\b(idle|unassociated|spare)\b.*\b(elastic ips?|eips?|addresses|volumes?|"
                r"snapshots?|load balancers?)\b",
                4.5,
            ),
            (
                r"\b(clean ?up|not using|no healthy|without (healthy )?targets|old snapshots?)\b",
                4.0,
            ),
            (r"\b(costing|money|paying|save|cost)\b", 1.5),
        ),
        build=_region,
        # waste / idle / savings are cost.recommendations; a named volume is a fix to act on
        excludes=(
            r"\b(security groups?|sgs?|cpu|wast(e|ed|ing)|sav(e|es|ing|ings))\b"
            r"|\b(the|this) (unattached )?volume\b|\bvol-[0-9a-f]+"
        ),
    ),
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
