"""The tools answer the same on the networkx default and on the Neo4j (Bolt) graph store."""

from __future__ import annotations

from tests.core.graph_server import FALKORDB_MAX_BYTES, bolt_url  # noqa: F401
from tests.tools.discovery.estate import Estate
from tools.context import ToolContext
from tools.discovery import tools
from tools.discovery.graph import CACHE_KEY
from tools.discovery.models import BlastArgs, GraphArgs, MigrationArgs
from tools.discovery.scan import run_scan


def _answers(ctx: ToolContext) -> tuple[set[str], set[str], list[list[str]]]:
    blast = tools.graph_blast_radius(ctx, BlastArgs(resource="db-prod"))
    needs = tools.graph_dependencies(ctx, GraphArgs(resource="web-1", depth=2))
    order = tools.graph_migration_order(ctx, MigrationArgs(resource="prod-vpc"))
    return (
        {i.resource.arn for i in blast.items},
        {i.resource.arn for i in needs.items},
        [[r.arn for r in step.resources] for step in order.steps],
    )


def test_networkx_and_neo4j_give_the_same_answers(
    scan_ctx: ToolContext,
    estate: Estate,
    bolt_url: str,  # noqa: F811
) -> None:
    run_scan(scan_ctx, regions=["us-east-1"])
    on_networkx = _answers(scan_ctx)
    networkx_counts = scan_ctx.extras[CACHE_KEY][1].counts()  # type: ignore[index]

    scan_ctx.settings.graph_backend = "neo4j"
    scan_ctx.settings.neo4j_url = bolt_url
    scan_ctx.settings.neo4j_max_statement_bytes = FALKORDB_MAX_BYTES
    scan_ctx.extras.clear()
    on_neo4j = _answers(scan_ctx)

    from core.graph.neo4j_store import Neo4jGraphStore

    store = scan_ctx.extras[CACHE_KEY][1]  # type: ignore[index]
    assert isinstance(store, Neo4jGraphStore)
    assert store.counts() == networkx_counts
    assert on_neo4j == on_networkx
    assert estate["web-1"] in {a.rsplit("/", 1)[-1] for a in on_neo4j[0]}
    store.close()
