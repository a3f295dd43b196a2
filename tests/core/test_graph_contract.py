"""The same graph-store contract on networkx and on the Bolt-backed Neo4j adapter."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from contextlib import ExitStack
from itertools import pairwise
from pathlib import Path

import pytest

from core.graph.base import Edge, GraphStore, Node
from core.graph.nx_store import NetworkxGraphStore
from tests.conftest import services_required
from tests.core.graph_server import FALKORDB_MAX_BYTES, bolt_process, bolt_url  # noqa: F401


@pytest.fixture(scope="session")
def neo4j_store(bolt_url: str) -> Iterator[GraphStore]:  # noqa: F811
    """One adapter for the session (cleared before each test)."""
    from core.graph.neo4j_store import Neo4jGraphStore

    store = Neo4jGraphStore(bolt_url, max_statement_bytes=FALKORDB_MAX_BYTES)
    yield store
    store.close()


@pytest.fixture(params=["networkx", "neo4j"])
def store(request: pytest.FixtureRequest) -> GraphStore:
    """Each backend in turn, empty."""
    if request.param == "networkx":
        return NetworkxGraphStore()
    backend: GraphStore = request.getfixturevalue("neo4j_store")
    backend.clear()
    return backend


def _seed(store: GraphStore) -> None:
    store.add_nodes(
        [
            Node("vpc", "ec2:vpc", "prod-vpc", {"cidr": "10.0.0.0/16"}),
            Node("subnet", "ec2:subnet", "private-a"),
            Node("db", "rds:db-instance", "db-prod"),
            Node("db-sg", "ec2:security-group", "db-sg"),
            Node("web-sg", "ec2:security-group", "web-sg"),
            Node("web", "ec2:instance", "web-1"),
        ]
    )
    store.add_edges(
        [
            Edge("vpc", "CONTAINS", "subnet"),
            Edge("subnet", "CONTAINS", "db"),
            Edge("subnet", "CONTAINS", "web"),
            Edge("db", "SECURED_BY", "db-sg"),
            Edge("web", "SECURED_BY", "web-sg"),
            Edge("web-sg", "ALLOWS", "db-sg", "tcp 5432"),
        ]
    )


def test_nodes_and_edges_are_merged_not_duplicated(store: GraphStore) -> None:
    _seed(store)
    _seed(store)
    store.add_nodes([Node("db", "rds:db-instance", "db-prod-renamed")])

    assert store.counts() == (6, 6)
    node = store.node("db")
    assert node is not None and node.name == "db-prod-renamed"
    assert store.node("vpc") == Node("vpc", "ec2:vpc", "prod-vpc")
    assert store.node("vpc").properties == {"cidr": "10.0.0.0/16"}  # type: ignore[union-attr]
    assert store.node("nope") is None


def test_neighbours_by_direction_and_kind(store: GraphStore) -> None:
    _seed(store)

    assert store.neighbours("subnet") == [
        Edge("subnet", "CONTAINS", "db"),
        Edge("subnet", "CONTAINS", "web"),
    ]
    assert store.neighbours("db-sg", "in") == [
        Edge("web-sg", "ALLOWS", "db-sg", "tcp 5432"),
        Edge("db", "SECURED_BY", "db-sg"),
    ]
    assert store.neighbours("db", "both", kinds=["CONTAINS"]) == [Edge("subnet", "CONTAINS", "db")]
    assert store.neighbours("missing") == []


def test_dependencies_and_dependents_respect_depth_and_kinds(store: GraphStore) -> None:
    _seed(store)

    assert store.dependencies("vpc") == {"subnet": 1, "db": 2, "web": 2, "db-sg": 3, "web-sg": 3}
    assert store.dependencies("vpc", depth=1) == {"subnet": 1}
    assert store.dependencies("vpc", kinds=["CONTAINS"]) == {"subnet": 1, "db": 2, "web": 2}
    assert store.dependents("db-sg") == {"db": 1, "web-sg": 1, "web": 2, "subnet": 2, "vpc": 3}
    assert store.dependents("db-sg", depth=1, kinds=["ALLOWS"]) == {"web-sg": 1}
    assert store.dependencies("db-sg") == {}


def test_paths_are_shortest_and_directed(store: GraphStore) -> None:
    _seed(store)

    assert store.paths("vpc", "db-sg") == [["vpc", "subnet", "db", "db-sg"]]
    assert store.paths("web", "db-sg") == [["web", "web-sg", "db-sg"]]
    assert store.paths("db-sg", "vpc") == []
    assert store.paths("vpc", "db-sg", max_depth=2) == []


def test_edges_to_unknown_nodes_create_placeholders(store: GraphStore) -> None:
    store.add_edges([Edge("a", "PEERS", "b"), Edge("b", "PEERS", "a")])

    assert store.counts() == (2, 2)
    assert store.node("a") == Node("a", "", None)
    assert store.dependencies("a") == {"b": 1}


def test_batches_larger_than_one_statement(store: GraphStore) -> None:
    store.batch_size = 50
    store.add_nodes(Node(f"n{i}", "t", f"node {i}") for i in range(260))
    store.add_edges(Edge(f"n{i}", "CONTAINS", f"n{i + 1}") for i in range(259))

    assert store.counts() == (260, 259)
    assert store.dependencies("n0", depth=5) == {f"n{i}": i for i in range(1, 6)}
    graph = store.to_networkx()
    assert graph.number_of_nodes() == 260
    assert graph.has_edge("n3", "n4", key="CONTAINS")
    store.batch_size = 1000


def test_invalid_edge_kind_is_refused(store: GraphStore) -> None:
    with pytest.raises(ValueError, match="invalid edge kind"):
        store.add_edges([Edge("a", "contains; DROP", "b")])
    assert store.counts() == (0, 0)


def test_clear_empties_the_store(store: GraphStore) -> None:
    _seed(store)
    store.clear()
    assert store.counts() == (0, 0)


def test_long_ids_are_written_in_several_statements(store: GraphStore) -> None:
    long_ids = [f"arn:aws:ec2:us-east-1:123456789012:instance/i-{n:017d}" for n in range(300)]
    store.add_nodes(Node(i, "ec2:instance", i[-8:], {"region": "us-east-1"}) for i in long_ids)
    store.add_edges(Edge(a, "CONTAINS", b) for a, b in pairwise(long_ids))

    assert store.counts() == (300, 299)
    assert store.dependents(long_ids[5], depth=2) == {long_ids[4]: 1, long_ids[3]: 2}


def test_a_stalled_graph_server_is_reported_not_waited_on_forever(tmp_path: Path) -> None:
    """A real FalkorDB process paused with SIGSTOP: statements fail after the deadline with a
    sentence, and work again once the server is back."""
    from core.graph.neo4j_store import GraphServerStalled, Neo4jGraphStore

    with ExitStack() as stack:
        try:
            url, process = stack.enter_context(bolt_process(tmp_path))
        except RuntimeError as error:
            if services_required():
                pytest.fail(f"CF_REQUIRE_SERVICES=1 but the Bolt server cannot start: {error}")
            pytest.skip(str(error))
        store = Neo4jGraphStore(url, max_statement_bytes=FALKORDB_MAX_BYTES, statement_timeout=2)
        stack.callback(store.close)
        store.add_nodes([Node("a", "ec2:instance", "web-1")])
        os.kill(process.pid, signal.SIGSTOP)
        try:
            started = time.monotonic()
            with pytest.raises(GraphServerStalled, match="did not answer within 2 s"):
                store.counts()
            assert time.monotonic() - started < 15
        finally:
            os.kill(process.pid, signal.SIGCONT)
        assert store.node("a") is not None
