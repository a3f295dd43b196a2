"""Pictures of the graph: a VPC with its subnets, or a resource's neighbourhood, drawn with AWS
icons by ``diagrams`` (Graphviz's ``dot`` underneath).

Selection is separate from drawing: ``select`` decides which resources and links a picture
shows (nearest first, up to a limit, the rest counted by type) and ``draw`` turns that into a
PNG. Subnets and VPCs are drawn as boxes around what they contain, so CONTAINS links are not
drawn as arrows; every other link is an arrow labelled with its kind.
"""

from __future__ import annotations

import importlib
import re
import shutil
from collections import Counter, deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx

from tools.discovery.resource_models import short_id
from tools.errors import ToolError

HIDDEN_TYPES = frozenset({"ec2:network-interface", "ec2:route-table"})
"""Types left out unless asked for directly: every instance has an ENI, every subnet a table."""

ICONS: dict[str, str] = {
    "ec2:instance": "diagrams.aws.compute.EC2",
    "ec2:volume": "diagrams.aws.storage.EBS",
    "ec2:snapshot": "diagrams.aws.storage.ElasticBlockStoreEBSSnapshot",
    "ec2:elastic-ip": "diagrams.aws.compute.EC2ElasticIpAddress",
    "ec2:network-interface": "diagrams.aws.network.VPCElasticNetworkInterface",
    "ec2:vpc": "diagrams.aws.network.VPC",
    "ec2:subnet": "diagrams.aws.network.PrivateSubnet",
    "ec2:route-table": "diagrams.aws.network.RouteTable",
    "ec2:internet-gateway": "diagrams.aws.network.InternetGateway",
    "ec2:nat-gateway": "diagrams.aws.network.NATGateway",
    "ec2:security-group": "diagrams.aws.network.Nacl",
    "ec2:vpc-endpoint": "diagrams.aws.network.Endpoint",
    "ec2:vpc-peering": "diagrams.aws.network.VPCPeering",
    "elbv2:load-balancer": "diagrams.aws.network.ELB",
    "elbv2:target-group": "diagrams.aws.network.ElasticLoadBalancing",
    "rds:db-instance": "diagrams.aws.database.RDS",
    "rds:db-cluster": "diagrams.aws.database.Aurora",
    "s3:bucket": "diagrams.aws.storage.S3",
    "lambda:function": "diagrams.aws.compute.Lambda",
    "ecs:cluster": "diagrams.aws.compute.ECS",
    "ecs:service": "diagrams.aws.compute.ElasticContainerServiceService",
    "dynamodb:table": "diagrams.aws.database.Dynamodb",
    "elasticache:cluster": "diagrams.aws.database.ElastiCache",
    "apigateway:rest-api": "diagrams.aws.network.APIGateway",
    "iam:role": "diagrams.aws.security.IAMRole",
    "iam:instance-profile": "diagrams.aws.security.IAM",
    "sqs:queue": "diagrams.aws.integration.SQS",
    "sns:topic": "diagrams.aws.integration.SNS",
    "cloudfront:distribution": "diagrams.aws.network.CloudFront",
    "ecs:task": "diagrams.aws.compute.Fargate",
    "internet:users": "diagrams.onprem.client.Users",
}
"""The AWS icon for each resource type; anything else gets a generic one."""
GENERIC_ICON = "diagrams.aws.general.General"
PUBLIC_SUBNET_ICON = "diagrams.aws.network.PublicSubnet"
BOXES = ("ec2:vpc", "ec2:subnet")
"""Types drawn as boxes around their contents."""
_UNSAFE = re.compile(r"[^\w .:/@+=,()-]")


