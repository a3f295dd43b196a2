"""s3.put_lifecycle: the rule is merged by ID into the bucket's rules (others kept, the same
rule again is a no-op), the saving is priced from the objects old enough to move."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from pydantic import ValidationError

from tests.tools.actions.conftest import START, execute, plan_of
from tools.actions.s3_lifecycle import PutLifecycleArgs
from tools.context import ToolContext
from tools.errors import AlreadyDone, NotFound
from tools.registry import load_builtin_tools

TOOL = "s3.put_lifecycle"
BUCKET = "cf-demo-logs"
EXPIRE_TMP = {
    "ID": "expire-tmp",
    "Filter": {"Prefix": "tmp/"},
    "Status": "Enabled",
    "Expiration": {"Days": 3},
}


@pytest.fixture
def bucket(ctx: ToolContext, travel: Any) -> str:
    s3 = ctx.aws.client("s3", "us-east-1")
    s3.create_bucket(Bucket=BUCKET)
    s3.put_bucket_lifecycle_configuration(
        Bucket=BUCKET, LifecycleConfiguration={"Rules": [EXPIRE_TMP]}
    )
    s3.put_object(Bucket=BUCKET, Key="app/old.log", Body=b"x" * 5_000_000)
    return BUCKET


def _rules(ctx: ToolContext) -> list[dict[str, Any]]:
    s3 = ctx.aws.client("s3", "us-east-1")
    rules: list[dict[str, Any]] = s3.get_bucket_lifecycle_configuration(Bucket=BUCKET)["Rules"]
    return rules


def test_the_rule_is_added_beside_the_buckets_other_rules(ctx: ToolContext, bucket: str) -> None:
    plan = plan_of(ctx, TOOL, bucket=BUCKET, transition_days=90)
    assert plan.changes[0].before == "no such rule"
    after = "rule cloudfabric-glacier: every object to GLACIER after 90 days (Enabled)"
    assert plan.changes[0].after == after
    result = execute(ctx, plan)
    assert result.outcomes[0].status == "done" and "1 other rules kept" in result.outcomes[0].detail
    rules = {r["ID"]: r for r in _rules(ctx)}
    assert set(rules) == {"expire-tmp", "cloudfabric-glacier"}
    assert rules["cloudfabric-glacier"]["Transitions"] == [{"Days": 90, "StorageClass": "GLACIER"}]


def test_applying_it_again_changes_nothing(ctx: ToolContext, bucket: str) -> None:
    plan = plan_of(ctx, TOOL, bucket=BUCKET, transition_days=90)
    execute(ctx, plan)
    again = execute(ctx, plan)
    assert again.outcomes[0].status == "nothing-to-do"
    assert len(_rules(ctx)) == 2
    with pytest.raises(AlreadyDone, match="nothing to change"):
        plan_of(ctx, TOOL, bucket=BUCKET, transition_days=90)


def test_a_new_number_of_days_replaces_the_rule_with_that_id(ctx: ToolContext, bucket: str) -> None:
    execute(ctx, plan_of(ctx, TOOL, bucket=BUCKET, transition_days=90))
    plan = plan_of(ctx, TOOL, bucket=BUCKET, transition_days=30)
    assert "after 90 days" in plan.changes[0].before and "after 30 days" in plan.changes[0].after
    execute(ctx, plan)
    rules = {r["ID"]: r for r in _rules(ctx)}
    assert rules["cloudfabric-glacier"]["Transitions"][0]["Days"] == 30
    assert rules["expire-tmp"]["Expiration"] == {"Days": 3}


def test_the_saving_counts_the_objects_old_enough_to_move(
    ctx: ToolContext, bucket: str, travel: Any
) -> None:
    young = plan_of(ctx, TOOL, bucket=BUCKET, transition_days=90)
    assert any("0 objects" in note for note in young.notes)
    travel.move_to(START + timedelta(days=91))
    old = plan_of(ctx, TOOL, bucket=BUCKET, transition_days=90)
    (note,) = [n for n in old.notes if n.startswith("Cost:")]
    assert "1 objects (0.005 GB)" in note and "$0.023 -> $0.0036/GB-month" in note
    assert "as of 2025-10-22" in note
    deep = plan_of(ctx, TOOL, bucket=BUCKET, transition_days=90, storage_class="DEEP_ARCHIVE")
    assert deep.cost_delta_monthly is None
    assert any(n.startswith("Cost not priced: no published DEEP_ARCHIVE") for n in deep.notes)


def test_an_unknown_bucket_is_named_with_the_closest_one(ctx: ToolContext, bucket: str) -> None:
    with pytest.raises(NotFound, match=r"S3 bucket called 'cf-demo-log'.*cf-demo-logs"):
        plan_of(ctx, TOOL, bucket="cf-demo-log", transition_days=90)


@pytest.mark.parametrize(
    ("days", "storage_class"),
    [(0, "GLACIER"), (-5, "GLACIER"), (3651, "GLACIER"), (10, "STANDARD_IA")],
)
def test_invalid_days_are_refused(days: int, storage_class: str) -> None:
    with pytest.raises(ValidationError):
        PutLifecycleArgs(bucket=BUCKET, transition_days=days, storage_class=storage_class)  # type: ignore[arg-type]


def test_an_interrupted_run_is_reported_from_what_s3_shows(ctx: ToolContext, bucket: str) -> None:
    plan = plan_of(ctx, TOOL, bucket=BUCKET, transition_days=90)
    observe = load_builtin_tools().get(TOOL).observe
    assert observe is not None
    assert observe(ctx, plan) == f"{BUCKET} has no such rule."
    execute(ctx, plan)
    assert "GLACIER after 90 days" in observe(ctx, plan)
