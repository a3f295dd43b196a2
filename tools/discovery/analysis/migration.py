"""Migration order (dependencies first, cycles moved together) and per-resource risk scores."""

from __future__ import annotations

import math
from collections import defaultdict

import networkx as nx
from pydantic import BaseModel, Field

from tools.discovery.analysis.impact import Step
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
    """The view restricted to ``nodes`` plus the virtual service nodes between them.

    Virtual nodes are kept (not bridged into member-to-member edges) so the subgraph stays
    linear in size; callers drop them from what they report.

    Args:
        view: dependency view.
        nodes: real node ids to keep.
    """
    virtual = {v for n in nodes if n in view for v in view.successors(n) if is_virtual(v)}
    allowed = nodes | virtual
    sub = nx.DiGraph()
    sub.add_nodes_from(nodes)
    sub.add_edges_from(
        (u, v) for u, v in view.edges(allowed & set(view.nodes)) if v in allowed and u != v
    )
    return sub


def migration_order(view: nx.DiGraph, nodes: set[str]) -> list[Wave]:
    """Waves of ``nodes``: each wave needs only earlier waves; a cycle is one "together" group.

    Strongly connected components of the view become single steps; the components then go in
    topological generations (Kahn's algorithm), so resources in one wave do not depend on each
    other and can move in parallel.

    Args:
        view: dependency view.
        nodes: the node ids to migrate.
    """
    whole = len(nodes) == view.number_of_nodes() - sum(1 for n in view if is_virtual(n))
    graph = view if whole else members_only(view, nodes)
    components = list(nx.strongly_connected_components(graph))
    component_of = {node: index for index, comp in enumerate(components) for node in comp}
    needs = [0] * len(components)
    dependents: dict[int, set[int]] = defaultdict(set)
    for needer, needed in graph.edges():
        a, b = component_of[needer], component_of[needed]
        if a != b and a not in dependents[b]:
            dependents[b].add(a)
            needs[a] += 1
    generation = [i for i, count in enumerate(needs) if count == 0]
    waves: list[Wave] = []
    while generation:
        waves += _waves_of(generation, components)
        upcoming: list[int] = []
        for index in generation:
            for dependent in dependents.get(index, ()):
                needs[dependent] -= 1
                if needs[dependent] == 0:
                    upcoming.append(dependent)
        generation = upcoming
    for position, wave in enumerate(waves, start=1):
        wave.order = position
    return waves


def _waves_of(generation: list[int], components: list[set[str]]) -> list[Wave]:
    """One wave for the independent resources of a generation, one per cycle in it."""
    waves: list[Wave] = []
    singles: list[str] = []
    for index in generation:
        members = sorted(m for m in components[index] if not is_virtual(m))
        if len(members) > 1:
            waves.append(Wave(order=0, nodes=members, move_together=True))
        else:
            singles += members
    if singles:
        waves.append(Wave(order=0, nodes=sorted(singles), move_together=False))
    return sorted(waves, key=lambda w: (not w.move_together, w.nodes))


def why_not_earlier(view: nx.DiGraph, waves: list[Wave], limit: int = 3) -> dict[int, list[Step]]:
    """For each wave after the first, up to ``limit`` needs that keep it from moving earlier:
    a member's dependency on the latest earlier wave it needs (through a security group's
    members, for inferred links).

    Args:
        view: dependency view.
        waves: the plan from ``migration_order``.
        limit: most reasons per wave.
    """
    wave_of = {node: wave.order for wave in waves for node in wave.nodes}
    reasons: dict[int, list[Step]] = {}
    for wave in waves[1:]:
        found: list[Step] = []
        for node in wave.nodes:
            binding = _latest_need(view, node, wave_of, wave.order)
            if binding is not None:
                found.append(binding)
            if len(found) >= limit:
                break
        reasons[wave.order] = found
    return reasons


def _latest_need(view: nx.DiGraph, node: str, wave_of: dict[str, int], before: int) -> Step | None:
    """The need of ``node`` on the latest wave earlier than ``before``, as an explanation step."""
    best: tuple[int, Step] | None = None
    for needed in view.successors(node) if node in view else ():
        targets = list(view.successors(needed)) if is_virtual(needed) else [needed]
        order = max((wave_of.get(t, 0) for t in targets if wave_of.get(t, 0) < before), default=0)
        if order and (best is None or order > best[0]):
            data = view.edges[node, needed]
            step = Step(
                needer=node,
                needed=needed,
                kind=data.get("kind", ""),
                detail=data.get("detail"),
                via=data.get("via"),
            )
            best = (order, step)
    return best[1] if best else None


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
