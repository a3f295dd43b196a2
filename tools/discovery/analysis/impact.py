"""Dependencies, dependents and blast radius, each with the path that explains it."""

from __future__ import annotations

from collections import deque

import networkx as nx
from pydantic import BaseModel, Field

from tools.discovery.analysis.view import is_virtual


class Step(BaseModel):
    """One hop of an explanation: ``needer`` needs ``needed`` because of an edge."""

    needer: str = Field(description="Node id that needs the next one.")
    needed: str = Field(description="Node id it needs.")
    kind: str = Field(description="Edge kind behind the need (CONTAINS, CONNECTS, ...).")
    detail: str | None = Field(default=None, description="Edge detail, e.g. 'tcp 5432'.")
    via: str | None = Field(default=None, description="Security group an inferred link comes from.")


class Impact(BaseModel):
    """A node reached from the starting one, with the shortest chain of reasons."""

    node: str = Field(description="Node id (ARN).")
    hops: int = Field(description="Distance in real (non-virtual) resources.")
    path: list[Step] = Field(description="Why: steps from the affected node to the start.")


def _walk(view: nx.DiGraph, start: str, upstream: bool, depth: int | None) -> dict[str, str]:
    """Breadth-first parents map; virtual nodes do not count towards ``depth``."""
    parents: dict[str, str] = {start: start}
    hops: dict[str, int] = {start: 0}
    queue = deque([start])
    step = view.predecessors if upstream else view.successors
    while queue:
        current = queue.popleft()
        if depth is not None and hops[current] >= depth:
            continue
        for other in step(current):
            if other in parents:
                continue
            parents[other] = current
            hops[other] = hops[current] + (0 if is_virtual(other) else 1)
            queue.append(other)
    return parents


def _chain(view: nx.DiGraph, parents: dict[str, str], node: str, upstream: bool) -> list[Step]:
    steps: list[Step] = []
    current = node
    while parents[current] != current:
        parent = parents[current]
        needer, needed = (current, parent) if upstream else (parent, current)
        data = view.edges[needer, needed]
        steps.append(
            Step(
                needer=needer,
                needed=needed,
                kind=data.get("kind", ""),
                detail=data.get("detail"),
                via=data.get("via"),
            )
        )
        current = parent
    return steps if upstream else steps[::-1]


def _impacts(view: nx.DiGraph, start: str, upstream: bool, depth: int | None) -> list[Impact]:
    if start not in view:
        return []
    parents = _walk(view, start, upstream, depth)
    found = []
    for node in parents:
        if node == start or is_virtual(node):
            continue
        path = _chain(view, parents, node, upstream)
        hops = sum(1 for s in path if not is_virtual(s.needed if upstream else s.needer))
        found.append(Impact(node=node, hops=max(1, hops), path=path))
    return sorted(found, key=lambda i: (i.hops, i.node))


def blast_radius(view: nx.DiGraph, start: str, depth: int | None = None) -> list[Impact]:
    """Everything that (transitively) needs ``start``: what breaks if it fails.

    Args:
        view: dependency view.
        start: node id of the failing resource.
        depth: maximum hops (unlimited when None).
    """
    return _impacts(view, start, upstream=True, depth=depth)


def dependencies(view: nx.DiGraph, start: str, depth: int | None = None) -> list[Impact]:
    """Everything ``start`` needs, transitively.

    Args:
        view: dependency view.
        start: node id.
        depth: maximum hops.
    """
    return _impacts(view, start, upstream=False, depth=depth)
