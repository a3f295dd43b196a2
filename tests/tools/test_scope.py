"""Channel scoping, unit by unit: which channel is scoped, what a result keeps, which arguments
and plans are refused, and clients that reach only the scoped accounts."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from core.aws import AwsClients
from core.settings import ChannelScope, Settings
from tools.context import ToolContext
from tools.plan import ResourceChange
from tools.scope import (
    OutOfScope,
    check_args,
    check_plan,
    keep_in_scope,
    scope_for,
    scope_note,
    scoped_context,
)

PAYMENTS, OTHER = "111111111111", "222222222222"
SCOPE = ChannelScope(accounts={PAYMENTS: "payments"})


def test_the_channel_of_the_conversation_decides(settings: Settings) -> None:
    scoped = settings.model_copy(update={"channel_scopes": {"CPAY": SCOPE}})
    assert scope_for(scoped, "T1:CPAY:100.1") == SCOPE
    assert scope_for(scoped, "T1:COPS:100.1") is None
    assert scope_for(scoped, None) is None
    assert scope_for(settings, "T1:CPAY:100.1") is None


def test_a_mistyped_account_id_is_refused_with_a_clear_message() -> None:
    with pytest.raises(ValidationError, match="'11111' is not a 12-digit AWS account id"):
        Settings(_env_file=None, channel_scopes={"C1": {"accounts": {"11111": "x"}}})  # type: ignore[call-arg]


def test_results_keep_only_the_scoped_accounts_items() -> None:
    payload = {
        "instances": [
            {"instance_id": "i-1", "account": PAYMENTS},
            {"instance_id": "i-2", "account": OTHER},
            {"instance_id": "i-3", "account": None},
        ],
        "groups": [
            {"arn": f"arn:aws:ec2:us-east-1:{OTHER}:vpc/vpc-1", "children": []},
            {"arn": f"arn:aws:ec2:us-east-1:{PAYMENTS}:vpc/vpc-2", "children": [
                {"resource_id": "sub-1", "account_id": OTHER},
            ]},
        ],
        "total": 3,
    }  # fmt: skip
    kept = keep_in_scope(SCOPE, payload)
    assert [i["instance_id"] for i in kept["instances"]] == ["i-1", "i-3"]
    assert [g["arn"].split(":")[4] for g in kept["groups"]] == [PAYMENTS]
    assert kept["groups"][0]["children"] == []
    assert kept["total"] == 3


def test_a_graph_step_about_another_account_goes_and_a_result_about_one_is_refused() -> None:
    steps = {
        "start": {"arn": f"arn:aws:ec2:us-east-1:{PAYMENTS}:vpc/vpc-1"},
        "items": [
            {"resource": {"arn": f"arn:aws:ec2:us-east-1:{OTHER}:subnet/s-1"}, "why": ["peer"]},
            {"resource": {"arn": f"arn:aws:ec2:us-east-1:{PAYMENTS}:subnet/s-2"}, "why": []},
        ],
    }
    kept = keep_in_scope(SCOPE, steps)
    assert [i["resource"]["arn"][-3:] for i in kept["items"]] == ["s-2"]
    with pytest.raises(OutOfScope, match=f"I can't show account {OTHER} here"):
        keep_in_scope(SCOPE, {"instance": {"instance_id": "i-9", "account": OTHER}})


def test_an_environment_scope_keeps_only_resources_tagged_with_it() -> None:
    scope = ChannelScope(environments=["prod"])
    rows = [
        {"id": "a", "tags": {"Environment": "prod"}},
        {"id": "b", "tags": {"env": "staging"}},
        {"id": "c", "tags": {}},
        {"id": "d"},
    ]
    assert [r["id"] for r in keep_in_scope(scope, rows)] == ["a", "d"]
    assert scope_note(scope) == "Showing environment prod only — this channel is scoped."


def test_the_note_names_the_accounts() -> None:
    two = ChannelScope(accounts={PAYMENTS: "payments", OTHER: ""}, environments=["prod"])
    assert scope_note(SCOPE) == (
        f"Showing account {PAYMENTS} (payments) only — this channel is scoped."
    )
    assert scope_note(two).startswith(f"Showing accounts {PAYMENTS} (payments), {OTHER} in ")


def test_arguments_or_plans_naming_another_account_are_refused() -> None:
    check_args(SCOPE, {"accounts": [PAYMENTS], "note": "cost 1234567890123 cents"})
    with pytest.raises(OutOfScope, match=f"I can't show account {OTHER} here"):
        check_args(SCOPE, {"accounts": [PAYMENTS, OTHER]})
    with pytest.raises(OutOfScope, match=OTHER):
        check_args(SCOPE, f"what runs in {OTHER}?")
    change = ResourceChange(
        resource_id="i-9", resource_type="ec2:instance", region="us-east-1", account=OTHER,
        before="running", after="stopped",
    )  # fmt: skip
    with pytest.raises(OutOfScope, match=OTHER):
        check_plan(SCOPE, [change])


def test_scoped_clients_list_and_reach_only_the_scoped_accounts(ctx: ToolContext) -> None:
    aws: AwsClients = ctx.aws
    primary = aws.primary_account_id()
    aws.add_account(OTHER, f"arn:aws:iam::{OTHER}:role/CloudFabricAccess")
    only_other = ChannelScope(accounts={OTHER: "other"})
    scoped_ctx = scoped_context(ctx, "T1:CPAY:1.1")
    assert scoped_ctx is ctx  # no scopes configured
    settings = ctx.settings.model_copy(update={"channel_scopes": {"CPAY": only_other}})
    scoped = scoped_context(ToolContext(settings, aws, ctx.db, "alice"), "T1:CPAY:1.1")
    assert scoped.scope == only_other
    assert scoped.aws.accounts() == [OTHER]
    assert scoped.as_actor("bob").scope == only_other  # acting for someone keeps the scope
    assert aws.accounts() == [None, OTHER]  # the app's own clients are untouched
    primary_scoped = settings.model_copy(
        update={"channel_scopes": {"CPAY": ChannelScope(accounts={primary: "main"})}}
    )
    home = scoped_context(ToolContext(primary_scoped, aws, ctx.db, "alice"), "T1:CPAY:1.1")
    assert home.aws.accounts() == [None]
    with pytest.raises(OutOfScope, match=OTHER):
        home.aws.client("ec2", "us-east-1", OTHER)
