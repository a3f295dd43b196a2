"""The proposal's picture: drawn by discovery's diagram code from the spec (no second drawer).

The VPC is a box, each subnet a box named by its tier and AZ, components sit in the subnets of
their tier (one icon per AZ where they run in each), and every declared connection is an arrow
labelled with its port or access.
"""

from __future__ import annotations

from pathlib import Path

from tools.architecture.spec import INTERNET, ArchitectureSpec, Component
from tools.discovery.diagram import Picture, draw

NODE_TYPES = {
    "alb": "elbv2:load-balancer",
    "asg": "ec2:instance",
    "fargate": "ecs:task",
    "lambda": "lambda:function",
    "rds": "rds:db-instance",
    "aurora": "rds:db-cluster",
    "dynamodb": "dynamodb:table",
    "redis": "elasticache:cluster",
    "s3": "s3:bucket",
    "cloudfront": "cloudfront:distribution",
    "sqs": "sqs:queue",
    "sns": "sns:topic",
    "apigateway": "apigateway:rest-api",
}
TIER_OF = {"asg": "app", "fargate": "app", "rds": "data", "aurora": "data", "redis": "data"}
VPC = "proposed:vpc"


def _subnet_node(tier: str, zone: str) -> str:
    return f"proposed:subnet/{tier}-{zone[-1]}"


def _placements(spec: ArchitectureSpec, c: Component) -> list[tuple[str, str | None]]:
    """(node id, zone) for each icon of a component."""
    tier = TIER_OF.get(c.kind)
    if tier is None or spec.network is None:
        return [(f"proposed:{c.name}", None)]
    zones = [s.zone for s in spec.network.tier(tier)]  # type: ignore[arg-type]
    if c.kind in ("rds",) and not c.multi_az:
        zones = zones[:1]
    if c.kind in ("aurora", "redis"):
        zones = zones[: max(1, min(c.count, len(zones)))]
    return [(f"proposed:{c.name}-{zone[-1]}", zone) for zone in zones]


def _label(spec: ArchitectureSpec, c: Component, zone: str | None) -> str:
    size = f" {c.instance_type}" if c.instance_type else ""
    if zone is None:
        return f"{c.name} ({c.kind}{size})"
    zones = len(_placements(spec, c))
    each = f" x{max(1, c.count // zones)}" if c.kind in ("asg", "fargate") else ""
    role = " standby" if c.kind == "rds" and zone != _placements(spec, c)[0][1] else ""
    return f"{c.name}{size}{each}{role}"


def _nat_gateways(
    spec: ArchitectureSpec,
    nodes: list[str],
    edges: list[tuple[str, str, str]],
    attrs: dict[str, dict[str, object]],
) -> None:
    network = spec.network
    if network is None or network.nat == "none":
        return
    publics = network.tier("public")
    for subnet in publics if network.nat == "per-az" else publics[:1]:
        node = f"proposed:nat-{subnet.zone[-1]}"
        nodes.append(node)
        attrs[node] = {"type": "ec2:nat-gateway", "name": f"NAT {subnet.zone}"}
        edges.append((_subnet_node("public", subnet.zone), "CONTAINS", node))


def picture_of(spec: ArchitectureSpec, version: int) -> Picture:
    """What the diagram shows.

    Args:
        spec: the architecture.
        version: its version (for the title).
    """
    nodes: list[str] = []
    edges: list[tuple[str, str, str]] = []
    attrs: dict[str, dict[str, object]] = {}
    if spec.network is not None:
        nodes.append(VPC)
        attrs[VPC] = {"type": "ec2:vpc", "name": f"{spec.name} {spec.network.cidr}"}
        for s in spec.network.subnets:
            node = _subnet_node(s.tier, s.zone)
            nodes.append(node)
            attrs[node] = {
                "type": "ec2:subnet",
                "name": f"{s.tier} {s.zone} {s.cidr}",
                "properties": {"public": s.tier == "public"},
            }
            edges.append((VPC, "CONTAINS", node))
        _nat_gateways(spec, nodes, edges, attrs)
    placed: dict[str, list[tuple[str, str | None]]] = {}
    for c in spec.components:
        placed[c.name] = _placements(spec, c)
        for node, zone in placed[c.name]:
            nodes.append(node)
            attrs[node] = {"type": NODE_TYPES[c.kind], "name": _label(spec, c, zone)}
            if zone is not None:
                edges.append((_subnet_node(TIER_OF[c.kind], zone), "CONTAINS", node))
            elif c.kind == "alb":
                edges.append((VPC, "CONTAINS", node))
        _nat_gateways(spec, nodes, edges, attrs)
    placed[INTERNET] = [("proposed:internet", None)]
    nodes.append("proposed:internet")
    attrs["proposed:internet"] = {"type": "internet:users", "name": "users (internet)"}
    for link in spec.connections:
        kind = f"TCP_{link.port}" if link.access == "network" else link.access.upper()
        for source, zone in placed[link.source]:
            targets = placed[link.target]
            same = [t for t, z in targets if z == zone] if zone else [t for t, _ in targets]
            for target in same or [targets[0][0]]:
                edges.append((source, kind, target))
    title = f"{spec.name} v{version}: {spec.pattern}, {spec.environment}, {spec.region}"
    return Picture(title=title, nodes=nodes, edges=edges, attrs=attrs)


def draw_spec(spec: ArchitectureSpec, version: int, path: Path) -> Path:
    """Draw the spec as a PNG with AWS icons.

    Args:
        spec: the architecture.
        version: its version.
        path: where the PNG goes.
    """
    return draw(picture_of(spec, version), path)
