"""Pre-flight before anyone approves: the card says whether the action role may run the plan,
and nobody can approve a plan bound to fail. EC2 DryRun on moto (and on a Stubber answering
UnauthorizedOperation, as AWS does for a role that may not stop the instance); the IAM policy
simulator, which moto lacks, on a Stubber with its real response shapes."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import pytest
from botocore.stub import Stubber

from approvals.errors import BoundToFail
from approvals.models import ApprovalState
from approvals.preflight import Preflight
from approvals.render import APPROVE_ACTION
from bot.app import CloudFabric, create_app
from core.aws import AwsClients
from core.db import Database
from core.settings import Settings
from tests.estate import small_estate, state_of
from tools.actions.ec2_power import STOP, build_plan
from tools.context import ToolContext
from tools.ec2.models import PowerArgs
from tools.iam import action_role_permissions
from tools.plan import ActionPlan, ResourceChange
from tools.registry import load_builtin_tools

S = ApprovalState
ACTION_ROLE = "arn:aws:iam::123456789012:role/CloudFabricAction"
DENIED = (
    "UnauthorizedOperation on ec2:StopInstances for role "
    "arn:aws:iam::123456789012:role/CloudFabricAction"
)


@pytest.fixture
def app(settings: Settings, aws: AwsClients) -> Iterator[CloudFabric]:
    built = create_app(settings, aws=aws)
    yield built
    built.close()


@pytest.fixture
def ids(aws: AwsClients) -> dict[str, str]:
    return small_estate(aws)


def ask(app: CloudFabric, target: str, n: int = 1) -> Any:
    plan = build_plan(app.context_for("alice"), STOP, PowerArgs(targets=[target]))
    return app.approvals.request(plan, "alice", f"T1:C1:{n}.1", workspace="T1")


def buttons(app: CloudFabric, request: Any) -> list[str]:
    card = app.cards(request)
    return [
        element.action_id
        for block in card.blocks
        for element in getattr(block, "elements", None) or []
        if getattr(element, "action_id", None)
    ]


def test_an_allowed_stop_shows_the_permission_check_passed_on_moto(
    app: CloudFabric, aws: AwsClients, ids: dict[str, str]
) -> None:
    seen: list[tuple[str, str, Mapping[str, Any]]] = []
    aws.on_call(lambda service, op, params: seen.append((service, op, params)))

    request = ask(app, "batch-worker")

    assert request.state == S.PENDING and request.preflight == "passed"
    assert "Permission check passed" in app.cards(request).text
    assert APPROVE_ACTION in buttons(app, request)
    entered = next(p for s, op, p in seen if op == "AssumeRole")
    assert entered["RoleArn"] == ACTION_ROLE  # the sandbox's action role
    assert entered["SourceIdentity"] == "alice"
    assert entered["RoleSessionName"] == f"cf-preflight-{request.id}"
    dry = next(p for s, op, p in seen if op == "StopInstances")
    assert dry == {"InstanceIds": [ids["batch-worker"]], "DryRun": True}
    assert state_of(aws, ids["batch-worker"]) == "running"  # a dry run changes nothing
    assert app.approvals.approve(request.id, "bob").state == S.SUCCEEDED


def deny_stops(aws: AwsClients, instance_id: str, denied: list[bool]) -> None:
    """Answer the action role's DryRun stop as AWS does for a role without ec2:StopInstances."""

    def stub(service: str, region: str, account: str | None, client: Any) -> None:
        if service != "ec2" or not denied[0] or client is aws.client("ec2", region, account):
            return
        stubber = Stubber(client)
        stubber.add_client_error(
            "stop_instances",
            service_error_code="UnauthorizedOperation",
            service_message="You are not authorized to perform this operation.",
            http_status_code=403,
            expected_params={"InstanceIds": [instance_id], "DryRun": True},
        )
        stubber.activate()

    aws.on_new_client(stub)


