"""The five fix tools through the approval gate on moto: a plan filed by alice changes nothing
until bob approves it, then runs exactly once however often it is clicked; a target that moved
after the approval voids it and nothing runs."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from approvals.errors import AlreadyDecided, SelfApproval
from approvals.models import ApprovalState
from bot.app import CloudFabric, create_app
from core.aws import AwsClients
from core.settings import Settings
from tests.tools.actions.fixes_estate import (
    desired_of,
    ingress_of,
    make_function,
    make_group,
    make_open_group,
)
from tools.registry import load_builtin_tools

S = ApprovalState


@pytest.fixture
def app(settings: Settings, aws: AwsClients) -> Iterator[CloudFabric]:
    built = create_app(settings, aws=aws)
    yield built
    built.close()


@pytest.fixture
def estate(aws: AwsClients) -> dict[str, str]:
    """All five targets: web-asg (desired 1), ssh-open, thumbnailer (30 s), db-prod (20 GiB)."""
    aws.client("rds", "us-east-1").create_db_instance(
        DBInstanceIdentifier="db-prod", DBInstanceClass="db.m5.large", Engine="postgres",
        AllocatedStorage=20, MasterUsername="app", MasterUserPassword="sandbox-only-password",
    )  # fmt: skip
    make_group(aws, desired=1)
    make_function(aws, timeout=30)
    return {"ssh-open": make_open_group(aws)}


def _reserved(aws: AwsClients) -> Any:
    answer = aws.client("lambda", "us-east-1").get_function_concurrency(FunctionName="thumbnailer")
    return answer.get("ReservedConcurrentExecutions")


def _timeout(aws: AwsClients) -> int:
    config = aws.client("lambda", "us-east-1").get_function_configuration(
        FunctionName="thumbnailer"
    )
    return int(config["Timeout"])


def _storage(aws: AwsClients) -> int:
    raw = aws.client("rds", "us-east-1").describe_db_instances(DBInstanceIdentifier="db-prod")
    return int(raw["DBInstances"][0]["AllocatedStorage"])


Read = Callable[[AwsClients, dict[str, str]], Any]
CASES: list[tuple[str, dict[str, Any], Read, Any, Any]] = [
    ("asg.set_desired_capacity", {"target": "web-asg", "desired": 3},
     lambda aws, _: desired_of(aws), 1, 3),
    ("ec2.revoke_security_group_ingress", {"group": "ssh-open", "port": 22},
     lambda aws, e: ingress_of(aws, e["ssh-open"]),
     [("tcp", 22, "0.0.0.0/0"), ("tcp", 443, "10.0.0.0/8")], [("tcp", 443, "10.0.0.0/8")]),
    ("lambda.set_reserved_concurrency", {"target": "thumbnailer", "concurrency": 0},
     lambda aws, _: _reserved(aws), None, 0),
    ("lambda.set_timeout", {"target": "thumbnailer", "seconds": 120},
     lambda aws, _: _timeout(aws), 30, 120),
    ("rds.modify_allocated_storage", {"target": "db-prod", "size_gib": 40},
     lambda aws, _: _storage(aws), 20, 40),
]  # fmt: skip


@pytest.mark.parametrize(
    ("tool", "args", "read", "before", "after"), CASES, ids=[c[0] for c in CASES]
)
def test_approved_by_another_person_the_fix_runs_once(
    app: CloudFabric,
    estate: dict[str, str],
    aws: AwsClients,
    tool: str,
    args: dict[str, Any],
    read: Read,
    before: Any,
    after: Any,
) -> None:
    spec = load_builtin_tools().get(tool)
    assert spec.preview is not None
    plan = spec.preview(app.context_for("alice"), spec.args_model(**args))
    request = app.approvals.request(plan, "alice", conversation_id="test:c:1", workspace="test")
    assert request.state == S.PENDING
    assert read(aws, estate) == before  # filing it (and its pre-flight) changed nothing

    with pytest.raises(SelfApproval):
        app.approvals.approve(request.id, "alice")
    assert read(aws, estate) == before

    done = app.approvals.approve(request.id, "bob")
    assert done.state == S.SUCCEEDED
    assert read(aws, estate) == after
    with pytest.raises(AlreadyDecided):
        app.approvals.approve(request.id, "carol")
    actions = [e.action for e in app.audit.entries(request.id)]
    assert actions.count("succeeded") == 1


def test_a_group_scaled_by_someone_else_after_the_approval_voids_it(
    app: CloudFabric, estate: dict[str, str], aws: AwsClients
) -> None:
    spec = load_builtin_tools().get("asg.set_desired_capacity")
    assert spec.preview is not None
    plan = spec.preview(app.context_for("alice"), spec.args_model(target="web-asg", desired=3))
    request = app.approvals.request(plan, "alice", conversation_id="test:c:1", workspace="test")

    def out_of_band(_: object) -> None:
        aws.client("autoscaling", "us-east-1").set_desired_capacity(
            AutoScalingGroupName="web-asg", DesiredCapacity=2
        )

    final = app.approvals.approve(request.id, "bob", on_approved=out_of_band)
    assert final.state == S.VOIDED
    assert final.reason is not None and "desired 2" in final.reason
    assert desired_of(aws) == 2  # nothing ran
    assert final.replaced_by is not None
    fresh = app.approvals.get(final.replaced_by)
    assert fresh.summary == "Scale out web-asg from 2 to 3 instances."
