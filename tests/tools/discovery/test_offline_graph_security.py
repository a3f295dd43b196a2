"""The graph and security tools' slot builders: how far to walk, which way, how many to rank,
and which account and region to look at."""

from __future__ import annotations

from typing import Any

import pytest

from tests.agents.slots import assert_slots

SLOT_CASES: list[tuple[str, str, dict[str, Any]]] = [
    # graph.blast_radius: hops, in digits or words
    ("what fails with db-prod, two hops max", "graph.blast_radius", {"depth": 2}),
    ("blast radius of web-alb, 1 hop", "graph.blast_radius", {"resource": "web-alb", "depth": 1}),
    ("what breaks if prod-nat dies, up to 4 levels", "graph.blast_radius", {"depth": 4}),
    ("what would a web-sg outage take down, a single hop", "graph.blast_radius", {"depth": 1}),
    ("blast radius of db-sg", "graph.blast_radius", {"resource": "db-sg", "depth": None}),
    # graph.dependencies: upstream is what it draws on, downstream what draws on it
    ("upstream of thumbnailer", "graph.dependencies", {"direction": "dependencies"}),
    ("web-1's upstream services", "graph.dependencies", {"direction": "dependencies"}),
    ("what's downstream of db-prod", "graph.dependencies", {"direction": "dependents"}),
    ("what requires prod-nat?", "graph.dependencies", {"direction": "dependents"}),
    ("what does web-alb require", "graph.dependencies", {"direction": "dependencies"}),
    ("is db-sg required by anything", "graph.dependencies", {"direction": "dependents"}),
    # graph.migration_risk: how many, wherever the count sits
    ("which 4 resources are riskiest to move", "graph.migration_risk", {"top": 4}),
    ("the three hardest things to migrate in eu-west-1", "graph.migration_risk", {"top": 3}),
    ("riskiest 6 to migrate", "graph.migration_risk", {"top": 6}),
    ("riskiest resources to move in us-east-1", "graph.migration_risk", {"top": None}),
    # security: the account and the region
    (
        "public exposure of account 210987654321",
        "security.public_exposure",
        {"account": "210987654321"},
    ),
    (
        "internet-facing things in 123456789012, eu-west-1",
        "security.public_exposure",
        {"account": "123456789012", "region": "eu-west-1"},
    ),
    (
        "open sgs in 210987654321, in-use ones only",
        "security.risky_security_groups",
        {"account": "210987654321", "include_unused": False},
    ),
]


@pytest.mark.parametrize(("text", "tool", "expected"), SLOT_CASES, ids=[c[0] for c in SLOT_CASES])
def test_slots_read_the_arguments(text: str, tool: str, expected: dict[str, Any]) -> None:
    assert_slots(text, tool, expected)
