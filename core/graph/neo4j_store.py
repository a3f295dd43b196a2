"""Neo4j graph store over Bolt: batched ``UNWIND ... MERGE`` writes, portable openCypher reads.

Nodes carry the label ``Resource`` and a unique ``id``; edge kinds are relationship types.
Queries stay within openCypher so any Bolt server that speaks it works (the tests use FalkorDB).
"""

from __future__ import annotations

import json
import threading
import time
from collections import defaultdict
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as StatementTimeout
from typing import Any

import networkx as nx
from neo4j import Driver, GraphDatabase
from neo4j.exceptions import ClientError, DatabaseError, ServiceUnavailable

from core.graph.base import Direction, Edge, GraphStore, Node, batched, check_kind

LABEL = "Resource"
MAX_DEPTH = 25
SCHEMA = (
    f"CREATE CONSTRAINT resource_id IF NOT EXISTS FOR (n:{LABEL}) REQUIRE n.id IS UNIQUE",
    f"CREATE INDEX FOR (n:{LABEL}) ON (n.id)",
)
NODE_MERGE = (
    f"UNWIND $rows AS row MERGE (n:{LABEL} {{id: row.id}}) "
    "SET n.type = row.type, n.name = row.name, n.props = row.props"
)
EDGE_MERGE = (
    f"UNWIND $rows AS row MERGE (a:{LABEL} {{id: row.source}}) "
    f"MERGE (b:{LABEL} {{id: row.target}}) "
    "MERGE (a)-[r:{kind}]->(b) SET r.detail = row.detail"
)


class GraphServerStalled(ServiceUnavailable):
    """The graph server accepted a statement but did not answer within the deadline."""


