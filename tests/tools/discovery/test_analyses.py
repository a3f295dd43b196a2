"""Analyses on small hand-built graphs and inventories: what a user would see in the answers."""

from __future__ import annotations

import networkx as nx

from tools.discovery.analysis.impact import blast_radius, dependencies
from tools.discovery.analysis.migration import migration_order, risk_score
from tools.discovery.analysis.security import public_exposure, risky_rule, risky_security_groups
from tools.discovery.analysis.view import dependency_view
from tools.discovery.resource_models import Relation, Resource


def _raw(*edges: tuple[str, str, str]) -> nx.MultiDiGraph:
    graph = nx.MultiDiGraph()
    for source, kind, target in edges:
        graph.add_edge(source, target, key=kind, detail="tcp 5432" if kind == "ALLOWS" else None)
    return graph


def test_blast_radius_follows_security_group_rules_and_explains_the_path() -> None:
    view = dependency_view(
        _raw(
            ("db", "SECURED_BY", "db-sg"),
            ("web", "SECURED_BY", "web-sg"),
            ("batch", "SECURED_BY", "batch-sg"),
            ("web-sg", "ALLOWS", "db-sg"),
            ("tg", "TARGETS", "web"),
            ("lb", "TARGETS", "tg"),
        )
    )

    impacts = {i.node: i for i in blast_radius(view, "db")}

    assert set(impacts) == {"web", "tg", "lb"}
    assert impacts["lb"].hops == 3
    assert [s.kind for s in impacts["lb"].path] == ["TARGETS", "TARGETS", "CONNECTS", "SERVED_BY"]
    assert impacts["web"].path[0].via == "web-sg"
    assert blast_radius(view, "db", depth=1)[0].node == "web"
    assert blast_radius(view, "missing") == []


def test_dependencies_walk_containment_and_attachments() -> None:
    view = dependency_view(
        _raw(
            ("vpc", "CONTAINS", "subnet"),
            ("subnet", "CONTAINS", "i-1"),
            ("vol", "ATTACHED_TO", "i-1"),
            ("i-1", "ASSUMES", "profile"),
            ("profile", "ASSUMES", "role"),
        )
    )

    found = {i.node: i.hops for i in dependencies(view, "i-1")}

    assert found == {"subnet": 1, "vol": 1, "profile": 1, "vpc": 2, "role": 2}
    assert {i.node for i in dependencies(view, "i-1", depth=1)} == {"subnet", "vol", "profile"}


def test_migration_order_puts_dependencies_first_and_groups_cycles() -> None:
    view = dependency_view(
        _raw(
            ("vpc-a", "CONTAINS", "subnet"),
            ("subnet", "CONTAINS", "app"),
            ("app", "SECURED_BY", "sg"),
            ("vpc-a", "CONTAINS", "sg"),
            ("vpc-a", "PEERS", "vpc-b"),
        )
    )

    waves = migration_order(view, {"vpc-a", "vpc-b", "subnet", "app", "sg"})

    assert waves[0].nodes == ["vpc-a", "vpc-b"] and waves[0].move_together
    order = {n: w.order for w in waves for n in w.nodes}
    assert order["vpc-a"] < order["subnet"] < order["app"]
    assert order["sg"] < order["app"]
    assert sum(1 for w in waves if w.move_together) == 1


def test_risk_score_weighs_state_size_dependents_and_exposure() -> None:
    view = dependency_view(
        _raw(
            ("db", "SECURED_BY", "db-sg"),
            ("web", "SECURED_BY", "web-sg"),
            ("web-sg", "ALLOWS", "db-sg"),
        )
    )

    database = risk_score(view, "db", "rds:db-instance", {"allocated_storage_gb": 100}, False)
    web = risk_score(view, "web", "ec2:instance", {}, True)

    assert (database.score, database.level) == (44, "medium")
    assert database.score > web.score
    assert dict(database.reasons).keys() >= {"dependents", "stateful", "data_size"}
    assert database.dependents == 1
    assert dict(web.reasons).keys() == {"dependencies", "public"}


def _group(name: str, *rules: dict[str, object]) -> Resource:
    return Resource(
        arn=f"arn:sg/{name}",
        account="1",
        region="us-east-1",
        type="ec2:security-group",
        service="vpc",
        resource_id=f"sg-{name}",
        name=name,
        config={"group_name": name, "ingress": list(rules)},
    )


def _rule(protocol: str, low: int | None, high: int | None, *cidrs: str) -> dict[str, object]:
    return {
        "protocol": protocol,
        "from_port": low,
        "to_port": high,
        "cidrs": [c for c in cidrs if ":" not in c],
        "ipv6_cidrs": [c for c in cidrs if ":" in c],
        "groups": [],
    }


def test_risky_rules_cover_ssh_rdp_databases_all_ports_and_ipv6() -> None:
    assert risky_rule(_rule("tcp", 22, 22, "0.0.0.0/0")).exposes == ["SSH (22)"]  # type: ignore[union-attr]
    assert risky_rule(_rule("tcp", 3389, 3389, "::/0")).sources == ["::/0"]  # type: ignore[union-attr]
    assert risky_rule(_rule("-1", None, None, "0.0.0.0/0")).exposes == ["all ports"]  # type: ignore[union-attr]
    assert "PostgreSQL (5432)" in risky_rule(_rule("tcp", 5000, 6000, "0.0.0.0/0")).exposes  # type: ignore[union-attr]
    assert risky_rule(_rule("tcp", 443, 443, "0.0.0.0/0")) is None
    assert risky_rule(_rule("tcp", 22, 22, "10.0.0.0/8")) is None


def test_unused_groups_are_reported_but_default_groups_are_not() -> None:
    used = _group("used", _rule("tcp", 22, 22, "0.0.0.0/0"))
    instance = Resource(
        arn="arn:i-1",
        account="1",
        region="us-east-1",
        type="ec2:instance",
        service="ec2",
        resource_id="i-1",
        relations=[Relation(source="arn:i-1", kind="SECURED_BY", target="arn:sg/used")],
    )
    findings = risky_security_groups([used, _group("idle"), _group("default"), instance])

    assert [(f.name, f.unused, bool(f.open_rules)) for f in findings] == [
        ("used", False, True),
        ("idle", True, False),
    ]


def test_public_exposure_needs_public_ip_public_subnet_and_open_group() -> None:
    group = _group("web", _rule("tcp", 80, 80, "0.0.0.0/0"))
    public = Resource(
        arn="arn:subnet/pub",
        account="1",
        region="r",
        type="ec2:subnet",
        service="vpc",
        resource_id="pub",
        config={"public": True},
    )
    private = Resource(
        arn="arn:subnet/priv",
        account="1",
        region="r",
        type="ec2:subnet",
        service="vpc",
        resource_id="priv",
        config={"public": False},
    )

    def instance(name: str, subnet: str, ip: str | None) -> Resource:
        return Resource(
            arn=f"arn:{name}",
            account="1",
            region="r",
            type="ec2:instance",
            service="ec2",
            resource_id=name,
            config={"public_ip": ip},
            relations=[
                Relation(source=subnet, kind="CONTAINS", target=f"arn:{name}"),
                Relation(source=f"arn:{name}", kind="SECURED_BY", target=group.arn),
            ],
        )

    found = public_exposure(
        [
            group,
            public,
            private,
            instance("a", public.arn, "1.2.3.4"),
            instance("b", private.arn, "1.2.3.5"),
            instance("c", public.arn, None),
        ]
    )

    assert [(e.label, e.reason, e.open_ports) for e in found] == [
        ("a", "public_instance", ["tcp 80"])
    ]
