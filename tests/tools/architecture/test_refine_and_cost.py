"""Refinements with their diff and cost delta; estimates from the catalog, never a silent zero."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.tools.architecture.conftest import call
from tools.architecture.cfn import build_template
from tools.architecture.estimate import estimate_spec
from tools.architecture.models import ProposalResult, ShowResult
from tools.context import ToolContext
from tools.cost.catalog import catalog
from tools.errors import InvalidInput

PROD_WEB = "We need a web app with a Postgres database in eu-west-1 for prod, about 2k requests/s."
H = Decimal(730)


def test_make_the_database_aurora_shows_the_diff_and_the_cost_change(arch_ctx: ToolContext) -> None:
    first = call(arch_ctx, "architecture.propose", request=PROD_WEB)

    refined = call(arch_ctx, "architecture.refine", change="make the database Aurora")

    assert isinstance(refined, ProposalResult) and refined.version == 2
    db = refined.spec.component("db")
    assert (db.kind, db.engine, db.count, db.instance_type) == (
        "aurora",
        "postgres",
        2,
        "db.r6g.large",
    )
    assert "db: kind rds -> aurora" in refined.diff.changed
    before, after = (
        estimate_spec(first.spec).total_monthly,
        estimate_spec(refined.spec).total_monthly,
    )
    assert (refined.diff.monthly_before, refined.diff.monthly_after) == (before, after)
    assert "AWS::RDS::DBCluster" in {
        r["Type"] for r in build_template(refined.spec)["Resources"].values()
    }


def test_add_a_redis_cache_adds_the_component_its_connection_and_its_port(
    arch_ctx: ToolContext,
) -> None:
    call(arch_ctx, "architecture.propose", request=PROD_WEB)

    refined = call(arch_ctx, "architecture.refine", change="add a Redis cache")

    assert refined.diff.added == ["cache (redis cache.m5.large x2)"]
    assert "connection added: app -> cache (network 6379)" in refined.diff.changed
    ingress = build_template(refined.spec)["Resources"]["AppToCachePort6379"]["Properties"]
    assert ingress["FromPort"] == 6379
    assert refined.diff.monthly_delta > 0


def test_cheaper_please_says_what_it_gave_up_and_costs_less(arch_ctx: ToolContext) -> None:
    call(arch_ctx, "architecture.propose", request=PROD_WEB)

    cheaper = call(arch_ctx, "architecture.refine", change="cheaper please")

    assert cheaper.diff.monthly_delta < 0
    assert any("one shared NAT gateway" in g for g in cheaper.gave_up)
    assert any("m5.large -> t3.large" in g for g in cheaper.gave_up)
    assert cheaper.spec.network is not None and cheaper.spec.network.nat == "single"


def test_unknown_refinement_lists_what_can_be_asked(arch_ctx: ToolContext) -> None:
    call(arch_ctx, "architecture.propose", request=PROD_WEB)
    with pytest.raises(InvalidInput, match="'make the database Aurora'"):
        call(arch_ctx, "architecture.refine", change="paint it blue")


def test_versions_keep_who_asked_what_and_when(arch_ctx: ToolContext) -> None:
    call(arch_ctx, "architecture.propose", request=PROD_WEB)
    call(
        arch_ctx.as_actor("bob"), "architecture.refine", name="prod-web", change="add a redis cache"
    )

    shown = call(arch_ctx, "architecture.show", name="prod-web")

    assert isinstance(shown, ShowResult)
    assert [(v.version, v.created_by, v.note) for v in shown.versions] == [
        (1, "alice", PROD_WEB),
        (2, "bob", "add a redis cache"),
    ]
    assert shown.versions[0].created_at < shown.versions[1].created_at
    assert call(arch_ctx, "architecture.show", name="prod-web", version=1).proposal.version == 1


def test_line_items_come_from_the_catalog_with_their_dates(arch_ctx: ToolContext) -> None:
    result = call(arch_ctx, "architecture.propose", request=PROD_WEB)
    prices = catalog()
    lines = {(line.component, line.description): line for line in result.estimate.lines}

    servers = [
        line for line in result.estimate.lines if line.description == "m5.large Linux on-demand"
    ]
    assert len(servers) == 6
    assert all(
        line.monthly_usd == H * prices.ec2_instance("m5.large", "eu-west-1").usd for line in servers
    )
    db = lines[("db", "db.m5.xlarge PostgreSQL Multi-AZ instance")]
    assert db.unit_price == prices.rds_instance("db.m5.xlarge", "postgres", True, "eu-west-1").usd
    assert db.as_of == "2024-09-28" and not db.usage_based
    hours = lines[("web", "application load balancer hours")]
    assert (hours.unit_price, hours.as_of) == (Decimal("0.0252"), "2025-11-03")
    assert sum(1 for line in result.estimate.lines if line.description == "NAT gateway hours") == 2
    lcu = next(line for line in result.estimate.lines if "capacity units" in line.description)
    assert lcu.usage_based
    assert result.estimate.not_priced == []


def test_proposal_services_are_priced_and_dated(arch_ctx: ToolContext) -> None:
    api = call(
        arch_ctx, "architecture.propose", request="serverless api in us-east-1, 100 rps"
    ).estimate
    assert {line.component for line in api.lines} == {"api", "handler", "table"}
    rest = next(line for line in api.lines if line.description == "REST API requests")
    assert rest.as_of == "2025-11-20" and rest.usage_based
    site = call(
        arch_ctx, "architecture.propose", request="static site with a cdn in eu-west-1"
    ).estimate
    out = next(line for line in site.lines if line.description == "data out to viewers")
    assert (out.unit_price, out.as_of) == (Decimal("0.085"), "2025-07-01")


def test_a_component_without_a_price_says_not_priced_and_why(arch_ctx: ToolContext) -> None:
    result = call(
        arch_ctx, "architecture.propose", request="prod web app with aurora in ap-southeast-6"
    )

    missing = {(m.component, m.what): m.reason for m in result.estimate.not_priced}
    assert (
        "No Aurora prices for region 'ap-southeast-6'"
        in missing[("db", "db.r6g.large aurora_instance")]
    )
    assert "data transfer" in missing[("web", "data_transfer")]
    assert all(
        line.component != "db" or "storage" in line.description for line in result.estimate.lines
    )
    app = result.spec.component("app")
    assert app.instance_type == "m6i.large", "m5.large is not offered there; the next choice is"
    assert any(line.component == "app" for line in result.estimate.lines)
