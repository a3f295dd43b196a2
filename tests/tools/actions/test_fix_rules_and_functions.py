"""ec2.revoke_security_group_ingress, lambda.set_reserved_concurrency and lambda.set_timeout on
moto: the plan names exactly what changes, bad input is refused with a clear sentence, and a
plan run twice changes AWS once."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.stub import Stubber
from pydantic import ValidationError

from tests.estate import launch
from tests.tools.actions.conftest import execute, plan_of
from tests.tools.actions.fixes_estate import ingress_of, make_function, make_open_group
from tools.actions.lambda_settings import ReservedConcurrencyArgs, TimeoutArgs, check_headroom
from tools.actions.sg_ingress import RevokeIngressArgs
from tools.context import ToolContext
from tools.errors import AlreadyDone, InvalidInput, NotFound
from tools.registry import load_builtin_tools

REVOKE = "ec2.revoke_security_group_ingress"
CONCURRENCY = "lambda.set_reserved_concurrency"
TIMEOUT = "lambda.set_timeout"


def _lambda(ctx: ToolContext) -> Any:
    return ctx.aws.client("lambda", "us-east-1")


def test_revoking_ssh_from_anywhere_leaves_the_other_rules(ctx: ToolContext) -> None:
    group = make_open_group(ctx.aws)
    web = ctx.aws.client("ec2", "us-east-1").run_instances(
        ImageId="ami-12c6146b", MinCount=1, MaxCount=1, SecurityGroupIds=[group]
    )["Instances"][0]["InstanceId"]
    plan = plan_of(ctx, REVOKE, group="ssh-open", port=22)
    assert plan.summary == f"Remove the inbound rule tcp 22 from 0.0.0.0/0 from ssh-open ({group})."
    assert plan.changes[0].dependents == [web]
    assert plan.cost_delta_monthly == 0.0 and plan.reversible
    first, again = execute(ctx, plan), execute(ctx, plan)
    assert ingress_of(ctx.aws, group) == [("tcp", 443, "10.0.0.0/8")]
    assert (first.outcomes[0].status, again.outcomes[0].status) == ("done", "nothing-to-do")


def test_a_rule_the_group_does_not_hold_is_refused_naming_the_rules_it_has(
    ctx: ToolContext,
) -> None:
    group = make_open_group(ctx.aws)
    with pytest.raises(NotFound, match=r"no inbound rule tcp 3389 from 0.0.0.0/0; its inbound "
                       r"rules are: tcp 22 from 0.0.0.0/0; tcp 443 from 10.0.0.0/8"):  # fmt: skip
        plan_of(ctx, REVOKE, group=group, port=3389)
    assert len(ingress_of(ctx.aws, group)) == 2


def test_an_unknown_group_is_named_with_the_closest(ctx: ToolContext) -> None:
    make_open_group(ctx.aws)
    with pytest.raises(NotFound, match=r"'ssh-opn'.*Did you mean ssh-open"):
        plan_of(ctx, REVOKE, group="ssh-opn", port=22)


@pytest.mark.parametrize(
    ("args", "said"),
    [
        ({"group": "ssh-open", "port": 22, "cidr": "0.0.0.0/33"}, "not a CIDR"),
        ({"group": "ssh-open", "port": 70000}, "port"),
        ({"group": "ssh-open", "port": 90, "to_port": 80}, "runs backwards"),
        ({"group": "ssh-open"}, "needs its port"),
    ],
)
def test_malformed_rules_are_refused_by_the_arguments(args: dict[str, Any], said: str) -> None:
    with pytest.raises(ValidationError, match=said):
        RevokeIngressArgs(**args)


def test_a_rule_revoked_meanwhile_voids_the_recheck(ctx: ToolContext) -> None:
    group = make_open_group(ctx.aws)
    plan = plan_of(ctx, REVOKE, group="ssh-open", port=22)
    execute(ctx, plan)
    recheck = load_builtin_tools().get(REVOKE).recheck
    assert recheck is not None
    with pytest.raises(NotFound, match="has no inbound rule tcp 22"):
        recheck(ctx, plan)
    assert ingress_of(ctx.aws, group) == [("tcp", 443, "10.0.0.0/8")]


def test_throttling_a_function_to_zero_is_said_and_done_once(ctx: ToolContext) -> None:
    make_function(ctx.aws)
    plan = plan_of(ctx, CONCURRENCY, target="thumbnailer", concurrency=0)
    assert plan.changes[0].before == "unreserved (shares the account's pool)"
    assert plan.changes[0].after == "reserved 0 (every call throttled)"
    assert plan.notes[0] == "0 throttles every invocation of the function until it is changed."
    first, again = execute(ctx, plan), execute(ctx, plan)
    got = _lambda(ctx).get_function_concurrency(FunctionName="thumbnailer")
    assert got["ReservedConcurrentExecutions"] == 0
    assert (first.outcomes[0].status, again.outcomes[0].status) == ("done", "nothing-to-do")


@pytest.mark.parametrize(("was", "most"), [(None, 800), (50, 850)])
def test_a_reservation_leaving_under_100_unreserved_is_refused(
    ctx: ToolContext, was: int | None, most: int
) -> None:
    client = _lambda(ctx)
    limit = {"ConcurrentExecutions": 1000, "UnreservedConcurrentExecutions": 900}
    with Stubber(client) as stub:
        stub.add_response("get_account_settings", {"AccountLimit": limit}, {})
        stub.add_response("get_account_settings", {"AccountLimit": limit}, {})
        check_headroom(client, "thumbnailer", was, most, [])  # exactly the most: allowed
        with pytest.raises(InvalidInput, match=f"At most {most} can be reserved for thumbnailer"):
            check_headroom(client, "thumbnailer", was, most + 1, [])


def test_a_function_already_reserved_at_that_is_nothing_to_approve(ctx: ToolContext) -> None:
    make_function(ctx.aws)
    _lambda(ctx).put_function_concurrency(
        FunctionName="thumbnailer", ReservedConcurrentExecutions=5
    )
    with pytest.raises(AlreadyDone, match="reserved 5 already"):
        plan_of(ctx, CONCURRENCY, target="thumbnailer", concurrency=5)


def test_the_timeout_changes_once_and_a_shorter_one_warns(ctx: ToolContext) -> None:
    make_function(ctx.aws, timeout=30)
    plan = plan_of(ctx, TIMEOUT, target="thumbnailer", seconds=10)
    assert plan.summary == "Set thumbnailer's timeout from 30 s to 10 s."
    assert "Calls running longer than 10 s are cut off and fail." in plan.notes
    first, again = execute(ctx, plan), execute(ctx, plan)
    assert _lambda(ctx).get_function_configuration(FunctionName="thumbnailer")["Timeout"] == 10
    assert (first.outcomes[0].status, again.outcomes[0].status) == ("done", "nothing-to-do")


def test_a_timeout_changed_by_someone_else_is_left_alone(ctx: ToolContext) -> None:
    make_function(ctx.aws, timeout=30)
    plan = plan_of(ctx, TIMEOUT, target="thumbnailer", seconds=120)
    _lambda(ctx).update_function_configuration(FunctionName="thumbnailer", Timeout=60)
    result = execute(ctx, plan)
    assert (
        result.outcomes[0].status == "skipped" and "timeout 60 s now" in result.outcomes[0].detail
    )
    assert _lambda(ctx).get_function_configuration(FunctionName="thumbnailer")["Timeout"] == 60


def test_an_unknown_function_is_named_with_the_closest(ctx: ToolContext) -> None:
    make_function(ctx.aws)
    launch(ctx.aws, "web-1")
    with pytest.raises(NotFound, match=r"a Lambda function called 'thumbnailr'.*thumbnailer"):
        plan_of(ctx, TIMEOUT, target="thumbnailr", seconds=60)


@pytest.mark.parametrize("seconds", [0, 901])
def test_timeouts_outside_one_to_900_seconds_are_refused(seconds: int) -> None:
    with pytest.raises(ValidationError, match="seconds"):
        TimeoutArgs(target="thumbnailer", seconds=seconds)


def test_a_negative_concurrency_is_refused() -> None:
    with pytest.raises(ValidationError, match="concurrency"):
        ReservedConcurrencyArgs(target="thumbnailer", concurrency=-1)