def test_a_stop_the_action_role_may_not_make_shows_would_fail_and_cannot_be_approved(
    app: CloudFabric, aws: AwsClients, ids: dict[str, str]
) -> None:
    aws.client("ec2", "us-east-1")  # the reading client exists before the stub is in place
    denied = [True]
    deny_stops(aws, ids["batch-worker"], denied)

    request = ask(app, "batch-worker")

    assert request.state == S.PENDING and request.preflight == "would_fail"
    card = app.cards(request).text
    assert f"Would fail: {DENIED}" in card.replace("*", "")
    assert APPROVE_ACTION not in buttons(app, request)
    with pytest.raises(BoundToFail, match="UnauthorizedOperation on ec2:StopInstances"):
        app.approvals.approve(request.id, "bob")
    assert app.approvals.get(request.id).state == S.PENDING
    assert state_of(aws, ids["batch-worker"]) == "running"
    refused = [e for e in app.audit.entries(request.id) if e.action == "refused"]
    assert "BoundToFail" in refused[0].detail_json

    denied[0] = False  # the action role's permissions were fixed; the requester asks again
    again = ask(app, "batch-worker", n=2)
    assert again.preflight == "passed"
    assert app.approvals.approve(again.id, "bob").state == S.SUCCEEDED
    assert app.approvals.reject(request.id, "alice").state == S.CANCELLED


def evaluation(action: str, decision: str) -> dict[str, Any]:
    """One EvaluationResults entry as SimulatePrincipalPolicy returns it."""
    matched = (
        [{"SourcePolicyId": "CloudFabricActions", "SourcePolicyType": "IAM Policy"}]
        if decision != "implicitDeny"
        else []
    )
    return {
        "EvalActionName": action,
        "EvalResourceName": "*",
        "EvalDecision": decision,
        "MatchedStatements": matched,
        "MissingContextValues": [],
    }


def lifecycle_plan() -> ActionPlan:
    change = ResourceChange(
        resource_id="cf-demo-logs",
        resource_type="s3:bucket",
        region="us-east-1",
        before="no lifecycle rule",
        after="to GLACIER after 90 days",
    )
    args = {"bucket": "cf-demo-logs", "transition_days": 90}
    return ActionPlan(tool="s3.put_lifecycle", args=args, summary="s", risk="low", changes=[change])


@pytest.mark.parametrize(
    ("decisions", "status", "detail"),
    [
        ({}, "passed", "IAM policy simulator"),
        (
            {"s3:PutLifecycleConfiguration": "explicitDeny"},
            "would_fail",
            f"explicitDeny on s3:PutLifecycleConfiguration for role {ACTION_ROLE}",
        ),
        (
            {"s3:GetLifecycleConfiguration": "implicitDeny"},
            "would_fail",
            f"implicitDeny on s3:GetLifecycleConfiguration for role {ACTION_ROLE}",
        ),
    ],
)
def test_live_tools_without_a_dry_run_ask_the_policy_simulator(
    settings: Settings,
    aws: AwsClients,
    db: Database,
    decisions: dict[str, str],
    status: str,
    detail: str,
) -> None:
    registry = load_builtin_tools()
    live = settings.model_copy(update={"aws_mode": "live", "action_role_arn": ACTION_ROLE})
    actions = sorted(action_role_permissions(registry.get("s3.put_lifecycle").permissions))
    assert "s3:PutLifecycleConfiguration" in actions and "sts:AssumeRole" not in actions
    iam = aws.client("iam", "us-east-1")
    results = [evaluation(a, decisions.get(a, "allowed")) for a in actions]
    with Stubber(iam) as stubber:
        stubber.add_response(
            "simulate_principal_policy",
            {"EvaluationResults": results, "IsTruncated": False},
            {"PolicySourceArn": ACTION_ROLE, "ActionNames": actions},
        )
        check = Preflight(registry, lambda user: ToolContext(live, aws, db, user))(
            lifecycle_plan(), "alice", "req-1"
        )
        stubber.assert_no_pending_responses()

    assert check is not None
    assert check.status == status
    assert detail in check.detail


def test_without_a_way_to_check_the_card_says_it_was_not_checked(
    settings: Settings, aws: AwsClients, db: Database
) -> None:
    registry = load_builtin_tools()
    live = settings.model_copy(update={"aws_mode": "live"})
    cases = [
        (settings, "the sandbox has no IAM policy simulator"),
        (live, "no action role is configured for account primary"),
    ]
    for where, reason in cases:
        check = Preflight(registry, lambda user, s=where: ToolContext(s, aws, db, user))(
            lifecycle_plan(), "alice", "req-1"
        )
        assert check is not None and check.status == "unchecked" and check.detail == reason
