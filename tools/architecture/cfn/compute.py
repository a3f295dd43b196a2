"""Compute and its load balancer: ALB, EC2 Auto Scaling, ECS Fargate, Lambda."""

from __future__ import annotations

from tools.architecture.cfn.access import add_role, log_statement, security_group_id
from tools.architecture.cfn.base import Json, Template, att, logical, ref, sub
from tools.architecture.cfn.network import subnets_of
from tools.architecture.spec import Component, NetworkPlan

IMAGE_PARAMETER = "ImageId"
CONTAINER_PARAMETER = "ContainerImage"
HANDLER_CODE = (
    "import json\n\n\ndef handler(event, context):\n"
    "    return {'statusCode': 200, 'body': json.dumps({'ok': True})}\n"
)


def _network(t: Template) -> NetworkPlan:
    network = t.spec.network
    assert network is not None
    return network


def fronted_by(t: Template, c: Component) -> Component | None:
    """The load balancer sending traffic to ``c``, if one is declared.

    Args:
        t: the template.
        c: a compute component.
    """
    for link in t.spec.connections:
        if link.target == c.name and link.access == "network":
            source = next((s for s in t.spec.components if s.name == link.source), None)
            if source is not None and source.kind == "alb":
                return source
    return None


def add_alb(t: Template, c: Component) -> None:
    """An Application Load Balancer in the public subnets with an HTTP listener.

    Args:
        t: the template.
        c: the component.
    """
    network = _network(t)
    lb = t.add(
        logical(c.name, "LoadBalancer"),
        "AWS::ElasticLoadBalancingV2::LoadBalancer",
        {
            "Type": "application",
            "Scheme": "internet-facing" if c.public else "internal",
            "Subnets": subnets_of(network, "public"),
            "SecurityGroups": [att(security_group_id(c), "GroupId")],
            "Tags": t.tags(c.name),
        },
    )
    t.component_resource[c.name] = lb
    t.output(logical(c.name, "Url"), sub(f"http://${{{lb}.DNSName}}"), f"{c.name} address")


def _target_group(t: Template, lb: Component, target: Component, target_type: str) -> str:
    group = t.add(
        logical(target.name, "TargetGroup"),
        "AWS::ElasticLoadBalancingV2::TargetGroup",
        {
            "VpcId": ref("Vpc"),
            "Port": target.port or 80,
            "Protocol": "HTTP",
            "TargetType": target_type,
            "HealthCheckPath": "/",
            "Tags": t.tags(f"{target.name}-tg"),
        },
    )
    t.add(
        logical(lb.name, "Listener"),
        "AWS::ElasticLoadBalancingV2::Listener",
        {
            "LoadBalancerArn": ref(t.component_resource[lb.name]),
            "Port": lb.port or 80,
            "Protocol": "HTTP",
            "DefaultActions": [{"Type": "forward", "TargetGroupArn": ref(group)}],
        },
    )
    return group


def add_asg(t: Template, c: Component) -> None:
    """A launch template and Auto Scaling group across the app subnets.

    Args:
        t: the template.
        c: the component.
    """
    network = _network(t)
    t.parameters[IMAGE_PARAMETER] = {
        "Type": "AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>",
        "Default": "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64",
        "Description": "AMI of the web servers (latest Amazon Linux 2023 by default).",
    }
    role = add_role(t, c)
    profile = t.add(
        logical(c.name, "InstanceProfile"), "AWS::IAM::InstanceProfile", {"Roles": [ref(role)]}
    )
    template = t.add(
        logical(c.name, "LaunchTemplate"),
        "AWS::EC2::LaunchTemplate",
        {
            "LaunchTemplateData": {
                "ImageId": ref(IMAGE_PARAMETER),
                "InstanceType": c.instance_type,
                "IamInstanceProfile": {"Arn": att(profile, "Arn")},
                "SecurityGroupIds": [att(security_group_id(c), "GroupId")],
                "MetadataOptions": {"HttpTokens": "required"},
                "BlockDeviceMappings": [
                    {
                        "DeviceName": "/dev/xvda",
                        "Ebs": {
                            "VolumeSize": c.storage_gb or 20,
                            "VolumeType": "gp3",
                            "Encrypted": c.encrypted,
                            "DeleteOnTermination": True,
                        },
                    }
                ],
            },
        },
    )
    properties: Json = {
        "MinSize": str(c.count),
        "MaxSize": str(c.max_count or c.count),
        "DesiredCapacity": str(c.count),
        "VPCZoneIdentifier": subnets_of(network, "app"),
        "LaunchTemplate": {
            "LaunchTemplateId": ref(template),
            "Version": att(template, "LatestVersionNumber"),
        },
        "Tags": [{**tag, "PropagateAtLaunch": True} for tag in t.tags(c.name)],
    }
    lb = fronted_by(t, c)
    if lb is not None:
        properties["TargetGroupARNs"] = [ref(_target_group(t, lb, c, "instance"))]
        properties["HealthCheckType"] = "ELB"
        properties["HealthCheckGracePeriod"] = 300
    group = t.add(
        logical(c.name, "AutoScalingGroup"), "AWS::AutoScaling::AutoScalingGroup", properties
    )
    t.component_resource[c.name] = group


