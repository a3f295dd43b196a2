"""Slot rules of the EC2 and EBS tools: name patterns said in words, negated states, the type a
change goes to, and the gate's reading of orders, reasons and refusals."""

from __future__ import annotations

from typing import Any

import pytest

from agents.offline.router import decide
from tests.agents.slots import assert_slots

SLOT_CASES: list[tuple[str, str, dict[str, Any]]] = [
    # ec2.list_instances: a Name pattern said in words
    ("list servers whose name begins with api", "ec2.list_instances", {"name": "api*"}),
    ("instances with names starting with 'etl'", "ec2.list_instances", {"name": "etl*"}),
    ("hosts whose names end in -prod", "ec2.list_instances", {"name": "*-prod"}),
    ("boxes with 'cache' in the name", "ec2.list_instances", {"name": "*cache*"}),
    ("vms whose name contains worker", "ec2.list_instances", {"name": "*worker*"}),
    ("show instances named 'web-*' in virginia", "ec2.list_instances", {"name": "web-*"}),
    # ec2.list_instances: a negated state is no filter
    ("not stopping anything, only list instances", "ec2.list_instances", {"state": None}),
    ("which machines are stopped", "ec2.list_instances", {"state": "stopped"}),
    # ebs.modify_volume_type / ec2.modify_instance_type: the type a change goes to
    (
        "put old-data on st1 instead of gp2",
        "ebs.modify_volume_type",
        {"targets": ["old-data"], "volume_type": "st1"},
    ),
    ("old-data: io2 rather than gp3", "ebs.modify_volume_type", {"volume_type": "io2"}),
    ("change old-data from gp2 to gp3", "ebs.modify_volume_type", {"volume_type": "gp3"}),
    # ebs.snapshot_and_delete_volume: request words joined by hyphens are no volume's name
    (
        "snapshot-and-delete web-1-root",
        "ebs.snapshot_and_delete_volume",
        {"targets": ["web-1-root"]},
    ),
    (
        "run legacy-app on m6i.large instead of m4.large",
        "ec2.modify_instance_type",
        {"target": "legacy-app", "instance_type": "m6i.large"},
    ),
    (
        "upgrade web-2 from t3.micro to t3.medium",
        "ec2.modify_instance_type",
        {"instance_type": "t3.medium"},
    ),
]


@pytest.mark.parametrize(("text", "tool", "expected"), SLOT_CASES, ids=[c[0] for c in SLOT_CASES])
def test_slots_read_the_arguments(text: str, tool: str, expected: dict[str, Any]) -> None:
    assert_slots(text, tool, expected)


def test_an_order_starting_with_do_is_not_a_question() -> None:
    calls = decide("do a restart of web-2").calls
    assert [(c.tool, c.args["targets"]) for c in calls] == [("ec2.reboot_instances", ["web-2"])]


def test_a_reason_that_it_is_not_needed_is_no_refusal() -> None:
    calls = decide("release spare-ip, we no longer need it").calls
    assert [(c.tool, c.args["targets"]) for c in calls] == [("ec2.release_address", ["spare-ip"])]


@pytest.mark.parametrize(
    "text", ["don't release spare-ip, I need it", "I don't need it released: spare-ip"]
)
def test_a_refusal_still_changes_nothing(text: str) -> None:
    assert not decide(text).calls


@pytest.mark.parametrize(
    "text",
    [
        "don't reboot web-1, just tell me its state",
        "do not stop batch-worker; what instance type is it?",
    ],
)
def test_a_refusal_with_a_question_answers_the_question(text: str) -> None:
    assert [c.tool for c in decide(text).calls] == ["ec2.describe_instance"]


def test_a_question_is_answered_not_torn_between_a_read_and_a_change() -> None:
    assert [c.tool for c in decide("is batch-worker stopped right now?").calls] == [
        "ec2.describe_instance"
    ]


@pytest.mark.parametrize("text", ["keep batch-worker stopped", "leave analytics-1 running"])
def test_leaving_an_instance_as_it_is_changes_nothing(text: str) -> None:
    assert not decide(text).calls or decide(text).calls[0].tool == "ec2.describe_instance"
