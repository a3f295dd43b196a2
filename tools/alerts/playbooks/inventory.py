"""Discovery's inventory and dependency graph as evidence: recent changes, attached resources.

Nothing here scans: a playbook reads what the last scan recorded and says so when there is none.
"""

from __future__ import annotations

from datetime import timedelta

from tools.alerts.playbooks.models import ChangeEvidence, GraphEvidence
from tools.alerts.playbooks.notebook import Notebook
from tools.discovery.graph import current_graph
from tools.discovery.resource_models import short_id
from tools.discovery.store import InventoryStore, StoredResource

CHANGES_LOOKBACK = timedelta(days=7)
"""How far before the fire time the inventory's change log is read."""
GRAPH_LIMIT = 20
"""At most this many graph paths are cited."""


def _store(book: Notebook, what: str) -> InventoryStore | None:
    if book.ctx.db is None or InventoryStore(book.ctx.db).last_scan() is None:
        book.skip(what, "no inventory scan has been recorded yet (run a discovery scan).")
        return None
    return InventoryStore(book.ctx.db)


def find(book: Notebook, resource_id: str) -> StoredResource | None:
    """The inventory's record of a resource, by ARN or provider id (None when unknown).

    Args:
        book: the playbook run.
        resource_id: ARN or id (``i-0abc``, ``sg-0abc``).
    """
    store = InventoryStore(book.ctx.db) if book.ctx.db is not None else None
    if store is None:
        return None
    if resource_id.startswith("arn:"):
        return store.get(resource_id)
    matches = [r for r in store.search(name=resource_id) if r.resource_id == resource_id]
    return matches[0] if len(matches) == 1 else None


def changes(book: Notebook, resource_id: str) -> list[ChangeEvidence]:
    """Changes the inventory recorded for the resource in the week before the fire time.

    Args:
        book: the playbook run.
        resource_id: ARN or id.
    """
    store = _store(book, f"inventory changes of {resource_id}")
    if store is None:
        return []
    since = book.signal.fired_at - CHANGES_LOOKBACK
    return [
        ChangeEvidence(resource=row.arn, change=row.kind, fields=list(row.changed_fields),
                       at=row.at)
        for row in store.changes(since=since)
        if row.arn == resource_id or short_id(row.arn) == resource_id
    ]  # fmt: skip


def attached(book: Notebook, resource_id: str, kind: str) -> list[GraphEvidence]:
    """Graph paths of resources pointing at this one with ``kind`` edges (instances a group
    secures, load balancers that target an instance).

    Args:
        book: the playbook run.
        resource_id: ARN or id.
        kind: edge kind, e.g. SECURED_BY.
    """
    if _store(book, f"dependency graph around {resource_id}") is None:
        return []
    found = find(book, resource_id)
    if found is None:
        book.skip(f"dependency graph around {resource_id}", "it is not in the last scan.")
        return []
    graph = current_graph(book.ctx)
    label = found.label
    paths = []
    for edge in graph.neighbours(found.arn, "in", [kind])[:GRAPH_LIMIT]:
        node = graph.node(edge.source)
        name = node.name if node and node.name else None
        source = f"{name} ({short_id(edge.source)})" if name else short_id(edge.source)
        paths.append(GraphEvidence(path=[source, label], edges=[edge.kind]))
    return paths