def add_fargate(t: Template, c: Component) -> None:
    """An ECS cluster, task definition and Fargate service in the app subnets.

    Args:
        t: the template.
        c: the component.
    """
    network = _network(t)
    t.parameters[CONTAINER_PARAMETER] = {
        "Type": "String",
        "Default": "public.ecr.aws/nginx/nginx:stable",
        "Description": "Container image the tasks run.",
    }
    logs = t.add(logical(c.name, "Logs"), "AWS::Logs::LogGroup", {"RetentionInDays": 30})
    execution = logical(c.name, "ExecutionRole")
    t.add(
        execution,
        "AWS::IAM::Role",
        {
            "AssumeRolePolicyDocument": {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"Service": "ecs-tasks.amazonaws.com"},
                        "Action": "sts:AssumeRole",
                    }
                ],
            },
            "Policies": [
                {
                    "PolicyName": f"{c.name}-logs",
                    "PolicyDocument": {"Version": "2012-10-17", "Statement": [log_statement(logs)]},
                }
            ],
            "Tags": t.tags(f"{c.name}-execution"),
        },
    )
    role = add_role(t, c)
    cluster = t.add(logical(c.name, "Cluster"), "AWS::ECS::Cluster", {"Tags": t.tags(c.name)})
    task = t.add(
        logical(c.name, "TaskDefinition"),
        "AWS::ECS::TaskDefinition",
        {
            "Family": f"{t.spec.name}-{c.name}",
            "NetworkMode": "awsvpc",
            "RequiresCompatibilities": ["FARGATE"],
            "Cpu": str(int((c.vcpu or 1) * 1024)),
            "Memory": str(c.memory_mb or 2048),
            "ExecutionRoleArn": att(execution, "Arn"),
            "TaskRoleArn": att(role, "Arn"),
            "ContainerDefinitions": [
                {
                    "Name": c.name,
                    "Image": ref(CONTAINER_PARAMETER),
                    "Essential": True,
                    "PortMappings": [{"ContainerPort": c.port or 80}] if c.port else [],
                    "LogConfiguration": {
                        "LogDriver": "awslogs",
                        "Options": {
                            "awslogs-group": ref(logs),
                            "awslogs-region": ref("AWS::Region"),
                            "awslogs-stream-prefix": c.name,
                        },
                    },
                }
            ],
            "Tags": t.tags(f"{c.name}-task"),
        },
    )
    properties: Json = {
        "Cluster": ref(cluster),
        "LaunchType": "FARGATE",
        "DesiredCount": c.count,
        "TaskDefinition": ref(task),
        "NetworkConfiguration": {
            "AwsvpcConfiguration": {
                "Subnets": subnets_of(network, "app"),
                "AssignPublicIp": "DISABLED",
                "SecurityGroups": [att(security_group_id(c), "GroupId")],
            }
        },
        "Tags": t.tags(c.name),
    }
    extra: Json = {}
    lb = fronted_by(t, c)
    if lb is not None:
        group = _target_group(t, lb, c, "ip")
        properties["LoadBalancers"] = [
            {"ContainerName": c.name, "ContainerPort": c.port or 80, "TargetGroupArn": ref(group)}
        ]
        extra["DependsOn"] = logical(lb.name, "Listener")
    service = t.add(logical(c.name, "Service"), "AWS::ECS::Service", properties, **extra)
    t.component_resource[c.name] = service


def add_lambda(t: Template, c: Component) -> None:
    """A Lambda function with its own log group, role and declared triggers.

    Args:
        t: the template.
        c: the component.
    """
    name = f"{t.spec.name}-{c.name}"
    logs = t.add(
        logical(c.name, "Logs"),
        "AWS::Logs::LogGroup",
        {
            "LogGroupName": f"/aws/lambda/{name}",
            "RetentionInDays": 30,
        },
    )
    role = add_role(t, c, [log_statement(logs)])
    function = t.add(
        logical(c.name, "Function"),
        "AWS::Lambda::Function",
        {
            "FunctionName": name,
            "Runtime": "python3.12",
            "Handler": "index.handler",
            "Code": {"ZipFile": HANDLER_CODE},
            "MemorySize": c.memory_mb or 512,
            "Timeout": 60,
            "Role": att(role, "Arn"),
            "Tags": t.tags(c.name),
        },
        DependsOn=logs,
    )
    t.component_resource[c.name] = function
    for link in t.spec.connections:
        if link.source == c.name and link.access == "consume":
            queue = t.component_resource[link.target]
            t.add(
                logical(f"{link.target}-to-{c.name}", "Trigger"),
                "AWS::Lambda::EventSourceMapping",
                {
                    "EventSourceArn": att(queue, "Arn"),
                    "FunctionName": ref(function),
                    "BatchSize": 10,
                },
                DependsOn=role,
            )
