"""Dependencies, dependents and blast radius, each with the path that explains it."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from pydantic import BaseModel, Field

from tools.discovery.analysis.view import is_virtual

if TYPE_CHECKING:
    import networkx as nx


class Step(BaseModel):
    """One hop of an explanation: ``needer`` needs ``needed`` because of an edge."""

    needer: str = Field(description="Node id that needs the next one.")
    needed: str = Field(description="Node id it needs.")
    kind: str = Field(description="Edge kind behind the need (CONTAINS, CONNECTS, ...).")
    detail: str | None = Field(default=None, description="Edge detail, e.g. 'tcp 5432'.")
    via: str | None = Field(default=None, description="Security group an inferred link comes from.")


@dataclass(frozen=True)
class Impact:
    """A node reached from the starting one; ``path`` (the shortest chain of reasons) is built
    on first access, so a radius of thousands of nodes costs one traversal.

    Attributes:
        node: node id (ARN).
        hops: distance in real (non-virtual) resources.
    """

    node: str
    hops: int
    _walk: _Walk = field(repr=False, compare=False)

    @cached_property
    def path(self) -> list[Step]:
        """Why: steps from the affected node to the start (or start to node for dependencies)."""
        return self._walk.chain(self.node)


@dataclass
class _Walk:
    view: nx.DiGraph
    upstream: bool
    parents: dict[str, str]

    def chain(self, node: str) -> list[Step]:
        steps: list[Step] = []
        current = node
        while self.parents[current] != current:
            parent = self.parents[current]
            needer, needed = (current, parent) if self.upstream else (parent, current)
            data = self.view.edges[needer, needed]
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
        return steps if self.upstream else steps[::-1]


def _walk(
    view: nx.DiGraph, start: str, upstream: bool, depth: int | None
) -> tuple[dict[str, str], dict[str, int]]:
    """Breadth-first parents and hop counts; virtual nodes do not count towards ``depth``."""
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
    return parents, hops


def _impacts(view: nx.DiGraph, start: str, upstream: bool, depth: int | None) -> list[Impact]:
    if start not in view:
        return []
    parents, hops = _walk(view, start, upstream, depth)
    walk = _Walk(view, upstream, parents)
    found = [
        Impact(node, max(1, hops[node]), walk)
        for node in parents
        if node != start and not is_virtual(node)
    ]
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
