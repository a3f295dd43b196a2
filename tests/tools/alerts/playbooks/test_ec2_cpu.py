"""EC2 CPU high on moto: metric around the fire time, status, CloudTrail, group, type and price."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest

from core.sandbox.trail import TrailEvent
from tests.estate import AMI, launch
from tests.tools.alerts.playbooks.conftest import ACCOUNT, REGION, put_metric, trail_event
from tools.alerts.playbooks.models import EventEvidence, MetricEvidence, ReadEvidence, Signal
from tools.alerts.playbooks.service import investigate
from tools.context import ToolContext
from tools.registry import load_builtin_tools

pytestmark = pytest.mark.time_sensitive


def _signal(instance_id: str, fired: datetime) -> Signal:
    return Signal(kind="ec2_cpu_high", resource=instance_id, fired_at=fired)


def _hot(ctx: ToolContext, instance_id: str, fired: datetime) -> None:
    put_metric(
        ctx.aws,
        "AWS/EC2",
        "CPUUtilization",
        {"InstanceId": instance_id},
        [35, 40, 60, 85, 97, 99],
        last=fired + timedelta(minutes=5),
    )


def test_saturated_instance_gets_the_next_size_up(
    ctx: ToolContext, fired: datetime, trail: Callable[..., None]
) -> None:
    instance_id = launch(ctx.aws, "web-1")
    _hot(ctx, instance_id, fired)
    looked = TrailEvent(
        "DescribeInstances",
        "monitor",
        fired - timedelta(minutes=1),
        ACCOUNT,
        REGION,
        (("AWS::EC2::Instance", instance_id),),
        read_only=True,
    )
    trail(
        trail_event(
            "ModifyInstanceAttribute",
            "bob",
            fired - timedelta(hours=2),
            ("AWS::EC2::Instance", instance_id),
        ),
        looked,
    )
    result = investigate(ctx, _signal(instance_id, fired))
    top = result.findings[0]
    assert top.statement.startswith("CPU peaked at 99%")
    [cpu] = top.evidence
    assert isinstance(cpu, MetricEvidence)
    assert (cpu.metric.namespace, cpu.metric.name) == ("AWS/EC2", "CPUUtilization")
    assert cpu.metric.dimensions == {"InstanceId": instance_id}
    assert cpu.start == fired - timedelta(hours=1) and cpu.datapoints == 6
    events = [e for f in result.findings for e in f.evidence if isinstance(e, EventEvidence)]
    assert [(e.name, e.user) for e in events] == [("ModifyInstanceAttribute", "bob")]
    price = next(
        e
        for f in result.findings
        for e in f.evidence
        if isinstance(e, ReadEvidence) and e.call == "DescribeInstances"
    )
    assert price.facts["instance_type"] == "t3.micro" and price.facts["next_size_up"] == "t3.small"
    fix = result.suggested_fix
    assert fix is not None and fix.tool == "ec2.modify_instance_type"
    tool, args = fix.call()
    assert args == {"target": instance_id, "instance_type": "t3.small", "region": "us-east-1"}
    load_builtin_tools().get(tool).args_model(**args)  # the real tool takes these arguments


def test_quiet_cpu_suggests_nothing(ctx: ToolContext, fired: datetime) -> None:
    instance_id = launch(ctx.aws, "web-2")
    put_metric(
        ctx.aws, "AWS/EC2", "CPUUtilization", {"InstanceId": instance_id}, [12, 15, 14], last=fired
    )
    result = investigate(ctx, _signal(instance_id, fired))
    assert "CPU peaked at 15%" in result.findings[0].statement or any(
        "CPU peaked at 15%" in f.statement for f in result.findings
    )
    assert result.suggested_fix is None


def test_instance_in_a_group_gets_one_more_instance(ctx: ToolContext, fired: datetime) -> None:
    ec2 = ctx.aws.client("ec2", "us-east-1")
    template = ec2.create_launch_template(
        LaunchTemplateName="web", LaunchTemplateData={"ImageId": AMI, "InstanceType": "t3.micro"}
    )["LaunchTemplate"]["LaunchTemplateName"]
    autoscaling = ctx.aws.client("autoscaling", "us-east-1")
    autoscaling.create_auto_scaling_group(
        AutoScalingGroupName="web-asg",
        MinSize=1,
        MaxSize=4,
        DesiredCapacity=2,
        LaunchTemplate={"LaunchTemplateName": template},
        AvailabilityZones=["us-east-1a"],
    )
    group = autoscaling.describe_auto_scaling_groups()["AutoScalingGroups"][0]
    instance_id = group["Instances"][0]["InstanceId"]
    _hot(ctx, instance_id, fired)
    result = investigate(ctx, _signal(instance_id, fired))
    member = next(f for f in result.findings if "Auto Scaling group web-asg" in f.statement)
    assert "(2 of max 4)" in member.statement
    fix = result.suggested_fix
    assert fix is not None and fix.tool == "asg.set_desired_capacity"
    assert fix.call()[1] == {"target": "web-asg", "desired": 3, "region": "us-east-1"}


def test_scaling_activity_is_cited_and_a_full_group_gets_no_resize(
    ctx: ToolContext, fired: datetime, answer: Callable[[str, str, dict[str, Any]], None]
) -> None:
    """moto answers DescribeScalingActivities with nothing: the group is stubbed (AWS shapes)."""
    instance_id = launch(ctx.aws, "web-4")
    _hot(ctx, instance_id, fired)
    answer(
        "autoscaling",
        "describe_auto_scaling_instances",
        {
            "AutoScalingInstances": [
                {
                    "InstanceId": instance_id,
                    "InstanceType": "t3.micro",
                    "AutoScalingGroupName": "web-asg",
                    "AvailabilityZone": "us-east-1a",
                    "LifecycleState": "InService",
                    "HealthStatus": "HEALTHY",
                    "ProtectedFromScaleIn": False,
                }
            ]
        },
    )
    answer(
        "autoscaling",
        "describe_auto_scaling_groups",
        {
            "AutoScalingGroups": [
                {
                    "AutoScalingGroupName": "web-asg",
                    "MinSize": 1,
                    "MaxSize": 2,
                    "DesiredCapacity": 2,
                    "DefaultCooldown": 300,
                    "AvailabilityZones": ["us-east-1a"],
                    "HealthCheckType": "EC2",
                    "CreatedTime": fired - timedelta(days=30),
                }
            ]
        },
    )
    answer(
        "autoscaling",
        "describe_scaling_activities",
        {
            "Activities": [
                {
                    "ActivityId": "f9f2d65b-f1f2-43e7-b46d-d86756459699",
                    "AutoScalingGroupName": "web-asg",
                    "Description": "Launching a new EC2 instance: i-0d44425630326060f",
                    "Cause": "an alarm changed the desired capacity from 1 to 2.",
                    "StartTime": fired - timedelta(minutes=20),
                    "StatusCode": "Successful",
                }
            ]
        },
    )
    result = investigate(ctx, _signal(instance_id, fired))
    member = next(f for f in result.findings if "Auto Scaling group web-asg" in f.statement)
    [activity] = [e for e in member.evidence if isinstance(e, EventEvidence)]
    assert activity.source == "autoscaling" and activity.name.startswith("Launching a new EC2")
    assert result.suggested_fix is None  # at its maximum, and a member is never resized alone


def test_missing_permissions_become_not_checked(
    ctx: ToolContext, fired: datetime, refuse: Callable[[str, str, str], None]
) -> None:
    refuse("cloudtrail", "lookup_events", "AccessDeniedException")
    refuse("cloudwatch", "get_metric_data", "AccessDenied")
    instance_id = launch(ctx.aws, "web-3")
    result = investigate(ctx, _signal(instance_id, fired))
    gaps = {n.what: n.why for n in result.not_checked}
    assert "cloudtrail:LookupEvents" in gaps[f"CloudTrail events of {instance_id}"]
    assert gaps["AWS/EC2 CPUUtilization"].startswith("AccessDenied: ")
    assert "cloudwatch:GetMetricData" in gaps["AWS/EC2 CPUUtilization"]
    assert any("t3.micro" in f.statement for f in result.findings)  # the rest still ran
    assert result.suggested_fix is None  # no CPU evidence, no resize
