"""The graph store interface: typed nodes and kinded, directed edges, written in batches.

Traversals follow edge direction: ``dependencies`` walks outgoing edges, ``dependents`` incoming
ones. Callers decide what an edge means; the store only stores and walks.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

import networkx as nx

Direction = Literal["out", "in", "both"]
KIND = re.compile(r"^[A-Z][A-Z0-9_]*$")
T = TypeVar("T")


@dataclass(frozen=True)
class Node:
    """A vertex.

    Attributes:
        id: unique id (an ARN for resources).
        type: node type, e.g. ``ec2:instance``; empty for placeholders created by an edge.
        name: display name.
        properties: small JSON-safe extras.
    """

    id: str
    type: str = ""
    name: str | None = None
    properties: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class Edge:
    """A directed edge; (source, kind, target) is unique.

    Attributes:
        source: id of the source node.
        kind: upper-case edge kind, e.g. ``CONTAINS``.
        target: id of the target node.
        detail: why the edge exists.
    """

    source: str
    kind: str
    target: str
    detail: str | None = None


def check_kind(kind: str) -> str:
    """Return ``kind`` if it is a valid edge kind (``UPPER_SNAKE``), else raise ``ValueError``.

    Args:
        kind: edge kind.
    """
    if not KIND.match(kind):
        raise ValueError(f"invalid edge kind {kind!r}")
    return kind


def batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """``items`` in lists of at most ``size``.

    Args:
        items: anything iterable.
        size: batch size.
    """
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


class GraphStore(ABC):
    """Where the dependency graph lives."""

    batch_size = 1000

    @abstractmethod
    def add_nodes(self, nodes: Iterable[Node]) -> None:
        """Create or update nodes (merged by id), in batches.

        Args:
            nodes: nodes to write.
        """

    @abstractmethod
    def add_edges(self, edges: Iterable[Edge]) -> None:
        """Create or update edges (merged by source, kind, target), in batches.

        Missing end nodes are created as placeholders.

        Args:
            edges: edges to write.
        """

    @abstractmethod
    def clear(self) -> None:
        """Remove every node and edge."""

    @abstractmethod
    def node(self, node_id: str) -> Node | None:
        """The node with this id, or None.

        Args:
            node_id: its id.
        """

    @abstractmethod
    def neighbours(
        self, node_id: str, direction: Direction = "out", kinds: Iterable[str] | None = None
    ) -> list[Edge]:
        """Edges touching ``node_id`` in ``direction``, optionally of some kinds only.

        Args:
            node_id: the node.
            direction: ``out``, ``in`` or ``both``.
            kinds: edge kinds to keep (all when None).
        """

    @abstractmethod
    def reachable(
        self,
        node_id: str,
        direction: Direction,
        depth: int | None = None,
        kinds: Iterable[str] | None = None,
    ) -> dict[str, int]:
        """Nodes reachable from ``node_id`` (excluded) with their hop distance.

        Args:
            node_id: start node.
            direction: follow outgoing (``out``) or incoming (``in``) edges.
            depth: maximum hops (unlimited when None).
            kinds: edge kinds to follow (all when None).
        """

    @abstractmethod
    def paths(self, source: str, target: str, max_depth: int = 6) -> list[list[str]]:
        """Shortest directed paths from ``source`` to ``target`` as lists of node ids.

        Args:
            source: start node id.
            target: end node id.
            max_depth: ignore paths longer than this many hops.
        """

    @abstractmethod
    def counts(self) -> tuple[int, int]:
        """(number of nodes, number of edges)."""

    @abstractmethod
    def to_networkx(self) -> nx.MultiDiGraph:
        """The whole graph as a networkx ``MultiDiGraph`` (edge key = kind) for big analyses."""

    def dependencies(
        self, node_id: str, depth: int | None = None, kinds: Iterable[str] | None = None
    ) -> dict[str, int]:
        """What ``node_id`` points at, transitively (outgoing edges).

        Args:
            node_id: start node.
            depth: maximum hops.
            kinds: edge kinds to follow.
        """
        return self.reachable(node_id, "out", depth, kinds)

    def dependents(
        self, node_id: str, depth: int | None = None, kinds: Iterable[str] | None = None
    ) -> dict[str, int]:
        """What points at ``node_id``, transitively (incoming edges).

        Args:
            node_id: start node.
            depth: maximum hops.
            kinds: edge kinds to follow.
        """
        return self.reachable(node_id, "in", depth, kinds)

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release connections (no-op by default)."""