@dataclass
class Picture:
    """What one diagram shows.

    Attributes:
        title: caption drawn above the picture.
        nodes: shown node ids, nearest first.
        edges: shown links ``(source, kind, target)``, CONTAINS included.
        left_out: resources that did not fit, counted per type.
        attrs: each shown node's attributes (type, name, properties).
    """

    title: str
    nodes: list[str]
    edges: list[tuple[str, str, str]]
    left_out: Counter[str] = field(default_factory=Counter)
    attrs: dict[str, dict[str, Any]] = field(default_factory=dict)
    parents: dict[str, str] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        for source, kind, target in self.edges:
            if kind == "CONTAINS" and self.type_of(source) in BOXES:
                self.parents.setdefault(target, source)

    def parent(self, node: str) -> str | None:
        """The shown VPC or subnet box that contains ``node``, if any."""
        return self.parents.get(node)

    def arrows(self) -> list[tuple[str, str, str]]:
        """The links drawn as arrows: all but the CONTAINS links a box already shows."""
        return [e for e in self.edges if not (e[1] == "CONTAINS" and self.parent(e[2]) == e[0])]

    def type_of(self, node: str) -> str:
        """A shown node's resource type ('' when unknown)."""
        return str(self.attrs.get(node, {}).get("type") or "")


def select(
    graph: nx.MultiDiGraph, start: str, *, members: set[str] | None, depth: int, limit: int
) -> Picture:
    """Choose what a diagram of ``start`` shows.

    Args:
        graph: the raw resource graph (edge key = kind).
        start: the resource the picture is about.
        members: for a VPC, everything inside it (``service.contents``); ``None`` otherwise.
        depth: for other resources, how many links out to go (either direction).
        limit: most resources to draw; the nearest are kept, the rest counted by type.
    """
    distance = _distances(graph, start, members, depth)
    candidates = [n for n in distance if n == start or _type(graph, n) not in HIDDEN_TYPES]
    candidates.sort(key=lambda n: (distance[n], 0 if _type(graph, n) in BOXES else 1, n))
    shown = _with_boxes(graph, candidates[:limit], set(candidates))
    kept = set(shown)
    left_out = Counter(_type(graph, n) or "other" for n in candidates if n not in kept)
    edges = sorted(
        {(s, str(k), t) for s, t, k in graph.edges(keys=True) if s in kept and t in kept}
    )
    attrs = {n: dict(graph.nodes[n]) for n in shown}
    caption = label(graph.nodes[start].get("name"), start)
    title = f"{caption} ({_type(graph, start) or 'resource'})"
    return Picture(title=title, nodes=shown, edges=edges, left_out=left_out, attrs=attrs)


def _distances(
    graph: nx.MultiDiGraph, start: str, members: set[str] | None, depth: int
) -> dict[str, int]:
    """Hops from ``start`` over links in either direction.

    Without ``members``: everything within ``depth`` hops. With them (a VPC): every member,
    plus whatever a member links to directly outside it (a load balancer's target group, an
    instance's IAM profile); members the walk does not reach come last.
    """
    reach = depth if members is None else len(graph)
    allowed = None if members is None else members | _one_hop(graph, members)
    seen = {start: 0}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        if seen[node] >= reach or (members is not None and node not in members):
            continue
        for neighbour in _neighbours(graph, node):
            if neighbour not in seen and (allowed is None or neighbour in allowed):
                seen[neighbour] = seen[node] + 1
                queue.append(neighbour)
    for node in members or ():
        seen.setdefault(node, len(graph))
    return seen


def _one_hop(graph: nx.MultiDiGraph, nodes: set[str]) -> set[str]:
    return {n for node in nodes for n in _neighbours(graph, node)}


def _neighbours(graph: nx.MultiDiGraph, node: str) -> Iterable[str]:
    yield from graph.successors(node)
    yield from graph.predecessors(node)


def _with_boxes(graph: nx.MultiDiGraph, chosen: list[str], candidates: set[str]) -> list[str]:
    """``chosen`` plus the VPC and subnet boxes their members sit in, so nothing floats."""
    result = list(chosen)
    present = set(chosen)
    for node in result:  # grows while it runs: a subnet added here brings its VPC
        for box in graph.predecessors(node):
            if box in candidates and box not in present and _contains(graph, box, node):
                result.append(box)
                present.add(box)
    return result


