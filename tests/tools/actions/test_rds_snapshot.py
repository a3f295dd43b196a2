"""rds.create_db_snapshot: a plan naming the snapshot and its cost, one snapshot per key however
often the plan runs, retention that deletes only this schedule's expired snapshots."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from pydantic import ValidationError

from tests.tools.actions.conftest import START, execute, plan_of
from tools.actions.rds_snapshot import CreateDbSnapshotArgs
from tools.context import ToolContext
from tools.errors import NotFound
from tools.registry import load_builtin_tools

TOOL = "rds.create_db_snapshot"


def _snapshots(ctx: ToolContext) -> list[str]:
    rds = ctx.aws.client("rds", "us-east-1")
    found = rds.describe_db_snapshots(DBInstanceIdentifier="db-prod", SnapshotType="manual")
    return sorted(s["DBSnapshotIdentifier"] for s in found["DBSnapshots"])


def _nightly(ctx: ToolContext, when: Any) -> Any:
    return plan_of(
        ctx, TOOL, target="db-prod", retention_days=7, schedule="nightly", key=when.isoformat()
    )


def test_the_plan_names_the_snapshot_from_the_key_and_prices_it(
    ctx: ToolContext, database: str
) -> None:
    plan = _nightly(ctx, START)
    assert plan.args["snapshot_id"] == "cf-nightly-20270104-020000"
    assert plan.summary.startswith("Snapshot db-prod as cf-nightly-20270104-020000")
    assert plan.cost_delta_monthly == 1.9  # 20 GB x $0.095/GB-month RDS backup storage
    assert any("as of 2024-09-28" in note for note in plan.notes)
    assert plan.risk == "low" and plan.reversible


def test_running_the_plan_twice_makes_one_snapshot(ctx: ToolContext, database: str) -> None:
    plan = _nightly(ctx, START)
    first = execute(ctx, plan)
    again = execute(ctx, plan)
    replanned = execute(ctx, _nightly(ctx, START))  # a retried workflow step plans again
    assert _snapshots(ctx) == ["cf-nightly-20270104-020000"]
    assert first.outcomes[0].status == "done"
    assert again.outcomes[0].status == replanned.outcomes[0].status == "nothing-to-do"
    assert "reused" in again.outcomes[0].detail


def test_retention_deletes_only_this_schedules_snapshots_past_seven_days(
    ctx: ToolContext, database: str, travel: Any
) -> None:
    execute(ctx, _nightly(ctx, START))
    rds = ctx.aws.client("rds", "us-east-1")
    rds.create_db_snapshot(DBSnapshotIdentifier="by-hand", DBInstanceIdentifier="db-prod")
    other = [{"Key": "cloudfabric:schedule", "Value": "weekly"}]
    rds.create_db_snapshot(
        DBSnapshotIdentifier="weekly-one", DBInstanceIdentifier="db-prod", Tags=other
    )
    travel.move_to(START + timedelta(days=7))
    on_the_day = _nightly(ctx, START + timedelta(days=7))
    assert on_the_day.args["delete"] == []  # exactly seven days old is kept

    travel.move_to(START + timedelta(days=7, seconds=1))
    plan = _nightly(ctx, START + timedelta(days=7, seconds=1))
    assert plan.args["delete"] == ["cf-nightly-20270104-020000"]
    assert plan.risk == "medium" and not plan.reversible
    assert [c.after for c in plan.changes][1:] == ["deleted"]
    result = execute(ctx, plan)
    assert [o.status for o in result.outcomes] == ["done", "done"]
    assert _snapshots(ctx) == ["by-hand", "cf-nightly-20270111-020001", "weekly-one"]


def test_an_unknown_database_is_named_with_the_closest_one(ctx: ToolContext, database: str) -> None:
    with pytest.raises(NotFound, match=r"couldn't find an RDS database called 'db-prd'.*db-prod"):
        plan_of(ctx, TOOL, target="db-prd")


@pytest.mark.parametrize("days", [0, -1, 3651])
def test_retention_outside_one_day_to_ten_years_is_refused(days: int) -> None:
    with pytest.raises(ValidationError, match="retention_days"):
        CreateDbSnapshotArgs(target="db-prod", retention_days=days)


def test_an_interrupted_run_is_reported_from_what_aws_shows(
    ctx: ToolContext, database: str
) -> None:
    plan = _nightly(ctx, START)
    observe = load_builtin_tools().get(TOOL).observe
    assert observe is not None
    assert observe(ctx, plan) == "snapshot cf-nightly-20270104-020000 of db-prod is not there."
    execute(ctx, plan)
    assert observe(ctx, plan) == "snapshot cf-nightly-20270104-020000 of db-prod is available."
