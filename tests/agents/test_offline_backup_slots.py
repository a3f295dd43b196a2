"""Slot rules of the backup and lifecycle tools: retention said in days or weeks, the age and
storage class of a transition, a key prefix; a schedule makes it a workflow, a refusal nothing."""

from __future__ import annotations

from typing import Any

import pytest

from agents.offline.router import decide
from tests.agents.slots import assert_slots

SLOT_CASES: list[tuple[str, str, dict[str, Any]]] = [
    ("snapshot db-prod, keep 2 weeks", "rds.create_db_snapshot", {"retention_days": 14}),
    ("take a snapshot of db-prod and keep a week", "rds.create_db_snapshot", {"retention_days": 7}),
    ("snapshot db-prod", "rds.create_db_snapshot", {"target": "db-prod", "retention_days": None}),
    (
        "back up web-1 and web-2, keep snapshots 10 days",
        "ec2.create_snapshots",
        {"targets": ["web-1", "web-2"], "retention_days": 10},
    ),
    (
        "move objects under app/ in cf-demo-logs to deep archive after 200 days",
        "s3.put_lifecycle",
        {
            "bucket": "cf-demo-logs",
            "prefix": "app/",
            "storage_class": "DEEP_ARCHIVE",
            "transition_days": 200,
        },
    ),
    (
        "cf-demo-assets to glacier instant retrieval after 30 days",
        "s3.put_lifecycle",
        {"storage_class": "GLACIER_IR", "transition_days": 30},
    ),
]


@pytest.mark.parametrize(("text", "tool", "expected"), SLOT_CASES, ids=[c[0] for c in SLOT_CASES])
def test_slots_read_the_arguments(text: str, tool: str, expected: dict[str, Any]) -> None:
    assert_slots(text, tool, expected)


@pytest.mark.parametrize(
    ("text", "tool"),
    [
        ("snapshot db-prod now", "rds.create_db_snapshot"),
        ("back up the volumes of web-1", "ec2.create_snapshots"),
        ("move objects in cf-demo-logs to glacier after 90 days", "s3.put_lifecycle"),
    ],
)
def test_a_request_said_now_is_the_change_itself(text: str, tool: str) -> None:
    assert [c.tool for c in decide(text).calls] == [tool]


@pytest.mark.parametrize(
    "text",
    [
        "snapshot db-prod every night at 2am, keep 7 days, and tell #ops",
        "back up the volumes of web-1 every day at 3am and tell #ops",
        "move objects in cf-demo-logs to glacier after 90 days every day, tell #storage",
    ],
)
def test_the_same_request_with_a_schedule_is_a_workflow(text: str) -> None:
    assert [c.tool for c in decide(text).calls] == ["workflow.create"]


@pytest.mark.parametrize(
    "text", ["don't snapshot db-prod", "do not move cf-demo-logs to glacier after 90 days"]
)
def test_a_refusal_changes_nothing(text: str) -> None:
    assert not decide(text).calls
