"""CloudTrail names the approver: an approved change runs under the account's action role, entered
for that execution alone with the approver as SourceIdentity (moto drops SourceIdentity, so the
AssumeRole parameters are caught by a botocore before-call hook on the way out)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from approvals.audit import AuditLog
from approvals.executor import Executor
from approvals.models import ApprovalState
from approvals.policy import ApprovalPolicy
from approvals.service import ApprovalService
from approvals.store import ApprovalStore
from bot.app import CloudFabric, create_app
from core.aws import AwsClients
from core.aws_action import source_identity
from core.db import Database
from core.settings import Settings
from tests.approvals.test_n_of_m import POLICY
from tests.estate import small_estate, state_of
from tools.actions.ec2_power import STOP, build_plan
from tools.context import ToolContext
from tools.ec2.models import PowerArgs
from tools.plan import ActionPlan
from tools.registry import Registry

S = ApprovalState
ACTION_ROLE = "arn:aws:iam::123456789012:role/CloudFabricAction"
Call = tuple[str, str, Mapping[str, Any]]


@pytest.fixture
def calls(aws: AwsClients) -> list[Call]:
    """Every AWS call made through ``aws`` and the clients derived from it, in order."""
    seen: list[Call] = []
    aws.on_call(lambda service, operation, params: seen.append((service, operation, params)))
    return seen


@pytest.fixture
def app(settings: Settings, aws: AwsClients, tmp_path: Path) -> Iterator[CloudFabric]:
    """CloudFabric over moto with a two-person rule for stops, and break-glass for erin."""
    policy = tmp_path / "policy.yaml"
    policy.write_text(POLICY, encoding="utf-8")
    update = {
        "approval_policy_file": policy,
        "break_glass_group": "ops",
        "action_role_arn": ACTION_ROLE,
    }
    built = create_app(settings.model_copy(update=update), aws=aws)
    yield built
    built.close()


def assume_calls(calls: list[Call]) -> list[Mapping[str, Any]]:
    return [params for service, op, params in calls if (service, op) == ("sts", "AssumeRole")]


def test_the_approver_who_completes_the_quorum_is_the_source_identity(
    app: CloudFabric, aws: AwsClients, calls: list[Call]
) -> None:
    ids = small_estate(aws)
    plan = build_plan(app.context_for("alice"), STOP, PowerArgs(targets=["batch-worker"]))
    request = app.approvals.request(plan, "alice", "T1:C1:1.1", workspace="T1")
    calls.clear()

    app.approvals.approve(request.id, "bob")
    assert assume_calls(calls) == []  # a partial approval runs nothing
    final = app.approvals.approve(request.id, "carol")

    assert final.state == S.SUCCEEDED
    assert state_of(aws, ids["batch-worker"]) in {"stopping", "stopped"}
    (entered,) = assume_calls(calls)
    assert entered["RoleArn"] == ACTION_ROLE
    assert entered["SourceIdentity"] == "carol"
    assert entered["RoleSessionName"] == f"cf-{request.id}"
    tags = {tag["Key"]: tag["Value"] for tag in entered["Tags"]}
    assert tags["cloudfabric:approvers"] == "bob carol"
    assert tags["cloudfabric:approval"] == request.id
    operations = [op for _, op, _ in calls]
    assert operations.index("AssumeRole") < operations.index("StopInstances")
    executed = [e for e in app.audit.entries(request.id) if e.action == "succeeded"]
    assert '"source_identity":"carol"' in executed[0].detail_json


def test_reads_never_enter_the_action_role(
    app: CloudFabric, aws: AwsClients, calls: list[Call]
) -> None:
    small_estate(aws)
    spec = app.registry.get("ec2.list_instances")
    spec.handler(app.context_for("alice"), spec.args_model(state="running"))
    build_plan(app.context_for("alice"), STOP, PowerArgs(targets=["web-1"]))

    assert assume_calls(calls) == []


def test_break_glass_runs_carry_the_break_glass_user(
    app: CloudFabric, aws: AwsClients, calls: list[Call]
) -> None:
    from approvals.binding import Origin

    small_estate(aws)
    plan = build_plan(app.context_for("alice"), STOP, PowerArgs(targets=["web-2"]))
    request = app.approvals.request(plan, "alice", "T1:C1:2.1", workspace="T1")
    calls.clear()
    assert app.break_glass is not None

    final = app.break_glass.run(request.id, "erin", "web-2 is leaking data", Origin("T1"))

    assert final.state == S.SUCCEEDED
    (entered,) = assume_calls(calls)
    assert entered["SourceIdentity"] == "erin"
    tags = {tag["Key"]: tag["Value"] for tag in entered["Tags"]}
    assert tags["cloudfabric:break-glass"] == "true"


def test_every_execution_enters_the_role_afresh(
    app: CloudFabric, aws: AwsClients, calls: list[Call]
) -> None:
    small_estate(aws)
    identities = []
    for n, (target, second) in enumerate([("web-1", "bob"), ("web-2", "dave")]):
        plan = build_plan(app.context_for("alice"), STOP, PowerArgs(targets=[target]))
        request = app.approvals.request(plan, "alice", f"T1:C1:{n}.9", workspace="T1")
        app.approvals.approve(request.id, "carol")
        calls.clear()
        app.approvals.approve(request.id, second)
        identities += [c["SourceIdentity"] for c in assume_calls(calls)]

    assert identities == ["bob", "dave"]


class Whoami(BaseModel):
    """Who AWS says made the handler's calls."""

    arn: str = "-"
    """The caller's ARN."""


