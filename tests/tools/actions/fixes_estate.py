"""Targets of the fix tools on moto: an Auto Scaling group, a security group open to the world
on SSH, a Lambda function (the database comes from the conftest's ``database`` fixture)."""

from __future__ import annotations

import io
import json
import zipfile

from core.aws import AwsClients
from tests.estate import AMI

REGION = "us-east-1"


def make_group(aws: AwsClients, desired: int = 1, low: int = 0, high: int = 4) -> str:
    """``web-asg`` launching t3.micro from the template ``web-lt``; returns its name.

    Args:
        aws: clients over moto.
        desired: desired capacity.
        low: minimum size.
        high: maximum size.
    """
    ec2 = aws.client("ec2", REGION)
    template = ec2.create_launch_template(
        LaunchTemplateName="web-lt",
        LaunchTemplateData={"ImageId": AMI, "InstanceType": "t3.micro"},
    )["LaunchTemplate"]
    aws.client("autoscaling", REGION).create_auto_scaling_group(
        AutoScalingGroupName="web-asg",
        LaunchTemplate={"LaunchTemplateId": template["LaunchTemplateId"], "Version": "$Default"},
        MinSize=low,
        MaxSize=high,
        DesiredCapacity=desired,
        AvailabilityZones=[f"{REGION}a"],
    )
    return "web-asg"


def desired_of(aws: AwsClients, name: str = "web-asg") -> int:
    """The group's desired capacity as AWS shows it."""
    groups = aws.client("autoscaling", REGION).describe_auto_scaling_groups(
        AutoScalingGroupNames=[name]
    )["AutoScalingGroups"]
    return int(groups[0]["DesiredCapacity"])


def make_open_group(aws: AwsClients) -> str:
    """``ssh-open``: SSH from 0.0.0.0/0 and HTTPS from 10.0.0.0/8; returns its id.

    Args:
        aws: clients over moto.
    """
    ec2 = aws.client("ec2", REGION)
    group = ec2.create_security_group(GroupName="ssh-open", Description="SSH from anywhere")
    rules = [
        {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]},
        {
            "IpProtocol": "tcp",
            "FromPort": 443,
            "ToPort": 443,
            "IpRanges": [{"CidrIp": "10.0.0.0/8"}],
        },
    ]
    ec2.authorize_security_group_ingress(GroupId=group["GroupId"], IpPermissions=rules)
    return str(group["GroupId"])


def ingress_of(aws: AwsClients, group_id: str) -> list[tuple[str, int | None, str]]:
    """(protocol, from port, CIDR) of each inbound IPv4 rule of a group, sorted."""
    raw = aws.client("ec2", REGION).describe_security_groups(GroupIds=[group_id])
    return sorted(
        (p["IpProtocol"], p.get("FromPort"), r["CidrIp"])
        for p in raw["SecurityGroups"][0]["IpPermissions"]
        for r in p.get("IpRanges", [])
    )


def make_function(aws: AwsClients, timeout: int = 30) -> str:
    """Lambda ``thumbnailer`` (python3.12) with its role; returns its name.

    Args:
        aws: clients over moto.
        timeout: its timeout in seconds.
    """
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
             "Action": "sts:AssumeRole"}
        ],
    }  # fmt: skip
    role = aws.client("iam", REGION).create_role(
        RoleName="thumbnailer-role", AssumeRolePolicyDocument=json.dumps(trust)
    )["Role"]["Arn"]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("app.py", "def handler(event, context):\n    return {}\n")
    aws.client("lambda", REGION).create_function(
        FunctionName="thumbnailer",
        Runtime="python3.12",
        Role=role,
        Handler="app.handler",
        Code={"ZipFile": buffer.getvalue()},
        Timeout=timeout,
    )
    return "thumbnailer"
