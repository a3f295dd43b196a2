"""What the tools do, over the inventory and the graph: resolve names, run analyses."""

from __future__ import annotations

from typing import TYPE_CHECKING

import networkx as nx

from tools.discovery.analysis.view import dependency_view
from tools.discovery.graph import current_graph
from tools.discovery.models import Ref, ResourceItem
from tools.discovery.resource_models import short_id
from tools.discovery.store import InventoryStore, StoredResource
from tools.errors import Ambiguous, InvalidInput, NotFound, ToolError

if TYPE_CHECKING:
    from tools.context import ToolContext

VIEW_KEY = "discovery.view"
TYPE_WORDS: dict[str, str] = {
    "instance": "ec2:instance",
    "server": "ec2:instance",
    "vm": "ec2:instance",
    "volume": "ec2:volume",
    "disk": "ec2:volume",
    "snapshot": "ec2:snapshot",
    "eni": "ec2:network-interface",
    "interface": "ec2:network-interface",
    "elastic ip": "ec2:elastic-ip",
    "eip": "ec2:elastic-ip",
    "vpc": "ec2:vpc",
    "subnet": "ec2:subnet",
    "route table": "ec2:route-table",
    "internet gateway": "ec2:internet-gateway",
    "nat gateway": "ec2:nat-gateway",
    "nat": "ec2:nat-gateway",
    "security group": "ec2:security-group",
    "sg": "ec2:security-group",
    "peering": "ec2:vpc-peering",
    "endpoint": "ec2:vpc-endpoint",
    "load balancer": "elbv2:load-balancer",
    "alb": "elbv2:load-balancer",
    "target group": "elbv2:target-group",
    "database": "rds",
    "db": "rds",
    "rds": "rds",
    "bucket": "s3:bucket",
    "function": "lambda:function",
    "lambda": "lambda:function",
    "role": "iam:role",
    "instance profile": "iam:instance-profile",
    "cluster": "ecs:cluster",
    "service": "ecs:service",
    "table": "dynamodb:table",
    "cache": "elasticache:cluster",
    "api": "apigateway:rest-api",
}


def normalise_type(value: str | None) -> str | None:
    """``ec2:instance``, ``rds`` or a word like ``buckets`` as an inventory type filter.

    Args:
        value: what the user typed.
    """
    if not value:
        return None
    text = value.strip().lower()
    if ":" in text:
        return text
    singular = text[:-1] if text.endswith("s") and text[:-1] in TYPE_WORDS else text
    if singular in TYPE_WORDS:
        return TYPE_WORDS[singular]
    services = {t.split(":")[0] for t in TYPE_WORDS.values()}
    if text in services:
        return text
    raise InvalidInput(
        f"I don't know the resource type '{value}'. Try one of: "
        + ", ".join(sorted({k for k in TYPE_WORDS if " " not in k}))
        + "."
    )


def ensure_inventory(ctx: ToolContext) -> InventoryStore:
    """The inventory, scanning the whole estate once first when no scan ever covered it all.

    Args:
        ctx: tool context.
    """
    from tools.discovery.collectors import COLLECTORS

    store = InventoryStore(ctx.db)
    if not store.covered(set(COLLECTORS)):
        from tools.discovery.scan import run_scan

        run_scan(ctx)
    return store


def resolve(ctx: ToolContext, ref: str) -> StoredResource:
    """The one live resource an ARN, id or name refers to.

    Args:
        ctx: tool context.
        ref: ARN, provider id or name (case-insensitive).
    """
    store = ensure_inventory(ctx)
    text = ref.strip()
    if not text:
        raise InvalidInput("Tell me which resource: an ARN, an id (i-..., sg-...) or a name.")
    if text.startswith("arn:"):
        found = store.get(text)
        if found is None or found.deleted_at is not None:
            raise NotFound(f"No resource with ARN {text} in the inventory.")
        return found
    candidates = store.search(name=text)
    exact = [
        r for r in candidates if text.lower() in (r.resource_id.lower(), (r.name or "").lower())
    ]
    matches = exact or candidates
    if not matches:
        raise NotFound(f"Nothing named or with id '{text}' is in the inventory (last scan).")
    if len(matches) > 1:
        preferred = [r for r in matches if r.type != "ec2:network-interface"]
        if len(preferred) == 1:
            return preferred[0]
        choices = [f"{r.label} — {r.type} in {r.region}" for r in matches[:10]]
        raise Ambiguous(f"'{text}' matches {len(matches)} resources; which one?", choices)
    return matches[0]


