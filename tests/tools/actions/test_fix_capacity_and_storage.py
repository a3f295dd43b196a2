"""asg.set_desired_capacity and rds.modify_allocated_storage on moto: what the plan says and
costs, bad input refused with a clear sentence, one change however often the plan runs."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from tests.tools.actions.conftest import execute, plan_of
from tests.tools.actions.fixes_estate import desired_of, make_group
from tools.actions.rds_storage import ModifyStorageArgs, least_growth
from tools.context import ToolContext
from tools.errors import AlreadyDone, InvalidInput, NotFound
from tools.registry import load_builtin_tools

ASG = "asg.set_desired_capacity"
STORAGE = "rds.modify_allocated_storage"


def _allocated(ctx: ToolContext) -> int:
    raw = ctx.aws.client("rds", "us-east-1").describe_db_instances(DBInstanceIdentifier="db-prod")
    return int(raw["DBInstances"][0]["AllocatedStorage"])


def test_scaling_out_is_priced_at_the_launch_templates_type(ctx: ToolContext) -> None:
    make_group(ctx.aws, desired=1)
    plan = plan_of(ctx, ASG, target="web-asg", desired=3)
    assert plan.summary == "Scale out web-asg from 1 to 3 instances."
    assert plan.changes[0].before == "desired 1 (min 0, max 4)"
    assert plan.cost_delta_monthly == 15.18  # 2 x t3.micro $0.0104/h x 730 h
    assert any("t3.micro" in n and "as of" in n for n in plan.notes)
    assert plan.reversible and plan.reversal == "Set web-asg's desired capacity back to 1."


def test_scaling_in_saves_and_warns_that_instances_go(ctx: ToolContext) -> None:
    make_group(ctx.aws, desired=3)
    plan = plan_of(ctx, ASG, target="web-asg", desired=0)
    assert plan.cost_delta_monthly == -22.78
    assert any("3 instance(s) are terminated" in n for n in plan.notes)


def test_the_plan_runs_once_however_often_it_is_executed(ctx: ToolContext) -> None:
    make_group(ctx.aws, desired=1)
    plan = plan_of(ctx, ASG, target="web-asg", desired=2)
    first, again = execute(ctx, plan), execute(ctx, plan)
    assert desired_of(ctx.aws) == 2
    assert (first.outcomes[0].status, again.outcomes[0].status) == ("done", "nothing-to-do")


def test_a_group_changed_since_the_plan_is_left_alone(ctx: ToolContext) -> None:
    make_group(ctx.aws, desired=1)
    plan = plan_of(ctx, ASG, target="web-asg", desired=3)
    ctx.aws.client("autoscaling", "us-east-1").set_desired_capacity(
        AutoScalingGroupName="web-asg", DesiredCapacity=2
    )
    result = execute(ctx, plan)
    assert result.outcomes[0].status == "skipped" and "desired 2 now" in result.outcomes[0].detail
    assert desired_of(ctx.aws) == 2


@pytest.mark.parametrize(
    ("args", "error", "said"),
    [
        ({"target": "web-asgg", "desired": 2}, NotFound, r"'web-asgg'.*Did you mean web-asg"),
        ({"target": "web-asg", "desired": 5}, InvalidInput, "between 0 and 4 instances; 5"),
        ({"target": "web-asg", "desired": 1}, AlreadyDone, "already wants 1"),
    ],
)
def test_bad_input_is_refused_with_a_clear_sentence_and_nothing_changes(
    ctx: ToolContext, args: dict[str, object], error: type[Exception], said: str
) -> None:
    make_group(ctx.aws, desired=1)
    with pytest.raises(error, match=said):
        plan_of(ctx, ASG, **args)
    assert desired_of(ctx.aws) == 1


def test_a_negative_count_is_refused_by_the_arguments() -> None:
    spec = load_builtin_tools().get(ASG)
    with pytest.raises(ValidationError, match="desired"):
        spec.args_model(target="web-asg", desired=-1)


def test_growing_storage_is_priced_and_irreversible(ctx: ToolContext, database: str) -> None:
    plan = plan_of(ctx, STORAGE, target="db-prod", size_gib=50)
    assert plan.summary == "Grow db-prod's storage from 20 GiB to 50 GiB."
    assert plan.cost_delta_monthly == 3.45  # 30 GiB x $0.115 gp2 PostgreSQL Single-AZ
    assert any("as of 2024-09-28" in n for n in plan.notes)
    assert not plan.reversible and plan.risk == "medium"
    first, again = execute(ctx, plan), execute(ctx, plan)
    assert _allocated(ctx) == 50
    assert (first.outcomes[0].status, again.outcomes[0].status) == ("done", "nothing-to-do")


@pytest.mark.parametrize(
    ("size", "said"),
    [
        (20, "has 20 GiB already"),
        (21, r"at least 10 %: db-prod has 20 GiB, so ask for 22 GiB"),
    ],
)
def test_storage_that_does_not_grow_by_ten_percent_is_refused(
    ctx: ToolContext, database: str, size: int, said: str
) -> None:
    with pytest.raises((AlreadyDone, InvalidInput), match=said):
        plan_of(ctx, STORAGE, target="db-prod", size_gib=size)
    assert _allocated(ctx) == 20


def test_shrinking_storage_is_refused(ctx: ToolContext) -> None:
    ctx.aws.client("rds", "us-east-1").create_db_instance(
        DBInstanceIdentifier="db-big", DBInstanceClass="db.m5.large", Engine="postgres",
        AllocatedStorage=100, MasterUsername="app", MasterUserPassword="sandbox-only-password",
    )  # fmt: skip
    with pytest.raises(InvalidInput, match="RDS cannot shrink storage: db-big has 100 GiB"):
        plan_of(ctx, STORAGE, target="db-big", size_gib=50)


def test_an_unknown_database_is_named_with_the_closest(ctx: ToolContext, database: str) -> None:
    with pytest.raises(NotFound, match=r"'db-prd'.*db-prod"):
        plan_of(ctx, STORAGE, target="db-prd", size_gib=40)


@pytest.mark.parametrize("size", [0, 19, 65_537])
def test_sizes_outside_what_rds_offers_are_refused(size: int) -> None:
    with pytest.raises(ValidationError, match="size_gib"):
        ModifyStorageArgs(target="db-prod", size_gib=size)


@pytest.mark.parametrize(("now", "least"), [(20, 22), (100, 110), (101, 112), (1000, 1100)])
def test_the_least_growth_rds_accepts(now: int, least: int) -> None:
    assert least_growth(now) == least
