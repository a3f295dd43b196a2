"""The backup and lifecycle templates, each from its one sentence: the approver sees the IAM
permissions of the new tools, and a run, its change approved by someone else, leaves the
snapshot or the lifecycle rule on moto."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest

from bot.app import CloudFabric
from core.aws import AwsClients
from tests.estate import launch
from tests.tools.workflows.conftest import create_through_approval
from tests.tools.workflows.test_runs import FIRE, Posted, runner_for
from tools.workflows.models import CreateArgs
from tools.workflows.preview import preview_create
from tools.workflows.stepping import step_records
from tools.workflows.templates import TEMPLATES

TARGETS = {"rds-snapshot": "db-prod", "ebs-backup": "web-1", "s3-glacier": "cf-demo-logs"}
NEW_PERMISSIONS = {
    "rds-snapshot": ("rds:CreateDBSnapshot", "rds:DeleteDBSnapshot", "rds:AddTagsToResource"),
    "ebs-backup": ("ec2:CreateSnapshots", "ec2:CreateTags", "ec2:DeleteSnapshot"),
    "s3-glacier": ("s3:GetLifecycleConfiguration", "s3:PutLifecycleConfiguration"),
}


@pytest.fixture
def estate(aws: AwsClients) -> dict[str, str]:
    """db-prod, web-1 and cf-demo-logs, as the template sentences name them."""
    aws.client("rds", "us-east-1").create_db_instance(
        DBInstanceIdentifier="db-prod",
        DBInstanceClass="db.m5.large",
        Engine="postgres",
        AllocatedStorage=20,
        MasterUsername="app",
        MasterUserPassword="sandbox-only-password",
    )
    aws.client("s3", "us-east-1").create_bucket(Bucket="cf-demo-logs")
    return {"web-1": launch(aws, "web-1", env="prod")}


def _run_approved(app: CloudFabric, key: str, posted: Posted) -> Any:
    """Create the template from its sentence, fire it, approve its change as bob, go on."""
    (name,) = create_through_approval(app, TEMPLATES[key].sentence, resources=[TARGETS[key]])
    runner = runner_for(app, posted)
    run = runner.fire(name, FIRE)
    assert run.status == "waiting_approval" and run.approval_id
    approval = app.approvals.store.get(run.approval_id)
    assert approval.requester == "alice"
    final = app.approvals.approve(run.approval_id, "bob")
    assert final.state == "SUCCEEDED", final.error
    step = next(r.id for r in step_records(run) if r.status == "waiting_approval")
    done = runner.resume(run.id or 0, step, json.loads(final.result_json or "{}"), True)
    assert done.status == "succeeded"
    return name, approval


@pytest.mark.parametrize("key", list(NEW_PERMISSIONS))
def test_each_template_is_created_from_its_sentence_and_shows_its_permissions(
    app: CloudFabric, key: str
) -> None:
    assert TEMPLATES[key].needs == ()
    args = CreateArgs(request=TEMPLATES[key].sentence, resources=[TARGETS[key]])
    plan = preview_create(app.context_for("alice"), args)
    permissions = next(n for n in plan.notes if n.startswith("IAM permissions"))
    assert all(p in permissions for p in NEW_PERMISSIONS[key])
    assert "every run files an approval request as alice" in "\n".join(plan.notes)
    assert plan.risk == "medium"


def test_a_nightly_rds_snapshot_run_takes_the_snapshot_once_approved(
    app: CloudFabric, estate: dict[str, str], aws: AwsClients
) -> None:
    posted = Posted()
    name, approval = _run_approved(app, "rds-snapshot", posted)
    assert approval.tool == "rds.create_db_snapshot"
    rds = aws.client("rds", "us-east-1")
    manual = rds.describe_db_snapshots(DBInstanceIdentifier="db-prod", SnapshotType="manual")
    snapshots = manual["DBSnapshots"]
    assert [s["DBSnapshotIdentifier"] for s in snapshots] == [f"cf-{name}-20270104-190000"]
    tags = {t["Key"]: t["Value"] for t in snapshots[0]["TagList"]}
    assert tags["cloudfabric:schedule"] == name
    assert posted[-1] == ("#ops", ":camera: Snapshot of db-prod taken; kept 7 days.")


def test_an_ebs_backup_run_snapshots_the_instances_volumes_once_approved(
    app: CloudFabric, estate: dict[str, str], aws: AwsClients
) -> None:
    name, approval = _run_approved(app, "ebs-backup", Posted())
    assert approval.tool == "ec2.create_snapshots"
    ec2 = aws.client("ec2", "us-east-1")
    mine = [{"Name": "tag:cloudfabric:schedule", "Values": [name]}]
    (snapshot,) = ec2.describe_snapshots(OwnerIds=["self"], Filters=mine)["Snapshots"]
    tags = {t["Key"]: t["Value"] for t in snapshot["Tags"]}
    assert tags["cloudfabric:instance"] == estate["web-1"]
    assert tags["cloudfabric:key"] == FIRE.isoformat()


def test_a_glacier_run_sets_the_rule_once_and_later_runs_need_no_approval(
    app: CloudFabric, estate: dict[str, str], aws: AwsClients
) -> None:
    posted = Posted()
    name, approval = _run_approved(app, "s3-glacier", posted)
    assert approval.tool == "s3.put_lifecycle"
    s3 = aws.client("s3", "us-east-1")
    (rule,) = s3.get_bucket_lifecycle_configuration(Bucket="cf-demo-logs")["Rules"]
    assert rule["Transitions"] == [{"Days": 90, "StorageClass": "GLACIER"}]

    filed = len(app.approvals.find())
    again = runner_for(app, posted).fire(name, FIRE + timedelta(days=1))
    assert again.status == "succeeded" and len(app.approvals.find()) == filed
    lifecycle = next(r for r in step_records(again) if r.id == "lifecycle")
    assert "nothing to change" in lifecycle.output["already_done"]
    assert posted[-1][0] == "#storage"


def test_a_backup_of_tagged_instances_finds_them_each_run(
    app: CloudFabric, dev_estate: dict[str, str], aws: AwsClients
) -> None:
    request = "back up the instances tagged env=dev every day at 3am, keep 3 days, tell #dev"
    (name,) = create_through_approval(app, request)
    run = runner_for(app, Posted()).fire(name, FIRE)
    assert run.status == "waiting_approval"
    approval = app.approvals.store.get(run.approval_id or "")
    planned = {t["instance_id"] for t in json.loads(approval.plan_json)["args"]["targets"]}
    assert planned == {dev_estate["dev-1"], dev_estate["dev-2"]}
    assert app.approvals.approve(approval.id, "bob").state == "SUCCEEDED"
    ec2 = aws.client("ec2", "us-east-1")
    mine = [{"Name": "tag:cloudfabric:schedule", "Values": [name]}]
    assert len(ec2.describe_snapshots(OwnerIds=["self"], Filters=mine)["Snapshots"]) == 2
