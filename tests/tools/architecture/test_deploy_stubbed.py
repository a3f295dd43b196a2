"""What moto cannot show: CloudFormation failing a resource and rolling back, and deploying the
types moto skips (Aurora, ElastiCache, CloudFront). A botocore Stubber on the CloudFormation
client answers with real response shapes (the Stubber checks them against the service model)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from botocore.stub import ANY, Stubber

from tests.tools.architecture.conftest import call, execute, preview
from tools import progress
from tools.architecture.models import DeployResult
from tools.architecture.service import ArchitectureStore
from tools.context import ToolContext
from tools.errors import ToolError
from tools.ipam import service as ipam
from tools.plan import ActionPlan

REGION = "eu-west-1"
ARN = "arn:aws:cloudformation:eu-west-1:123456789012"
STACK_ID = f"{ARN}:stack/cf-prod-web/5b1c0a10-aaaa-bbbb-cccc-0123456789ab"
CHANGE_SET = f"{ARN}:changeSet/cloudfabric-v1-x/0a1b2c3d-0000-1111-2222-333344445555"
AT = datetime(2026, 1, 1, tzinfo=UTC)


def _changes(plan: ActionPlan) -> list[dict[str, Any]]:
    return [
        {
            "Type": "Resource",
            "ResourceChange": {
                "Action": c["action"],
                "LogicalResourceId": c["logical_id"],
                "ResourceType": c["type"],
            },
        }
        for c in plan.args["changes"]
    ]


def _event(
    n: int, logical: str, kind: str, status: str, reason: str | None = None
) -> dict[str, Any]:
    event: dict[str, Any] = {
        "StackId": STACK_ID,
        "EventId": f"event-{n}",
        "StackName": "cf-prod-web",
        "LogicalResourceId": logical,
        "ResourceType": kind,
        "Timestamp": AT,
        "ResourceStatus": status,
    }
    if reason:
        event["ResourceStatusReason"] = reason
    return event


def _stack(status: str, outputs: list[dict[str, str]] | None = None) -> dict[str, Any]:
    stack: dict[str, Any] = {
        "StackId": STACK_ID,
        "StackName": "cf-prod-web",
        "CreationTime": AT,
        "StackStatus": status,
    }
    if outputs is not None:
        stack["Outputs"] = outputs
    return {"Stacks": [stack]}


def _change_set_ready(stub: Stubber, plan: ActionPlan) -> None:
    stub.add_response(
        "create_change_set",
        {"Id": CHANGE_SET, "StackId": STACK_ID},
        {
            "StackName": "cf-prod-web",
            "ChangeSetName": ANY,
            "ChangeSetType": "CREATE",
            "TemplateBody": ANY,
            "Capabilities": ["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM"],
            "RoleARN": plan.args["role_arn"],
            "Tags": ANY,
            "Description": ANY,
        },
    )
    stub.add_response(
        "describe_change_set",
        {
            "ChangeSetId": CHANGE_SET,
            "ChangeSetName": "cloudfabric-v1-x",
            "StackId": STACK_ID,
            "StackName": "cf-prod-web",
            "Status": "CREATE_COMPLETE",
            "ExecutionStatus": "AVAILABLE",
            "Changes": _changes(plan),
        },
        {"ChangeSetName": CHANGE_SET},
    )
    stub.add_response("execute_change_set", {}, {"ChangeSetName": CHANGE_SET})


def _poll(stub: Stubber, events: list[dict[str, Any]], status: str) -> None:
    stub.add_response(
        "describe_stack_events", {"StackEvents": list(reversed(events))}, {"StackName": STACK_ID}
    )
    stub.add_response("describe_stacks", _stack(status), {"StackName": STACK_ID})


@pytest.fixture
def aurora_plan(arch_ctx: ToolContext) -> ActionPlan:
    """A prod web app on Aurora with a Redis cache, planned (the preview reads moto)."""
    text = "prod web app with aurora and a redis cache in eu-west-1, 800 requests per second"
    name = call(arch_ctx, "architecture.propose", request=text).name
    return preview(arch_ctx, "architecture.deploy", name=name)


def test_a_failing_resource_rolls_back_and_the_deploy_says_which_and_why(
    arch_ctx: ToolContext, aurora_plan: ActionPlan
) -> None:
    cfn = arch_ctx.aws.client("cloudformation", REGION)
    reason = (
        "DB instance class db.r6g.large does not support Aurora PostgreSQL 9.6 "
        "(Service: Rds, Status Code: 400)"
    )
    started = _event(
        1, "cf-prod-web", "AWS::CloudFormation::Stack", "CREATE_IN_PROGRESS", "User Initiated"
    )
    vpc = _event(2, "Vpc", "AWS::EC2::VPC", "CREATE_COMPLETE")
    failed = _event(3, "DbCluster", "AWS::RDS::DBCluster", "CREATE_FAILED", reason)
    rolling = _event(
        4,
        "cf-prod-web",
        "AWS::CloudFormation::Stack",
        "ROLLBACK_IN_PROGRESS",
        "The following resource(s) failed to create: [DbCluster].",
    )
    vpc_gone = _event(5, "Vpc", "AWS::EC2::VPC", "DELETE_COMPLETE")
    done = _event(6, "cf-prod-web", "AWS::CloudFormation::Stack", "ROLLBACK_COMPLETE")
    lines: list[str] = []
    with Stubber(cfn) as stub:
        _change_set_ready(stub, aurora_plan)
        _poll(stub, [started, vpc], "CREATE_IN_PROGRESS")
        _poll(stub, [started, vpc, failed, rolling], "ROLLBACK_IN_PROGRESS")
        _poll(stub, [started, vpc, failed, rolling, vpc_gone, done], "ROLLBACK_COMPLETE")
        stub.add_response("delete_stack", {}, {"StackName": STACK_ID})
        with progress.reporting(lines.append), pytest.raises(ToolError) as failure:
            execute(arch_ctx, aurora_plan)
        stub.assert_no_pending_responses()

    message = str(failure.value)
    assert message == (
        f"Deploy failed: DbCluster (AWS::RDS::DBCluster) CREATE_FAILED: {reason}. "
        "CloudFormation rolled back (ROLLBACK_COMPLETE); the failed stack was deleted."
    )
    assert lines[0].startswith("CREATE_IN_PROGRESS: 1 of ") and "ROLLBACK_COMPLETE" in lines[-1]
    cidr = aurora_plan.args["reservation"]["cidr"]
    with arch_ctx.db.session() as session:
        pool = ipam.find_pool(session, aurora_plan.args["reservation"]["pool"])
        assert ipam.find_allocation(session, pool, cidr) is None, "reservation given back"
    assert ArchitectureStore(arch_ctx).get(aurora_plan.args["name"]).row.deployed_version is None


def test_an_update_that_fails_is_rolled_back_by_cloudformation_and_the_stack_kept(
    arch_ctx: ToolContext, aurora_plan: ActionPlan
) -> None:
    update = aurora_plan.model_copy(
        update={"args": {**aurora_plan.args, "change_set_type": "UPDATE", "reservation": None}}
    )
    cfn = arch_ctx.aws.client("cloudformation", REGION)
    failed = _event(
        1,
        "CacheCache",
        "AWS::ElastiCache::ReplicationGroup",
        "UPDATE_FAILED",
        "Cache node type not available",
    )
    done = _event(2, "cf-prod-web", "AWS::CloudFormation::Stack", "UPDATE_ROLLBACK_COMPLETE")
    with Stubber(cfn) as stub:
        stub.add_response("create_change_set", {"Id": CHANGE_SET, "StackId": STACK_ID})
        stub.add_response(
            "describe_change_set", {"Status": "CREATE_COMPLETE", "Changes": _changes(update)}
        )
        stub.add_response("execute_change_set", {})
        _poll(stub, [failed, done], "UPDATE_ROLLBACK_COMPLETE")
        with pytest.raises(ToolError) as failure:
            execute(arch_ctx, update)
        stub.assert_no_pending_responses()

    assert str(failure.value) == (
        "Deploy failed: CacheCache (AWS::ElastiCache::ReplicationGroup) UPDATE_FAILED: Cache node "
        "type not available. CloudFormation rolled back (UPDATE_ROLLBACK_COMPLETE)."
    )


def test_types_moto_skips_deploy_through_the_same_path(
    arch_ctx: ToolContext, aurora_plan: ActionPlan
) -> None:
    kinds = {c["type"] for c in aurora_plan.args["changes"]}
    assert {"AWS::RDS::DBCluster", "AWS::ElastiCache::ReplicationGroup"} <= kinds
    cfn = arch_ctx.aws.client("cloudformation", REGION)
    created = [
        _event(i, c["logical_id"], c["type"], "CREATE_COMPLETE")
        for i, c in enumerate(aurora_plan.args["changes"])
    ]
    summaries = [
        {
            "LogicalResourceId": c["logical_id"],
            "PhysicalResourceId": f"id-{i}",
            "ResourceType": c["type"],
            "LastUpdatedTimestamp": AT,
            "ResourceStatus": "CREATE_COMPLETE",
        }
        for i, c in enumerate(aurora_plan.args["changes"])
    ]
    outputs = [
        {
            "OutputKey": "DbEndpoint",
            "OutputValue": "cf-prod-web-db.cluster-x.eu-west-1.rds.amazonaws.com",
        }
    ]
    with Stubber(cfn) as stub:
        _change_set_ready(stub, aurora_plan)
        _poll(stub, created, "CREATE_COMPLETE")
        stub.add_response(
            "list_stack_resources", {"StackResourceSummaries": summaries}, {"StackName": STACK_ID}
        )
        stub.add_response(
            "describe_stacks", _stack("CREATE_COMPLETE", outputs), {"StackName": STACK_ID}
        )
        result = execute(arch_ctx, aurora_plan)
        stub.assert_no_pending_responses()

    assert isinstance(result, DeployResult) and result.status == "CREATE_COMPLETE"
    assert result.outputs == {"DbEndpoint": outputs[0]["OutputValue"]}
    assert "DbCluster: id-" in " ".join(result.created)


def test_moto_raising_mid_execution_is_reported_with_what_it_left(
    arch_ctx: ToolContext,
) -> None:
    """moto never rolls back: a resource it cannot build raises from ExecuteChangeSet, the stack
    stays where it was, and the half-built VPC cannot be deleted; the reservation is returned."""
    text = "prod web app with aurora in eu-west-1"
    name = call(arch_ctx, "architecture.propose", request=text).name
    plan = preview(arch_ctx, "architecture.deploy", name=name)

    with pytest.raises(ToolError) as failure:
        execute(arch_ctx, plan)

    message = str(failure.value)
    assert message.startswith("Deploy failed: executing the change set failed: KeyError")
    assert "CloudFormation did not roll back (the stack is REVIEW_IN_PROGRESS)" in message
    assert "deleting the failed stack failed" in message and "DependencyViolation" in message
    reservation = plan.args["reservation"]
    with arch_ctx.db.session() as session:
        pool = ipam.find_pool(session, reservation["pool"])
        assert ipam.find_allocation(session, pool, reservation["cidr"]) is None
