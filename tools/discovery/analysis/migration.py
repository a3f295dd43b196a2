"""Migration order (dependencies first, cycles moved together) and per-resource risk scores."""

from __future__ import annotations

import math

import networkx as nx
from pydantic import BaseModel, Field

from tools.discovery.analysis.view import is_virtual

STATEFUL_TYPES = {
    "rds:db-instance",
    "rds:db-cluster",
    "dynamodb:table",
    "ec2:volume",
    "ec2:snapshot",
    "elasticache:cluster",
    "s3:bucket",
}


class Wave(BaseModel):
    """A step of the migration: resources that can move once earlier waves have."""

    order: int = Field(description="1-based position in the plan.")
    nodes: list[str] = Field(description="Node ids moved in this step.")
    move_together: bool = Field(description="True when they depend on each other (a cycle).")


def members_only(view: nx.DiGraph, nodes: set[str]) -> nx.DiGraph:
    """The view restricted to ``nodes``, with virtual nodes bridged (a->svc->b becomes a->b).

    Args:
        view: dependency view.
        nodes: real node ids to keep.
    """
    sub = nx.DiGraph()
    sub.add_nodes_from(nodes)
    for node in nodes:
        for nxt in view.successors(node):
            targets = view.successors(nxt) if is_virtual(nxt) else [nxt]
            sub.add_edges_from((node, t) for t in targets if t in nodes and t != node)
    return sub


def migration_order(view: nx.DiGraph, nodes: set[str]) -> list[Wave]:
    """Waves of ``nodes``: each wave needs only earlier waves; a cycle is one "together" group.

    Resources in one wave do not depend on each other and can move in parallel.

    Args:
        view: dependency view.
        nodes: the node ids to migrate.
    """
    sub = members_only(view, nodes)
    condensed = nx.condensation(sub)
    waves: list[Wave] = []
    for generation in nx.topological_generations(condensed.reverse(copy=False)):
        singles: list[str] = []
        for component in generation:
            members = sorted(condensed.nodes[component]["members"])
            if len(members) > 1:
                waves.append(Wave(order=0, nodes=members, move_together=True))
            else:
                singles += members
        if singles:
            waves.append(Wave(order=0, nodes=sorted(singles), move_together=False))
    for position, wave in enumerate(waves, start=1):
        wave.order = position
    return waves


class RiskScore(BaseModel):
    """How risky moving one resource is, with the reasons that add up to the score."""

    node: str = Field(description="Node id (ARN).")
    score: int = Field(description="0 (trivial) to 100 (very risky).")
    level: str = Field(description="low, medium or high.")
    reasons: list[tuple[str, int]] = Field(
        description="(reason code, points) pairs; render turns codes into sentences."
    )
    dependents: int = Field(description="Resources that need this one (transitively).")
    dependencies: int = Field(description="Resources this one needs directly.")


def risk_score(
    view: nx.DiGraph,
    node: str,
    rtype: str,
    config: dict[str, object],
    public: bool,
) -> RiskScore:
    """Score moving ``node``: inbound/outbound dependencies, state, data size, exposure.

    Args:
        view: dependency view.
        node: node id.
        rtype: resource type.
        config: the resource's stored config.
        public: whether the resource is reachable from the internet.
    """
    dependents = len([n for n in nx.ancestors(view, node) if not is_virtual(n)])
    needs = len(_direct_needs(view, node))
    reasons: list[tuple[str, int]] = []
    if dependents:
        reasons.append(("dependents", min(30, 6 * dependents)))
    if needs:
        reasons.append(("dependencies", min(15, 3 * needs)))
    if rtype in STATEFUL_TYPES:
        reasons.append(("stateful", 25))
    size_gb = _size_gb(config)
    if size_gb:
        reasons.append(("data_size", min(20, int(5 * math.log10(1 + size_gb)))))
    if public:
        reasons.append(("public", 10))
    score = min(100, sum(points for _, points in reasons))
    level = "high" if score >= 50 else "medium" if score >= 25 else "low"
    return RiskScore(
        node=node,
        score=score,
        level=level,
        reasons=reasons,
        dependents=dependents,
        dependencies=needs,
    )


def _direct_needs(view: nx.DiGraph, node: str) -> set[str]:
    needs: set[str] = set()
    for nxt in view.successors(node):
        needs |= set(view.successors(nxt)) if is_virtual(nxt) else {nxt}
    needs.discard(node)
    return needs


def _size_gb(config: dict[str, object]) -> float:
    for key in ("allocated_storage_gb", "size_gb"):
        value = config.get(key)
        if isinstance(value, int | float):
            return float(value)
    size_bytes = config.get("size_bytes")
    if isinstance(size_bytes, int | float):
        return float(size_bytes) / 1024**3
    return 0.0