class Neo4jGraphStore(GraphStore):
    """Graph store on a Neo4j (or other Bolt/openCypher) server.

    The Bolt driver has no read timeout of its own, so a server that stops answering would hold
    a turn forever. Every statement therefore runs under a deadline: past it, the driver is
    closed (which fails the stuck read), a fresh one is opened, and ``GraphServerStalled`` is
    raised with a sentence for the person waiting.
    """

    def __init__(
        self,
        url: str,
        *,
        user: str | None = None,
        password: str | None = None,
        database: str | None = None,
        connect_timeout: float = 5.0,
        max_statement_bytes: int | None = None,
        statement_timeout: float = 30.0,
    ) -> None:
        """Connect and make sure the id index/constraint exists.

        Args:
            url: ``bolt://host:port`` or ``neo4j://...``.
            user: user name (no auth when None).
            password: password.
            database: database name (server default when None).
            connect_timeout: seconds allowed for each connection attempt.
            max_statement_bytes: also cap each batch by the size of its parameters (some Bolt
                servers, e.g. FalkorDB, fail on messages of a few KB); None = rows only.
            statement_timeout: seconds a statement may take before the server is called stalled.
        """
        auth = (user, password or "") if user else None
        self._open = lambda: GraphDatabase.driver(
            url,
            auth=auth,
            connection_timeout=connect_timeout,
            connection_acquisition_timeout=connect_timeout,
        )
        self.driver: Driver = self._open()
        self.database = database
        self.max_statement_bytes = max_statement_bytes
        self.statement_timeout = statement_timeout
        self._pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="bolt")
        self._swap = threading.Lock()
        self._connect()
        self._ensure_schema()

    def _connect(self, attempts: int = 4) -> None:
        """Open a first connection, retrying: some servers drop the very first handshake."""
        for attempt in range(attempts):
            try:
                self.driver.verify_connectivity()
                return
            except ServiceUnavailable:
                if attempt == attempts - 1:
                    raise
                time.sleep(0.2)

    def _run(self, query: str, **params: Any) -> list[dict[str, Any]]:
        driver = self.driver
        future = self._pool.submit(self._run_on, driver, query, params)
        try:
            return future.result(timeout=self.statement_timeout)
        except StatementTimeout:
            self._replace(driver)
            raise GraphServerStalled(
                f"The graph server did not answer within {self.statement_timeout:g} s; "
                "try again, or ask an operator to check it."
            ) from None

    def _run_on(self, driver: Driver, query: str, params: dict[str, Any]) -> list[dict[str, Any]]:
        with driver.session(database=self.database) as session:
            return [record.data() for record in session.run(query, params)]

    def _replace(self, stalled: Driver) -> None:
        """Close a stalled driver (failing its stuck reads) and open a fresh one, once."""
        with self._swap:
            if self.driver is stalled:
                self.driver = self._open()
        stalled.close()

    def _ensure_schema(self, attempts: int = 3) -> None:
        for attempt in range(attempts):
            try:
                self._try_schema()
                return
            except GraphServerStalled:
                if attempt == attempts - 1:
                    raise  # some servers stall on the first statement of a fresh connection

    def _try_schema(self) -> None:
        for statement in SCHEMA:
            try:
                self._run(statement)
                return
            except (ClientError, DatabaseError):
                continue  # unsupported syntax or already present: try the portable form

    def add_nodes(self, nodes: Iterable[Node]) -> None:
        """Merge nodes by id, ``batch_size`` per statement.

        Args:
            nodes: nodes to write.
        """
        rows = (
            {"id": n.id, "type": n.type, "name": n.name, "props": json.dumps(n.properties)}
            for n in nodes
        )
        for batch in self._batches(rows):
            self._run(NODE_MERGE, rows=batch)

    def add_edges(self, edges: Iterable[Edge]) -> None:
        """Merge edges, one statement per kind and batch.

        Args:
            edges: edges to write.
        """
        by_kind: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for edge in edges:
            row = {"source": edge.source, "target": edge.target, "detail": edge.detail}
            by_kind[check_kind(edge.kind)].append(row)
        for kind, rows in by_kind.items():
            for batch in self._batches(rows):
                self._run(EDGE_MERGE.replace("{kind}", kind), rows=batch)

    def _batches(self, rows: Iterable[dict[str, Any]]) -> Iterable[list[dict[str, Any]]]:
        """Rows in batches of ``batch_size``, and of ``max_statement_bytes`` when set."""
        if self.max_statement_bytes is None:
            yield from batched(rows, self.batch_size)
            return
        batch: list[dict[str, Any]] = []
        size = 0
        for row in rows:
            row_size = sum(len(str(v)) + len(k) + 8 for k, v in row.items())
            if batch and (
                size + row_size > self.max_statement_bytes or len(batch) >= self.batch_size
            ):
                yield batch
                batch, size = [], 0
            batch.append(row)
            size += row_size
        if batch:
            yield batch

    def clear(self) -> None:
        """Delete every node and relationship."""
        self._run(f"MATCH (n:{LABEL}) DETACH DELETE n")

    def node(self, node_id: str) -> Node | None:
        """The node, or None.

        Args:
            node_id: its id.
        """
        rows = self._run(
            f"MATCH (n:{LABEL} {{id: $id}}) RETURN n.type AS type, n.name AS name, "
            "n.props AS props",
            id=node_id,
        )
        if not rows:
            return None
        row = rows[0]
        props = json.loads(row["props"]) if row.get("props") else {}
        return Node(id=node_id, type=row.get("type") or "", name=row.get("name"), properties=props)

    def neighbours(
        self, node_id: str, direction: Direction = "out", kinds: Iterable[str] | None = None
    ) -> list[Edge]:
        """Edges touching the node.

        Args:
            node_id: the node.
            direction: ``out``, ``in`` or ``both``.
            kinds: edge kinds to keep.
        """
        pattern = _kinds(kinds)
        found: list[Edge] = []
        if direction in ("out", "both"):
            found += self._edge_rows(f"(s:{LABEL} {{id: $id}})-[r{pattern}]->(o:{LABEL})", node_id)
        if direction in ("in", "both"):
            found += self._edge_rows(f"(o:{LABEL})-[r{pattern}]->(s:{LABEL} {{id: $id}})", node_id)
        return sorted(found, key=lambda e: (e.kind, e.source, e.target))

    def _edge_rows(self, pattern: str, node_id: str) -> list[Edge]:
        rows = self._run(
            f"MATCH {pattern} RETURN startNode(r).id AS source, type(r) AS kind, "
            "endNode(r).id AS target, r.detail AS detail",
            id=node_id,
        )
        return [Edge(r["source"], r["kind"], r["target"], r["detail"]) for r in rows]

    def reachable(
        self,
        node_id: str,
        direction: Direction,
        depth: int | None = None,
        kinds: Iterable[str] | None = None,
    ) -> dict[str, int]:
        """Variable-length match with the shortest hop count per node (one round trip).

        Args:
            node_id: start node.
            direction: ``out``, ``in`` or ``both``.
            depth: maximum hops (capped at 25).
            kinds: edge kinds to follow.
        """
        hops = min(depth, MAX_DEPTH) if depth is not None else MAX_DEPTH
        if hops < 1:
            return {}
        rel = f"[{_kinds(kinds)}*1..{hops}]"
        arrow = {"out": f"-{rel}->", "in": f"<-{rel}-", "both": f"-{rel}-"}[direction]
        rows = self._run(
            f"MATCH p = (s:{LABEL} {{id: $id}}){arrow}(n:{LABEL}) WHERE n.id <> $id "
            "RETURN n.id AS id, min(length(p)) AS hops",
            id=node_id,
        )
        return {r["id"]: int(r["hops"]) for r in rows}

    def paths(self, source: str, target: str, max_depth: int = 6) -> list[list[str]]:
        """All shortest directed paths up to ``max_depth`` hops.

        Args:
            source: start id.
            target: end id.
            max_depth: hop limit.
        """
        found: list[list[str]] = []
        for hops in range(1, max(1, min(max_depth, MAX_DEPTH)) + 1):
            rows = self._run(
                f"MATCH p = (a:{LABEL} {{id: $a}})-[*{hops}..{hops}]->(b:{LABEL} {{id: $b}}) "
                "RETURN [n IN nodes(p) | n.id] AS ids",
                a=source,
                b=target,
            )
            if rows:
                found = [list(r["ids"]) for r in rows]
                break
        return sorted({tuple(p): p for p in found}.values())

    def counts(self) -> tuple[int, int]:
        """(nodes, edges)."""
        nodes = self._run(f"MATCH (n:{LABEL}) RETURN count(n) AS c")[0]["c"]
        edges = self._run(f"MATCH (:{LABEL})-[r]->(:{LABEL}) RETURN count(r) AS c")[0]["c"]
        return int(nodes), int(edges)

    def to_networkx(self) -> nx.MultiDiGraph:
        """The whole graph in two queries (nodes, then edges)."""
        graph = nx.MultiDiGraph()
        for row in self._run(
            f"MATCH (n:{LABEL}) RETURN n.id AS id, n.type AS type, n.name AS name, n.props AS props"
        ):
            props = json.loads(row["props"]) if row.get("props") else {}
            graph.add_node(row["id"], type=row["type"] or "", name=row["name"], properties=props)
        for row in self._run(
            f"MATCH (a:{LABEL})-[r]->(b:{LABEL}) RETURN a.id AS source, type(r) AS kind, "
            "b.id AS target, r.detail AS detail"
        ):
            graph.add_edge(row["source"], row["target"], key=row["kind"], detail=row["detail"])
        return graph

    def close(self) -> None:
        """Close the driver and the statement threads."""
        self.driver.close()
        self._pool.shutdown(wait=False, cancel_futures=True)


def _kinds(kinds: Iterable[str] | None) -> str:
    if kinds is None:
        return ""
    names = [check_kind(k) for k in kinds]
    return ":" + "|".join(names) if names else ""
