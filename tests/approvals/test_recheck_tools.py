"""Re-check hooks beyond EC2 power: resize, EBS, Elastic IPs and S3 lifecycle plans are built
again from their targets right before they run; a target changed since the approval voids the
request with the reason (and offers the plan of now), an unchanged one runs (moto)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from approvals.models import ApprovalRequest, ApprovalState
from bot.app import CloudFabric, create_app
from core.aws import AwsClients
from core.settings import Settings
from tests.estate import launch
from tools.registry import load_builtin_tools

S = ApprovalState
Hook = Callable[[ApprovalRequest], None]


@pytest.fixture
def app(settings: Settings, aws: AwsClients) -> Iterator[CloudFabric]:
    built = create_app(settings, aws=aws)
    yield built
    built.close()


def ask(app: CloudFabric, tool: str, **args: Any) -> ApprovalRequest:
    spec = load_builtin_tools().get(tool)
    assert spec.preview is not None and spec.recheck is not None
    plan = spec.preview(app.context_for("alice"), spec.args_model(**args))
    return app.approvals.request(plan, "alice", conversation_id="test:c:1", workspace="test")


def approve(app: CloudFabric, request: ApprovalRequest, meanwhile: Hook | None) -> ApprovalRequest:
    return app.approvals.approve(request.id, "bob", on_approved=meanwhile)


def _instance(aws: AwsClients, instance_id: str) -> dict[str, Any]:
    reservations = aws.client("ec2", "us-east-1").describe_instances(InstanceIds=[instance_id])
    found: dict[str, Any] = reservations["Reservations"][0]["Instances"][0]
    return found


def test_resize_of_an_instance_stopped_after_the_approval_is_voided_and_offered_again(
    app: CloudFabric, aws: AwsClients
) -> None:
    instance = launch(aws, "web-1")
    request = ask(app, "ec2.modify_instance_type", target="web-1", instance_type="m5.large")

    def stop(_: ApprovalRequest) -> None:
        aws.client("ec2", "us-east-1").stop_instances(InstanceIds=[instance])

    voided = approve(app, request, stop)

    assert voided.state == S.VOIDED
    assert voided.reason is not None
    assert "was t3.micro (running) when approved and is t3.micro (stopped) now" in voided.reason
    assert _instance(aws, instance)["InstanceType"] == "t3.micro"  # nothing ran
    assert voided.replaced_by is not None
    fresh = app.approvals.get(voided.replaced_by)
    assert fresh.state == S.PENDING and "t3.micro (stopped)" in fresh.plan_json
    assert approve(app, fresh, None).state == S.SUCCEEDED
    assert _instance(aws, instance)["InstanceType"] == "m5.large"


def test_resize_of_an_unchanged_instance_runs(app: CloudFabric, aws: AwsClients) -> None:
    instance = launch(aws, "web-1")
    aws.client("ec2", "us-east-1").stop_instances(InstanceIds=[instance])
    request = ask(app, "ec2.modify_instance_type", target="web-1", instance_type="m5.large")
    assert approve(app, request, None).state == S.SUCCEEDED
    assert _instance(aws, instance)["InstanceType"] == "m5.large"


def _volume(aws: AwsClients) -> str:
    ec2 = aws.client("ec2", "us-east-1")
    created = ec2.create_volume(
        AvailabilityZone="us-east-1a", Size=50, VolumeType="gp2",
        TagSpecifications=[{"ResourceType": "volume", "Tags": [{"Key": "Name", "Value": "old"}]}],
    )  # fmt: skip
    return str(created["VolumeId"])


def test_a_volume_attached_after_the_approval_is_not_deleted(
    app: CloudFabric, aws: AwsClients
) -> None:
    volume = _volume(aws)
    instance = launch(aws, "web-1")
    request = ask(app, "ebs.snapshot_and_delete_volume", targets=["old"])

    def attach(_: ApprovalRequest) -> None:
        ec2 = aws.client("ec2", "us-east-1")
        ec2.attach_volume(VolumeId=volume, InstanceId=instance, Device="/dev/sdf")

    voided = approve(app, request, attach)

    assert voided.state == S.VOIDED
    assert voided.reason is not None and "Only unattached (available) volumes" in voided.reason
    assert voided.replaced_by is None  # no plan can be built for an attached volume
    ec2 = aws.client("ec2", "us-east-1")
    assert ec2.describe_volumes(VolumeIds=[volume])["Volumes"][0]["State"] == "in-use"
    assert "Voided" in app.cards(voided).text


def test_an_unchanged_unattached_volume_is_snapshotted_and_deleted(
    app: CloudFabric, aws: AwsClients
) -> None:
    volume = _volume(aws)
    request = ask(app, "ebs.snapshot_and_delete_volume", targets=["old"])
    assert approve(app, request, None).state == S.SUCCEEDED
    volumes = aws.client("ec2", "us-east-1").describe_volumes()["Volumes"]
    assert volume not in [v["VolumeId"] for v in volumes]


def test_a_volume_type_changed_meanwhile_voids_the_type_change(
    app: CloudFabric, aws: AwsClients
) -> None:
    volume = _volume(aws)
    request = ask(app, "ebs.modify_volume_type", targets=[volume], volume_type="gp3")

    def to_io1(_: ApprovalRequest) -> None:
        ec2 = aws.client("ec2", "us-east-1")
        ec2.modify_volume(VolumeId=volume, VolumeType="io1", Iops=3000)

    voided = approve(app, request, to_io1)
    assert voided.state == S.VOIDED
    assert voided.reason is not None and "was gp2 when approved and is io1 now" in voided.reason


def test_a_lifecycle_rule_edited_meanwhile_voids_the_request(
    app: CloudFabric, aws: AwsClients
) -> None:
    s3 = aws.client("s3", "us-east-1")
    s3.create_bucket(Bucket="cf-demo-logs")
    request = ask(app, "s3.put_lifecycle", bucket="cf-demo-logs", transition_days=90)
    rule = {
        "ID": "cloudfabric-glacier", "Filter": {"Prefix": ""}, "Status": "Enabled",
        "Transitions": [{"Days": 30, "StorageClass": "GLACIER"}],
    }  # fmt: skip

    def edit(_: ApprovalRequest) -> None:
        s3.put_bucket_lifecycle_configuration(
            Bucket="cf-demo-logs", LifecycleConfiguration={"Rules": [rule]}
        )

    voided = approve(app, request, edit)

    assert voided.state == S.VOIDED
    assert voided.reason is not None and "was no such rule when approved" in voided.reason
    rules = s3.get_bucket_lifecycle_configuration(Bucket="cf-demo-logs")["Rules"]
    assert rules[0]["Transitions"] == [{"Days": 30, "StorageClass": "GLACIER"}]  # kept
    assert voided.replaced_by is not None


def test_an_address_associated_after_the_approval_is_not_released(
    app: CloudFabric, aws: AwsClients
) -> None:
    ec2 = aws.client("ec2", "us-east-1")
    allocation = ec2.allocate_address(Domain="vpc")["AllocationId"]
    instance = launch(aws, "web-1")
    request = ask(app, "ec2.release_address", targets=[allocation])

    def associate(_: ApprovalRequest) -> None:
        ec2.associate_address(AllocationId=allocation, InstanceId=instance)

    voided = approve(app, request, associate)

    assert voided.state == S.VOIDED
    assert voided.reason is not None and "is associated with" in voided.reason
    assert ec2.describe_addresses(AllocationIds=[allocation])["Addresses"]  # still there
