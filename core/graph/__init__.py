"""Graph store: one interface (``GraphStore``) with a networkx and a Neo4j (Bolt) backend."""

from core.graph.base import Edge, GraphStore, Node

__all__ = ["Edge", "GraphStore", "Node"]
