"""Access generated from the declared connections only: security group rules for network
connections, least-privilege IAM statements for the others."""

from __future__ import annotations

from typing import Any

from tools.architecture.cfn.base import Json, Template, att, logical, ref, sub
from tools.architecture.cfn.network import VPC
from tools.architecture.spec import INTERNET, Component, Connection

GRANTS: dict[tuple[str, str], tuple[str, ...]] = {
    ("dynamodb", "write"): (
        "dynamodb:GetItem",
        "dynamodb:PutItem",
        "dynamodb:UpdateItem",
        "dynamodb:DeleteItem",
        "dynamodb:Query",
        "dynamodb:BatchGetItem",
        "dynamodb:BatchWriteItem",
    ),
    ("dynamodb", "read"): ("dynamodb:GetItem", "dynamodb:Query", "dynamodb:BatchGetItem"),
    ("s3", "read"): ("s3:GetObject",),
    ("s3", "write"): ("s3:PutObject", "s3:AbortMultipartUpload"),
    ("sqs", "consume"): (
        "sqs:ReceiveMessage",
        "sqs:DeleteMessage",
        "sqs:ChangeMessageVisibility",
        "sqs:GetQueueAttributes",
    ),
    ("sqs", "write"): ("sqs:SendMessage",),
    ("sns", "publish"): ("sns:Publish",),
}
"""(target kind, access) -> the only actions a component's role gets for that connection."""
TRUST = {
    "asg": "ec2.amazonaws.com",
    "fargate": "ecs-tasks.amazonaws.com",
    "lambda": "lambda.amazonaws.com",
}


def security_group_id(component: Component) -> str:
    """Logical id of a component's security group.

    Args:
        component: an in-VPC component.
    """
    return logical(component.name, "SecurityGroup")


def add_security_groups(t: Template) -> None:
    """One group per in-VPC component; ingress only from its declared connections.

    Args:
        t: the template.
    """
    spec = t.spec
    for component in spec.components:
        if not component.in_vpc:
            continue
        group = security_group_id(component)
        t.security_groups[component.name] = group
        t.add(
            group,
            "AWS::EC2::SecurityGroup",
            {
                "GroupDescription": (
                    f"{spec.name} {component.name} ({component.kind}): declared connections only"
                ),
                "VpcId": ref(VPC),
                "SecurityGroupIngress": _world_rules(spec.connections, component),
                "Tags": t.tags(f"{component.name}-sg"),
            },
        )
    for link in spec.connections:
        if link.access != "network" or link.source == INTERNET or link.port == 0:
            continue
        source, target = spec.component(link.source), spec.component(link.target)
        if not (source.in_vpc and target.in_vpc):
            continue
        t.add(
            logical(f"{link.source}-to-{link.target}", f"Port{link.port}"),
            "AWS::EC2::SecurityGroupIngress",
            {
                "GroupId": att(security_group_id(target), "GroupId"),
                "SourceSecurityGroupId": att(security_group_id(source), "GroupId"),
                "IpProtocol": "tcp",
                "FromPort": link.port,
                "ToPort": link.port,
                "Description": (
                    f"{link.source} to {link.target}: {link.why or 'declared connection'}"
                ),
            },
        )


def _world_rules(connections: list[Connection], component: Component) -> list[Json]:
    ports = [c.port for c in connections if c.source == INTERNET and c.target == component.name]
    rules = [
        {
            "IpProtocol": "tcp",
            "FromPort": p,
            "ToPort": p,
            "CidrIp": "0.0.0.0/0",
            "Description": f"internet to {component.name}",
        }
        for p in dict.fromkeys(ports)
    ]
    rules += [
        {
            "IpProtocol": "tcp",
            "FromPort": p,
            "ToPort": p,
            "CidrIp": "0.0.0.0/0",
            "Description": f"port {p} open to the world (as requested)",
        }
        for p in component.open_to_world
        if p not in ports
    ]
    return rules


def target_arn(t: Template, component: Component, access: str) -> Any:
    """The ARN an IAM statement is scoped to for one connection target.

    Args:
        t: the template.
        component: the target.
        access: the access kind (S3 objects get ``/*``).
    """
    resource = t.component_resource[component.name]
    if component.kind == "s3":
        return sub(f"${{{resource}.Arn}}/*")
    if component.kind == "sns":
        return ref(resource)
    return att(resource, "Arn")


def statements_for(t: Template, component: Component) -> list[Json]:
    """IAM statements a component's role needs for its outgoing connections, nothing more.

    Args:
        t: the template.
        component: the caller.
    """
    spec = t.spec
    found = []
    for link in spec.connections:
        if link.source != component.name or link.access in ("network", "invoke", "notify"):
            continue
        target = spec.component(link.target)
        actions = GRANTS.get((target.kind, link.access))
        if actions is None:
            raise ValueError(f"no grant for {link.access} on {target.kind}")
        found.append(
            {
                "Effect": "Allow",
                "Action": list(actions),
                "Resource": target_arn(t, target, link.access),
            }
        )
    return found


def add_role(t: Template, component: Component, extra: list[Json] | None = None) -> str:
    """The component's IAM role: trusted by its service, with only its connections' grants.

    Args:
        t: the template.
        component: asg, fargate (task role) or lambda.
        extra: statements the service itself needs (e.g. its own log group).
    """
    role = logical(component.name, "Role")
    statements = statements_for(t, component) + list(extra or [])
    properties: Json = {
        "AssumeRolePolicyDocument": {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Service": TRUST[component.kind]},
                    "Action": "sts:AssumeRole",
                }
            ],
        },
        "Tags": t.tags(f"{component.name}-role"),
    }
    if statements:
        properties["Policies"] = [
            {
                "PolicyName": f"{component.name}-least-privilege",
                "PolicyDocument": {"Version": "2012-10-17", "Statement": statements},
            }
        ]
    t.add(role, "AWS::IAM::Role", properties)
    t.roles[component.name] = role
    return role


def log_statement(group: str) -> Json:
    """Writing to one log group only.

    Args:
        group: logical id of the log group.
    """
    return {
        "Effect": "Allow",
        "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
        "Resource": att(group, "Arn"),
    }
