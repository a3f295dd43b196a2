"""The dependency view: a DiGraph where ``u -> v`` means "u needs v to work".

Raw edges say what is connected; this view says who depends on whom:

* ``CONTAINS p -> c``, ``ATTACHED_TO a -> b``, ``TRIGGERS s -> f``: the target needs the source.
* ``SECURED_BY``, ``ROUTES_VIA``, ``TARGETS``, ``INVOKES``, ``ASSUMES``: the source needs the
  target. ``INVOKES`` (an API Gateway API calling a Lambda function and waiting for the answer)
  puts the API in the function's blast radius and after it in a migration; the function, which
  runs fine without that caller, does not need the API.
* ``PEERS``: both sides need the peering.
* ``ALLOWS a -> b`` (group b admits group a): every member of a may talk to the members of b.
  This goes through a virtual ``service`` node per group so the view stays linear in size:
  ``member(a) -> service(b) -> member(b)``.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import networkx as nx

SOURCE_NEEDS_TARGET = {"SECURED_BY", "ROUTES_VIA", "TARGETS", "INVOKES", "ASSUMES"}
TARGET_NEEDS_SOURCE = {"CONTAINS", "ATTACHED_TO", "TRIGGERS"}
SERVICE_PREFIX = "service:"


def service_node(group: str) -> str:
    """Id of the virtual node standing for "whatever listens behind ``group``".

    Args:
        group: security group node id.
    """
    return SERVICE_PREFIX + group


def is_virtual(node: str) -> bool:
    """True for virtual service nodes.

    Args:
        node: node id.
    """
    return node.startswith(SERVICE_PREFIX)


def dependency_view(graph: nx.MultiDiGraph) -> nx.DiGraph:
    """Turn raw edges into "needs" edges (attributes: ``kind``, ``detail``, ``via``).

    Args:
        graph: raw graph from a graph store (edge key = kind).
    """
    import networkx as nx  # loaded when a view is built, not when the registry is

    view = nx.DiGraph()
    view.add_nodes_from(graph.nodes(data=True))
    members: dict[str, list[str]] = defaultdict(list)
    allows: list[tuple[str, str, str | None]] = []
    for source, target, kind, data in graph.edges(keys=True, data=True):
        detail = data.get("detail")
        if kind in SOURCE_NEEDS_TARGET:
            view.add_edge(source, target, kind=kind, detail=detail)
        elif kind in TARGET_NEEDS_SOURCE:
            view.add_edge(target, source, kind=kind, detail=detail)
        elif kind == "PEERS":
            view.add_edge(source, target, kind=kind, detail=detail)
            view.add_edge(target, source, kind=kind, detail=detail)
        elif kind == "ALLOWS" and source != target:
            allows.append((source, target, detail))
        if kind == "SECURED_BY":
            members[target].append(source)
    for client_group, server_group, detail in allows:
        service = service_node(server_group)
        view.add_node(service, type="service", name=None)
        for client in members.get(client_group, []):
            view.add_edge(client, service, kind="CONNECTS", detail=detail, via=client_group)
        for server in members.get(server_group, []):
            view.add_edge(service, server, kind="SERVED_BY", detail=detail, via=server_group)
    return view
