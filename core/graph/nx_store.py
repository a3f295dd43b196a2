"""In-process graph store on a networkx ``MultiDiGraph`` (edge key = kind)."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from typing import Any

import networkx as nx

from core.graph.base import Direction, Edge, GraphStore, Node, check_kind


class NetworkxGraphStore(GraphStore):
    """The default backend: everything in memory, rebuilt from the inventory."""

    def __init__(self, graph: nx.MultiDiGraph | None = None) -> None:
        """Wrap ``graph`` or start empty.

        Args:
            graph: an existing graph (node attrs ``type``/``name``/``properties``).
        """
        self.graph: nx.MultiDiGraph = graph if graph is not None else nx.MultiDiGraph()

    def add_nodes(self, nodes: Iterable[Node]) -> None:
        """Create or update nodes.

        Args:
            nodes: nodes to write.
        """
        self.graph.add_nodes_from(
            (n.id, {"type": n.type, "name": n.name, "properties": dict(n.properties)})
            for n in nodes
        )

    def add_edges(self, edges: Iterable[Edge]) -> None:
        """Create or update edges; placeholder nodes get an empty type.

        Args:
            edges: edges to write.
        """
        checked = [edge for edge in edges if check_kind(edge.kind)]
        for edge in checked:
            for end in (edge.source, edge.target):
                if end not in self.graph:
                    self.graph.add_node(end, type="", name=None, properties={})
            self.graph.add_edge(edge.source, edge.target, key=edge.kind, detail=edge.detail)

    def clear(self) -> None:
        """Remove everything."""
        self.graph.clear()

    def node(self, node_id: str) -> Node | None:
        """The node, or None.

        Args:
            node_id: its id.
        """
        if node_id not in self.graph:
            return None
        return _node(node_id, self.graph.nodes[node_id])

    def neighbours(
        self, node_id: str, direction: Direction = "out", kinds: Iterable[str] | None = None
    ) -> list[Edge]:
        """Edges touching the node.

        Args:
            node_id: the node.
            direction: ``out``, ``in`` or ``both``.
            kinds: edge kinds to keep.
        """
        if node_id not in self.graph:
            return []
        wanted = set(kinds) if kinds is not None else None
        found: list[Edge] = []
        if direction in ("out", "both"):
            found += _edges(self.graph.out_edges(node_id, keys=True, data=True), wanted)
        if direction in ("in", "both"):
            found += _edges(self.graph.in_edges(node_id, keys=True, data=True), wanted)
        return sorted(found, key=lambda e: (e.kind, e.source, e.target))

    def reachable(
        self,
        node_id: str,
        direction: Direction,
        depth: int | None = None,
        kinds: Iterable[str] | None = None,
    ) -> dict[str, int]:
        """Breadth-first reachability with hop distances.

        Args:
            node_id: start node.
            direction: ``out`` or ``in`` (``both`` follows either way).
            depth: maximum hops.
            kinds: edge kinds to follow.
        """
        if node_id not in self.graph:
            return {}
        wanted = set(kinds) if kinds is not None else None
        seen = {node_id: 0}
        queue = deque([node_id])
        while queue:
            current = queue.popleft()
            if depth is not None and seen[current] >= depth:
                continue
            for other in self._steps(current, direction, wanted):
                if other not in seen:
                    seen[other] = seen[current] + 1
                    queue.append(other)
        seen.pop(node_id)
        return seen

    def _steps(self, node: str, direction: Direction, wanted: set[str] | None) -> list[str]:
        steps: list[str] = []
        if direction in ("out", "both"):
            steps += [v for _, v, k in self.graph.out_edges(node, keys=True) if _keep(k, wanted)]
        if direction in ("in", "both"):
            steps += [u for u, _, k in self.graph.in_edges(node, keys=True) if _keep(k, wanted)]
        return steps

    def paths(self, source: str, target: str, max_depth: int = 6) -> list[list[str]]:
        """All shortest directed paths, if no longer than ``max_depth``.

        Args:
            source: start id.
            target: end id.
            max_depth: hop limit.
        """
        if source not in self.graph or target not in self.graph:
            return []
        try:
            found = [list(p) for p in nx.all_shortest_paths(self.graph, source, target)]
        except nx.NetworkXNoPath:
            return []
        return sorted(p for p in found if len(p) - 1 <= max_depth)

    def counts(self) -> tuple[int, int]:
        """(nodes, edges)."""
        return self.graph.number_of_nodes(), self.graph.number_of_edges()

    def to_networkx(self) -> nx.MultiDiGraph:
        """The graph itself (not a copy; do not mutate)."""
        return self.graph


def _keep(kind: str, wanted: set[str] | None) -> bool:
    return wanted is None or kind in wanted


def _node(node_id: str, attrs: dict[str, Any]) -> Node:
    return Node(
        id=node_id,
        type=attrs.get("type") or "",
        name=attrs.get("name"),
        properties=dict(attrs.get("properties") or {}),
    )


def _edges(raw: Iterable[Any], wanted: set[str] | None) -> list[Edge]:
    return [Edge(u, k, v, data.get("detail")) for u, v, k, data in raw if _keep(k, wanted)]
