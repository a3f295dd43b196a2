"""Build the dependency graph from the inventory, into whichever graph store is configured."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from core.graph.base import Edge, GraphStore, Node
from core.graph.nx_store import NetworkxGraphStore
from tools.discovery.resource_models import Resource
from tools.discovery.store import InventoryStore

if TYPE_CHECKING:
    from tools.context import ToolContext

CACHE_KEY = "discovery.graph"


def resource_nodes(resources: Iterable[Resource]) -> list[Node]:
    """One node per resource (type, name and the few properties analyses need).

    Args:
        resources: inventory resources.
    """
    return [
        Node(
            r.arn,
            r.type,
            r.name or r.resource_id,
            {"region": r.region, "account": r.account, "state": r.state, "id": r.resource_id},
        )
        for r in resources
    ]


def resource_edges(resources: Iterable[Resource]) -> list[Edge]:
    """Every relation seen by any collector, deduplicated.

    Args:
        resources: inventory resources.
    """
    edges = {
        (rel.source, rel.kind, rel.target): Edge(rel.source, rel.kind, rel.target, rel.detail)
        for r in resources
        for rel in r.relations
    }
    return list(edges.values())


def fill(store: GraphStore, resources: list[Resource]) -> GraphStore:
    """Replace the store's content with ``resources`` and their relations.

    Args:
        store: target graph store.
        resources: inventory resources.
    """
    store.clear()
    store.add_nodes(resource_nodes(resources))
    store.add_edges(resource_edges(resources))
    return store


def open_store(ctx: ToolContext) -> GraphStore:
    """The configured graph store (an empty networkx one by default).

    Args:
        ctx: tool context (settings, extras).
    """
    settings = ctx.settings
    if settings.graph_backend == "neo4j" and settings.neo4j_url:
        from core.graph.neo4j_store import Neo4jGraphStore

        return Neo4jGraphStore(
            settings.neo4j_url,
            user=settings.neo4j_user if settings.neo4j_password else None,
            password=settings.neo4j_password,
            database=settings.neo4j_database,
            max_statement_bytes=settings.neo4j_max_statement_bytes,
        )
    return NetworkxGraphStore()


def current_graph(ctx: ToolContext) -> GraphStore:
    """The graph of the latest scan, rebuilt only when a newer scan was recorded.

    Args:
        ctx: tool context; the graph is cached in ``ctx.extras``.
    """
    inventory = InventoryStore(ctx.db)
    scan = inventory.last_scan()
    version = scan.id if scan else None
    cached = ctx.extras.get(CACHE_KEY)
    if isinstance(cached, tuple) and cached[0] == version:
        store: GraphStore = cached[1]
        return store
    if isinstance(cached, tuple):
        cached[1].close()
    store = fill(open_store(ctx), list(inventory.resources()))
    ctx.extras[CACHE_KEY] = (version, store)
    return store
