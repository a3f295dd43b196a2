"""ALB 5xx on moto: 5xx counts and the health of each target; a Stubber for failed checks."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest

from tests.estate import launch
from tests.tools.alerts.playbooks.conftest import put_metric
from tools.alerts.playbooks.alb import dimension
from tools.alerts.playbooks.models import MetricEvidence, ReadEvidence, Signal
from tools.alerts.playbooks.service import investigate
from tools.context import ToolContext

pytestmark = pytest.mark.time_sensitive


def _balancer(ctx: ToolContext, targets: list[str]) -> str:
    ec2 = ctx.aws.client("ec2", "us-east-1")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{i}.0/24", AvailabilityZone=zone)["Subnet"]
        for i, zone in enumerate(("us-east-1a", "us-east-1b"))
    ]
    elbv2 = ctx.aws.client("elbv2", "us-east-1")
    lb = elbv2.create_load_balancer(Name="web", Subnets=[s["SubnetId"] for s in subnets])
    lb_arn = str(lb["LoadBalancers"][0]["LoadBalancerArn"])
    group = elbv2.create_target_group(Name="web-tg", Protocol="HTTP", Port=80, VpcId=vpc)
    group_arn = group["TargetGroups"][0]["TargetGroupArn"]
    elbv2.create_listener(
        LoadBalancerArn=lb_arn,
        Protocol="HTTP",
        Port=80,
        DefaultActions=[{"Type": "forward", "TargetGroupArn": group_arn}],
    )
    elbv2.register_targets(TargetGroupArn=group_arn, Targets=[{"Id": t} for t in targets])
    return lb_arn


def test_5xx_counts_and_a_stopped_target_are_found(ctx: ToolContext, fired: datetime) -> None:
    up, down = launch(ctx.aws, "web-1"), launch(ctx.aws, "web-2")
    lb_arn = _balancer(ctx, [up, down])
    ctx.aws.client("ec2", "us-east-1").stop_instances(InstanceIds=[down])
    put_metric(
        ctx.aws,
        "AWS/ApplicationELB",
        "HTTPCode_Target_5XX_Count",
        {"LoadBalancer": dimension(lb_arn)},
        [0, 3, 40, 57],
        last=fired,
    )
    result = investigate(ctx, Signal(kind="alb_5xx", resource=lb_arn, fired_at=fired))
    statements = [f.statement for f in result.findings]
    unhealthy = next(f for f in result.findings if f.statement.startswith(f"{down} in web-tg"))
    [health] = unhealthy.evidence
    assert isinstance(health, ReadEvidence) and health.call == "DescribeTargetHealth"
    assert health.facts["state"] != "healthy"
    assert "100 5xx answers came from the targets around the alarm." in statements
    count = next(f for f in result.findings if "5xx answers" in f.statement).evidence[0]
    assert isinstance(count, MetricEvidence)
    assert count.metric.dimensions == {"LoadBalancer": dimension(lb_arn)}
    assert f"{up} in web-tg is healthy." in statements
    assert result.findings.index(unhealthy) < statements.index(f"{up} in web-tg is healthy.")
    assert result.suggested_fix is None  # a stopped target is not a failing one


def test_targets_failing_health_checks_get_a_reboot(
    ctx: ToolContext, fired: datetime, answer: Callable[[str, str, dict[str, Any]], None]
) -> None:
    """moto never fails a health check: the two ELBv2 answers are stubbed with AWS's shapes."""
    prefix = "arn:aws:elasticloadbalancing:us-east-1:123456789012"
    lb_arn = f"{prefix}:loadbalancer/app/web/50dc6c495c0c9188"
    group_arn = f"{prefix}:targetgroup/web-tg/73e2d6bc24d8a067"
    answer(
        "elbv2",
        "describe_target_groups",
        {
            "TargetGroups": [
                {
                    "TargetGroupArn": group_arn,
                    "TargetGroupName": "web-tg",
                    "Protocol": "HTTP",
                    "Port": 80,
                    "LoadBalancerArns": [lb_arn],
                }
            ]
        },
    )
    answer(
        "elbv2",
        "describe_target_health",
        {
            "TargetHealthDescriptions": [
                {
                    "Target": {"Id": "i-0123456789abcdef0", "Port": 80},
                    "HealthCheckPort": "80",
                    "TargetHealth": {
                        "State": "unhealthy",
                        "Reason": "Target.FailedHealthChecks",
                        "Description": "Health checks failed",
                    },
                },
                {
                    "Target": {"Id": "i-0fedcba9876543210", "Port": 80},
                    "HealthCheckPort": "80",
                    "TargetHealth": {"State": "healthy"},
                },
            ]
        },
    )
    result = investigate(ctx, Signal(kind="alb_5xx", resource=lb_arn, fired_at=fired))
    assert result.findings[0].statement == (
        "i-0123456789abcdef0 in web-tg is unhealthy (Target.FailedHealthChecks)."
    )
    assert {n.what for n in result.not_checked} >= {"AWS/ApplicationELB HTTPCode_ELB_5XX_Count"}
    fix = result.suggested_fix
    assert fix is not None and fix.tool == "ec2.reboot_instances"
    assert fix.call()[1] == {"targets": ["i-0123456789abcdef0"], "region": "us-east-1"}