def test_the_handler_calls_aws_with_the_assumed_role(settings: Settings, aws: AwsClients) -> None:
    registry = Registry()

    @registry.tool(
        name="test.whoami",
        description="Say who AWS thinks is calling.",
        example="who am i",
        args=BaseModel,
        result=Whoami,
        render=lambda _: [],
        permissions=["sts:GetCallerIdentity"],
        mutating=True,
        preview=lambda ctx, args: ActionPlan(tool="test.whoami", args={}, summary="s", risk="low"),
    )
    def whoami(ctx: ToolContext, plan: ActionPlan) -> Whoami:
        return Whoami(arn=ctx.aws.client("sts", "us-east-1").get_caller_identity()["Arn"])

    db = Database(settings.sql_url)
    db.migrate()
    audit = AuditLog(db)

    def context_for(user: str) -> ToolContext:
        return ToolContext(settings, aws, db, user)

    executor = Executor(ApprovalStore(db), registry, audit, context_for)
    service = ApprovalService(db, ApprovalPolicy(settings), audit, executor)
    plan = ActionPlan(tool="test.whoami", args={}, summary="Ask who I am.", risk="low")
    request = service.request(plan, "alice")

    final = service.approve(request.id, "bob@example.com")

    assert final.state == S.SUCCEEDED and final.result_json is not None
    arn = Whoami.model_validate_json(final.result_json).arn
    assert arn == f"arn:aws:sts::123456789012:assumed-role/CloudFabricAction/cf-{request.id}"
    reading = aws.client("sts", "us-east-1").get_caller_identity()["Arn"]
    assert "CloudFabricAction" not in reading
    db.dispose()


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("U0123ABC", "U0123ABC"),
        ("bob@example.com", "bob@example.com"),
        ("policy:nightly stop", "policy-nightly-stop"),
        ("x", "x-"),
        ("Zoë", "Zo-"),
        ("a" * 80, "a" * 64),
    ],
)
def test_source_identity_keeps_to_the_characters_aws_allows(who: str, expected: str) -> None:
    assert source_identity(who) == expected


def test_a_change_in_another_account_enters_that_accounts_action_role(sandbox_app: Any) -> None:
    from core.sandbox import SECOND_ACCOUNT_ID

    app: CloudFabric = sandbox_app
    seen: list[Call] = []
    app.aws.on_call(lambda service, op, params: seen.append((service, op, params)))
    plan = build_plan(app.context_for("alice"), STOP, PowerArgs(targets=["shared-tools"]))
    request = app.approvals.request(plan, "alice", "T1:C1:3.1", workspace="T1")
    assert request.preflight == "passed"
    seen.clear()

    final = app.approvals.approve(request.id, "bob")

    assert final.state == S.SUCCEEDED
    (entered,) = assume_calls(seen)
    assert entered["RoleArn"] == f"arn:aws:iam::{SECOND_ACCOUNT_ID}:role/CloudFabricAction"
    assert entered["SourceIdentity"] == "bob"
    [target] = plan.args["targets"]
    assert state_of(app.aws, target["instance_id"], account=SECOND_ACCOUNT_ID) in {
        "stopping",
        "stopped",
    }
