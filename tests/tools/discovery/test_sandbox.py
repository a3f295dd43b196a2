"""On the sandbox demo estate: the scan finds everything, and the headline questions are answered
right and explained."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from moto import mock_aws

from core.aws import AwsClients
from core.db import Database
from core.sandbox import DemoEstate, seed_demo_estate
from core.settings import Settings
from tools import blocks
from tools.context import ToolContext
from tools.discovery import render, tools
from tools.discovery.models import (
    BlastArgs,
    MigrationArgs,
    OrphansArgs,
    RiskArgs,
    RiskyGroupsArgs,
    ScanArgs,
    ScopeArgs,
    SearchArgs,
)
from tools.discovery.store import InventoryStore
from tools.registry import REGISTRY, load_builtin_tools

pytestmark = pytest.mark.time_sensitive


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[ToolContext, DemoEstate]]:
    """The demo estate, scanned once for the whole module."""
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        data_dir=tmp_path_factory.mktemp("sandbox") / "cf",
        aws_mode="sandbox",
        aws_regions=["us-east-1", "eu-west-1"],
    )
    with mock_aws():
        aws = AwsClients(settings, sandbox=True)
        estate = seed_demo_estate(aws)
        db = Database(settings.sql_url)
        db.migrate()
        ctx = ToolContext(settings=settings, aws=aws, db=db, actor="alice")
        tools.scan(ctx, ScanArgs())
        yield ctx, estate
        db.dispose()


def _labels(items: list[Any]) -> set[str]:
    return {i.resource.label.split(" (")[0] for i in items}


def test_scan_finds_every_seeded_resource(sandbox: tuple[ToolContext, DemoEstate]) -> None:
    ctx, estate = sandbox
    store = InventoryStore(ctx.db)
    ids = {r.resource_id for r in store.search()}

    assert set(estate.instance_ids.values()) <= ids
    assert set(estate.vpc_ids.values()) <= ids
    assert set(estate.subnet_ids.values()) <= ids
    assert set(estate.security_group_ids.values()) <= ids
    assert set(estate.route_table_ids.values()) <= ids
    assert set(estate.allocation_ids.values()) <= ids
    assert set(estate.bucket_names) <= ids
    assert {estate.volume_id, estate.internet_gateway_id, estate.nat_gateway_id} <= ids
    assert {estate.db_identifier, estate.lambda_function_name, "web-alb", "web-tg"} <= ids
    shared = store.search(name="shared-tools")[0]
    assert shared.account == estate.second_account_id
    assert store.search(name="analytics-1")[0].region == "eu-west-1"
    last = store.last_scan()
    assert last is not None and last.complete


def test_what_we_run_in_eu_west_1(sandbox: tuple[ToolContext, DemoEstate]) -> None:
    ctx, _ = sandbox
    result = tools.search(ctx, SearchArgs(region="eu-west-1", group_by="type"))

    assert result.groups["ec2:instance"] == 1
    assert "analytics-1" in {i.label.split(" (")[0] for i in result.items}
    named = tools.search(ctx, SearchArgs(type="instances", region="eu-west-1"))
    assert [i.label.split(" (")[0] for i in named.items] == ["analytics-1"]


def test_what_breaks_if_the_rds_instance_fails(sandbox: tuple[ToolContext, DemoEstate]) -> None:
    ctx, _ = sandbox
    result = tools.graph_blast_radius(ctx, BlastArgs(resource="db-prod"))

    affected = _labels(result.items)
    assert {"web-1", "web-2", "web-tg", "web-alb"} <= affected
    assert not {"batch-worker", "legacy-app", "analytics-1", "shared-tools"} & affected
    web1 = next(i for i in result.items if i.resource.label.startswith("web-1"))
    reasons = " ".join(web1.path)
    assert "web-sg" in reasons and "tcp 5432" in reasons and "db-sg" in reasons
    assert "web-1 is in web-sg, which security group db-sg admits on tcp 5432" in reasons
    tg = next(i for i in result.items if i.resource.label.startswith("web-tg"))
    assert "web-tg sends traffic to web-1" in " ".join(tg.path)
    # web-1's and web-2's network interfaces are part of them, not separate casualties
    assert "ec2:network-interface" not in {i.resource.type for i in result.items}
    assert result.folded_interfaces == 2
    assert "plus 2 network interface(s)" in blocks.to_text(render.render_graph(result))


def test_security_groups_open_to_the_internet(sandbox: tuple[ToolContext, DemoEstate]) -> None:
    ctx, _ = sandbox
    result = tools.security_risky_groups(ctx, RiskyGroupsArgs())

    open_names = {g.name for g in result.open_to_world}
    assert "ssh-open" in open_names
    assert "web-sg" not in open_names and "db-sg" not in open_names
    ssh = next(g for g in result.open_to_world if g.name == "ssh-open")
    assert ssh.open_rules[0].exposes == ["SSH (22)"]
    assert ssh.open_rules[0].sources == ["0.0.0.0/0"]


def test_what_is_unused_and_costing_money(sandbox: tuple[ToolContext, DemoEstate]) -> None:
    ctx, _ = sandbox
    result = tools.inventory_orphans(ctx, OrphansArgs())

    reasons = {(o.label.split(" (")[0], o.reason) for o in result.items}
    assert ("old-data", "unattached_volume") in reasons
    assert ("spare-ip", "unassociated_eip") in reasons
    volume = next(o for o in result.items if o.reason == "unattached_volume")
    assert volume.monthly_cost == pytest.approx(10.0)
    eip = next(o for o in result.items if o.reason == "unassociated_eip")
    assert eip.monthly_cost == pytest.approx(3.65)
    assert not any(o.reason == "no_healthy_targets" for o in result.items)
    assert result.monthly_total >= 13.65


def test_migration_order_of_prod_vpc(sandbox: tuple[ToolContext, DemoEstate]) -> None:
    ctx, _ = sandbox
    result = tools.graph_migration_order(ctx, MigrationArgs(resource="prod-vpc"))

    position: dict[str, int] = {}
    for step in result.steps:
        for ref in step.resources:
            position[ref.label.split(" (")[0]] = step.order
    assert position["prod-vpc"] < position["prod-private-a"] < position["db-prod"]
    assert position["db-sg"] < position["db-prod"]
    assert position["db-prod"] < position["web-1"] < position["web-tg"] < position["web-alb"]
    assert "analytics-1" not in position
    assert position["prod-vpc"] == 1
    assert result.cycles == 0
    assert not {r.label for r in result.external} & set(position)
    # an instance's network interfaces move with it: neither a step nor "needed from outside"
    types = {ref.type for step in result.steps for ref in step.resources}
    web1 = next(
        s for s in result.steps if any(r.label.split(" (")[0] == "web-1" for r in s.resources)
    )
    assert not [r for r in result.external if r.type == "ec2:network-interface"]
    assert web1.order > 1 and web1.because  # each later step says what it waits for
    assert any("db-sg admits on tcp 5432" in reason for reason in web1.because)
    alb = next(
        s for s in result.steps if any(r.label.split(" (")[0] == "web-alb" for r in s.resources)
    )
    assert alb.because == ["web-alb sends traffic to web-tg"]
    assert "ec2:instance" in types


def test_public_exposure_and_risk(sandbox: tuple[ToolContext, DemoEstate]) -> None:
    ctx, _ = sandbox
    exposed = tools.security_public_exposure(ctx, ScopeArgs())
    names = {e.label.split(" (")[0]: e.reason for e in exposed.items}
    assert names.get("web-alb") == "public_load_balancer"
    assert "db-prod" not in names

    risk = tools.graph_migration_risk(ctx, RiskArgs(resource="db-prod"))
    item = risk.items[0]
    assert item.level == "high"
    assert any("holds data" in r for r in item.reasons)
    assert any("depend on it" in r for r in item.reasons)


def test_every_tool_renders_its_result(sandbox: tuple[ToolContext, DemoEstate]) -> None:
    from tools.blocks import to_text

    ctx, _ = sandbox
    load_builtin_tools()
    calls = {
        "inventory.search": {"region": "eu-west-1"},
        "inventory.describe": {"resource": "db-prod"},
        "inventory.changes": {},
        "graph.dependencies": {"resource": "web-1"},
        "graph.blast_radius": {"resource": "db-prod"},
        "graph.migration_order": {"resource": "prod-vpc"},
        "graph.migration_risk": {"resource": "prod-vpc"},
        "security.risky_security_groups": {},
        "security.public_exposure": {},
        "inventory.orphans": {},
    }
    for name, raw in calls.items():
        spec = REGISTRY.get(name)
        result = spec.handler(ctx, spec.args_model(**raw))
        text = to_text(spec.render(result))
        assert text.strip(), name


def test_bad_input_gets_a_clear_message_and_changes_nothing(
    sandbox: tuple[ToolContext, DemoEstate],
) -> None:
    from tools.errors import Ambiguous, InvalidInput, NotFound

    ctx, _ = sandbox
    store = InventoryStore(ctx.db)
    before = store.last_scan()

    with pytest.raises(NotFound, match="no-such-db"):
        tools.graph_blast_radius(ctx, BlastArgs(resource="no-such-db"))
    with pytest.raises(InvalidInput, match="resource type 'spaceships'"):
        tools.search(ctx, SearchArgs(type="spaceships"))
    with pytest.raises(InvalidInput, match="not an AWS region"):
        tools.search(ctx, SearchArgs(region="us-east-9"))
    with pytest.raises(InvalidInput, match="group_by"):
        tools.search(ctx, SearchArgs(group_by="colour"))
    with pytest.raises(Ambiguous) as asked:
        tools.graph_blast_radius(ctx, BlastArgs(resource="web"))
    assert any("web-1" in choice for choice in asked.value.choices)

    after = store.last_scan()
    assert before is not None and after is not None and after.id == before.id
