"""A security group opened to the world: the rule, who opened it, what it exposes (graph)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import pytest

from tests.estate import AMI
from tests.tools.alerts.playbooks.conftest import trail_event
from tools.alerts.playbooks.models import EventEvidence, GraphEvidence, Signal
from tools.alerts.playbooks.service import investigate
from tools.context import ToolContext
from tools.discovery.scan import run_scan

pytestmark = pytest.mark.time_sensitive
RULE = {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}


def _open_group(ctx: ToolContext) -> tuple[str, str]:
    ec2 = ctx.aws.client("ec2", "us-east-1")
    vpc = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    group = ec2.create_security_group(GroupName="bastion", Description="bastion", VpcId=vpc)
    group_id = str(group["GroupId"])
    ec2.authorize_security_group_ingress(GroupId=group_id, IpPermissions=[RULE])
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.1.1.0/24")["Subnet"]["SubnetId"]
    instance = ec2.run_instances(
        ImageId=AMI,
        MinCount=1,
        MaxCount=1,
        InstanceType="t3.micro",
        SubnetId=subnet,
        SecurityGroupIds=[group_id],
        TagSpecifications=[{"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": "j"}]}],
    )["Instances"][0]["InstanceId"]
    return group_id, str(instance)


def test_world_open_ssh_says_who_and_what_and_offers_the_revoke(
    ctx: ToolContext, fired: datetime, trail: Callable[..., None]
) -> None:
    group_id, instance_id = _open_group(ctx)
    opened = trail_event(
        "AuthorizeSecurityGroupIngress",
        "mallory",
        fired - timedelta(minutes=3),
        ("AWS::EC2::SecurityGroup", group_id),
        groupId=group_id,
    )
    trail(opened)
    run_scan(ctx)
    result = investigate(ctx, Signal(kind="sg_open_to_world", resource=group_id, fired_at=fired))
    statements = [f.statement for f in result.findings]
    assert statements[0] == f"{group_id} lets 0.0.0.0/0 in on tcp 22."
    who = next(f for f in result.findings if f.statement.startswith("mallory called"))
    [event] = who.evidence
    assert isinstance(event, EventEvidence) and event.event_id == opened.event_id
    exposed = next(f for f in result.findings if "use " in f.statement)
    paths = [e for e in exposed.evidence if isinstance(e, GraphEvidence)]
    assert any(p.path[0] == f"j ({instance_id})" and p.edges == ["SECURED_BY"] for p in paths)
    fix = result.suggested_fix
    assert fix is not None and fix.tool == "ec2.revoke_security_group_ingress"
    assert fix.call()[1] == {
        "group": group_id,
        "protocol": "tcp",
        "port": 22,
        "to_port": 22,
        "cidr": "0.0.0.0/0",
        "region": "us-east-1",
    }


def test_without_a_scan_the_graph_is_not_checked(ctx: ToolContext, fired: datetime) -> None:
    group_id, _ = _open_group(ctx)
    result = investigate(ctx, Signal(kind="sg_open_to_world", resource=group_id, fired_at=fired))
    gaps = {n.what: n.why for n in result.not_checked}
    assert "no inventory scan" in gaps[f"dependency graph around {group_id}"]
    assert result.suggested_fix is not None
