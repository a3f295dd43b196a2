"""ec2.create_snapshots: snapshots of every volume of an instance, tagged with the key so a
repeated run makes none more, and retention by schedule and instance on the project clock."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from pydantic import ValidationError

from tests.tools.actions.conftest import START, execute, plan_of
from tools.actions.ec2_snapshots import CreateSnapshotsArgs
from tools.context import ToolContext
from tools.errors import NotFound
from tools.registry import load_builtin_tools

TOOL = "ec2.create_snapshots"


def _mine(ctx: ToolContext) -> list[dict[str, Any]]:
    ec2 = ctx.aws.client("ec2", "us-east-1")
    found = ec2.describe_snapshots(OwnerIds=["self"])["Snapshots"]
    return [s for s in found if any(t["Key"].startswith("cloudfabric:") for t in s.get("Tags", []))]


def _daily(ctx: ToolContext, when: Any, **extra: Any) -> Any:
    args = {"targets": ["web-1"], "retention_days": 7, "schedule": "web-1-backup"}
    return plan_of(ctx, TOOL, key=when.isoformat(), **{**args, **extra})


def test_the_plan_lists_the_volumes_and_prices_their_snapshots(
    ctx: ToolContext, instance: str
) -> None:
    plan = _daily(ctx, START)
    (change,) = plan.changes
    assert change.resource_id == instance and change.name == "web-1"
    assert "snapshots of vol-" in change.after and "(8 GB)" in change.after
    assert plan.cost_delta_monthly == 0.4  # 8 GB x $0.05/GB-month snapshot storage
    assert plan.args["targets"][0]["name"] == "cf-web-1-backup-20270104-020000"


def test_a_repeated_run_of_the_same_key_makes_one_set_of_snapshots(
    ctx: ToolContext, instance: str
) -> None:
    plan = _daily(ctx, START)
    first, again = execute(ctx, plan), execute(ctx, _daily(ctx, START))
    snapshots = _mine(ctx)
    assert len(snapshots) == 1 and snapshots[0]["VolumeSize"] == 8
    tags = {t["Key"]: t["Value"] for t in snapshots[0]["Tags"]}
    assert tags["cloudfabric:key"] == START.isoformat()
    assert tags["cloudfabric:instance"] == instance
    assert (first.outcomes[0].status, again.outcomes[0].status) == ("done", "nothing-to-do")


def test_retention_deletes_only_this_schedules_snapshots_of_the_instance_past_the_days(
    ctx: ToolContext, instance: str, travel: Any
) -> None:
    execute(ctx, _daily(ctx, START))
    execute(ctx, _daily(ctx, START, schedule="other-backup"))
    travel.move_to(START + timedelta(days=7))
    assert _daily(ctx, START + timedelta(days=7)).args["targets"][0]["delete"] == []

    later = START + timedelta(days=7, minutes=1)
    travel.move_to(later)
    plan = _daily(ctx, later)
    (expired,) = plan.args["targets"][0]["delete"]
    result = execute(ctx, plan)
    assert [o.status for o in result.outcomes] == ["done", "done"]
    left = {t["Value"] for s in _mine(ctx) for t in s["Tags"] if t["Key"] == "cloudfabric:key"}
    assert left == {START.isoformat(), later.isoformat()}  # the other schedule's is kept
    assert expired not in {s["SnapshotId"] for s in _mine(ctx)}


def test_an_unknown_instance_gets_a_clear_sentence(ctx: ToolContext, instance: str) -> None:
    with pytest.raises(NotFound, match="couldn't find an instance called 'web-9'"):
        plan_of(ctx, TOOL, targets=["web-9"])


@pytest.mark.parametrize("days", [0, -3, 4000])
def test_invalid_retention_is_refused(days: int) -> None:
    with pytest.raises(ValidationError, match="retention_days"):
        CreateSnapshotsArgs(targets=["web-1"], retention_days=days)


def test_an_interrupted_run_is_reported_from_what_ec2_shows(
    ctx: ToolContext, instance: str
) -> None:
    plan = _daily(ctx, START)
    observe = load_builtin_tools().get(TOOL).observe
    assert observe is not None
    assert observe(ctx, plan) == f"{instance} has 0 snapshots of this run."
    execute(ctx, plan)
    assert observe(ctx, plan) == f"{instance} has 1 snapshots of this run."