def view(ctx: ToolContext) -> nx.DiGraph:
    """The dependency view of the latest scan (cached until the next scan).

    Args:
        ctx: tool context.
    """
    ensure_inventory(ctx)
    graph = current_graph(ctx)
    cached = ctx.extras.get(VIEW_KEY)
    if isinstance(cached, tuple) and cached[0] is graph:
        built: nx.DiGraph = cached[1]
        return built
    built = dependency_view(graph.to_networkx())
    ctx.extras[VIEW_KEY] = (graph, built)
    return built


def contents(ctx: ToolContext, start: StoredResource) -> set[str]:
    """``start`` and everything it contains, transitively (a VPC's subnets, instances...).

    Args:
        ctx: tool context.
        start: the container.
    """
    graph = current_graph(ctx)
    inside = set(graph.dependencies(start.arn, kinds=["CONTAINS"]))
    attached = set()
    for node in inside | {start.arn}:
        attached |= {e.source for e in graph.neighbours(node, "in", kinds=["ATTACHED_TO"])}
    members = inside | attached | {start.arn}
    if not members - {start.arn} and start.type == "ec2:vpc":
        raise ToolError(f"{start.label} contains nothing to migrate.")
    return members


def labels(ctx: ToolContext) -> dict[str, tuple[str, str]]:
    """Node id -> (label, type) of everything in the dependency view.

    Args:
        ctx: tool context.
    """
    return {
        node: (data.get("name") or node.rsplit("/", 1)[-1], data.get("type") or "")
        for node, data in view(ctx).nodes(data=True)
    }


def names(known: dict[str, tuple[str, str]]) -> dict[str, str]:
    """Node id -> label, from ``labels``.

    Args:
        known: what ``labels`` returned.
    """
    return {node: label for node, (label, _) in known.items()}


def ref(arn: str, known: dict[str, tuple[str, str]]) -> Ref:
    """A resource as shown to people (outside the inventory: its short id and no type).

    Args:
        arn: node id.
        known: what ``labels`` returned.
    """
    label, rtype = known.get(arn, (short_id(arn), ""))
    return Ref(arn=arn, label=label, type=rtype)


def start_ref(resource: StoredResource) -> Ref:
    """The resource a question starts from, as shown to people.

    Args:
        resource: the resolved resource.
    """
    return Ref(arn=resource.arn, label=resource.label, type=resource.type)


def item(resource: StoredResource) -> ResourceItem:
    """One inventory row as the tools list it.

    Args:
        resource: the stored resource.
    """
    return ResourceItem(
        arn=resource.arn,
        label=resource.label,
        type=resource.type,
        region=resource.region,
        account=resource.account,
        state=resource.state,
        tags=resource.tags,
    )


def attached_interfaces(ctx: ToolContext, nodes: set[str], owners: set[str]) -> set[str]:
    """The network interfaces among ``nodes`` that are attached to one of ``owners``.

    Args:
        ctx: tool context.
        nodes: node ids to look through.
        owners: node ids an interface may be attached to.
    """
    graph = current_graph(ctx)
    attached: set[str] = set()
    for node in nodes:
        found = graph.node(node)
        if found is None or found.type != "ec2:network-interface":
            continue
        edges = graph.neighbours(node, "out", kinds=["ATTACHED_TO"])
        if any(edge.target in owners for edge in edges):
            attached.add(node)
    return attached


def scoped(ctx: ToolContext, region: str | None, account: str | None) -> list[StoredResource]:
    """Live inventory resources of one region and/or account (scanning first if empty).

    Args:
        ctx: tool context.
        region: only this region, when given.
        account: only this account, when given.
    """
    return ensure_inventory(ctx).search(region=region, account=account)