def _contains(graph: nx.MultiDiGraph, box: str, node: str) -> bool:
    """True when ``box`` is a VPC or subnet with a CONTAINS link to ``node``."""
    return _type(graph, box) in BOXES and "CONTAINS" in graph.get_edge_data(box, node, default={})


def _type(graph: nx.MultiDiGraph, node: str) -> str:
    return str(graph.nodes[node].get("type") or "")


def label(name: object, node: str, template: str = "{name} ({id})") -> str:
    """A node's label in a picture: its name and short id (or the id alone), as plain text.

    Args:
        name: the resource's name, if any.
        node: its node id (an ARN).
        template: how name and id are put together (``{name}`` and ``{id}``).
    """
    short = clean(short_id(node))
    if name and str(name) != short_id(node):
        return template.format(name=clean(str(name)), id=short)
    return short


def clean(text: str, size: int = 48) -> str:
    """Text safe to put in a picture: no markup characters, at most ``size`` characters.

    Names and tags come from the resources themselves; they are shown, never interpreted.

    Args:
        text: a name or id.
        size: longest label kept.
    """
    flat = _UNSAFE.sub("", text.replace("\n", " ")).strip()
    return flat if len(flat) <= size else flat[: size - 1] + "…"


def draw(picture: Picture, path: Path) -> Path:
    """Draw ``picture`` as a PNG at ``path`` (the folder is created).

    Args:
        picture: what to show (from ``select``).
        path: where the PNG goes; must end in ``.png``.
    """
    if shutil.which("dot") is None:
        raise ToolError(
            "Drawing needs Graphviz's `dot`, which is not installed here "
            "(Debian/Ubuntu: apt-get install graphviz)."
        )
    from diagrams import Cluster, Diagram, Edge

    path.parent.mkdir(parents=True, exist_ok=True)
    attrs = {"fontsize": "20", "pad": "0.4", "nodesep": "0.5", "ranksep": "0.9"}
    made: dict[str, Any] = {}
    with Diagram(picture.title, filename=str(path.with_suffix("")), outformat="png",
                 show=False, direction="LR", graph_attr=attrs):  # fmt: skip
        _draw_boxes(picture, None, made, Cluster)
        for source, kind, target in picture.arrows():
            if source in made and target in made:
                (
                    made[source]
                    >> Edge(label=kind.lower().replace("_", " "), fontsize="10")
                    >> (made[target])
                )
    return path


def _draw_boxes(picture: Picture, box: str | None, made: dict[str, Any], cluster: Any) -> None:
    """Draw the nodes whose box is ``box``; VPCs and subnets open a nested box of their own."""
    for node in picture.nodes:
        if node in made or picture.parent(node) != box:
            continue
        if picture.type_of(node) in BOXES:
            kind = "VPC" if picture.type_of(node) == "ec2:vpc" else "subnet"
            with cluster(f"{kind} {_shown_label(picture, node)}"):
                made[node] = _icon(picture, node)(_shown_label(picture, node))
                _draw_boxes(picture, node, made, cluster)
            continue
        made[node] = _icon(picture, node)(_shown_label(picture, node))


def _shown_label(picture: Picture, node: str) -> str:
    return label(picture.attrs.get(node, {}).get("name"), node, "{name}\n{id}")


def _icon(picture: Picture, node: str) -> Any:
    node_type = picture.type_of(node)
    dotted = ICONS.get(node_type, GENERIC_ICON)
    properties = picture.attrs.get(node, {}).get("properties") or {}
    if node_type == "ec2:subnet" and isinstance(properties, dict) and properties.get("public"):
        dotted = PUBLIC_SUBNET_ICON
    module, _, name = dotted.rpartition(".")
    return getattr(importlib.import_module(module), name)
