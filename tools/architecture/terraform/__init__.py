"""Terraform export (HCL) of a generated CloudFormation template.

Export only: CloudFormation is what deploys. Every CloudFormation resource becomes the AWS
provider resource(s) standing for it (``expected_resources`` states the mapping), with the same
CIDRs, parameters as variables and outputs; ``python-hcl2`` writes the text and reads it back.
"""

from __future__ import annotations

import json
from typing import Any

import hcl2

from tools.architecture.terraform import resources as base
from tools.architecture.terraform import services as managed
from tools.architecture.terraform.resources import Translator, primary_type
from tools.architecture.terraform.values import Json, Refs, block, snake

TRANSLATORS: dict[str, Translator] = {
    "AWS::EC2::VPC": base._simple("CidrBlock", "EnableDnsHostnames", "EnableDnsSupport"),
    "AWS::EC2::Subnet": base._simple(
        "VpcId", "CidrBlock", "AvailabilityZone", "MapPublicIpOnLaunch"
    ),
    "AWS::EC2::InternetGateway": base._simple(),
    "AWS::EC2::VPCGatewayAttachment": base._simple("VpcId", "InternetGatewayId"),
    "AWS::EC2::RouteTable": base._simple("VpcId"),
    "AWS::EC2::Route": base._simple(
        "RouteTableId", "DestinationCidrBlock", "GatewayId", "NatGatewayId"
    ),
    "AWS::EC2::SubnetRouteTableAssociation": base._simple("SubnetId", "RouteTableId"),
    "AWS::EC2::EIP": base._simple("Domain"),
    "AWS::EC2::NatGateway": base._simple("SubnetId", "AllocationId"),
    "AWS::EC2::VPCEndpoint": base._simple(
        "VpcId", "VpcEndpointType", "ServiceName", "RouteTableIds"
    ),
    "AWS::EC2::SecurityGroup": base._security_group,
    "AWS::EC2::SecurityGroupIngress": base._ingress,
    "AWS::EC2::LaunchTemplate": base._launch_template,
    "AWS::ElasticLoadBalancingV2::LoadBalancer": base._load_balancer,
    "AWS::ElasticLoadBalancingV2::TargetGroup": base._target_group,
    "AWS::ElasticLoadBalancingV2::Listener": base._listener,
    "AWS::AutoScaling::AutoScalingGroup": base._asg,
    "AWS::IAM::Role": base._role,
    "AWS::IAM::InstanceProfile": base._profile,
    "AWS::Logs::LogGroup": managed.log_group,
    "AWS::ECS::Cluster": managed.ecs_cluster,
    "AWS::ECS::TaskDefinition": managed.task_definition,
    "AWS::ECS::Service": managed.ecs_service,
    "AWS::Lambda::Function": managed.function,
    "AWS::Lambda::EventSourceMapping": base._simple("EventSourceArn", "FunctionName", "BatchSize"),
    "AWS::Lambda::Permission": base._simple("Action", "FunctionName", "Principal", "SourceArn"),
    "AWS::ApiGateway::RestApi": base._simple("Name"),
    "AWS::ApiGateway::Resource": base._simple("RestApiId", "ParentId", "PathPart"),
    "AWS::ApiGateway::Method": managed.api_method,
    "AWS::ApiGateway::Deployment": managed.api_deployment,
    "AWS::RDS::DBSubnetGroup": base._simple("SubnetIds", DBSubnetGroupDescription="description"),
    "AWS::RDS::DBInstance": managed.db_instance,
    "AWS::RDS::DBCluster": managed.db_cluster,
    "AWS::ElastiCache::SubnetGroup": managed.cache_subnets,
    "AWS::ElastiCache::ReplicationGroup": managed.replication_group,
    "AWS::DynamoDB::Table": managed.table,
    "AWS::S3::Bucket": managed.bucket,
    "AWS::S3::BucketPolicy": managed.bucket_policy,
    "AWS::SQS::Queue": managed.queue,
    "AWS::SQS::QueuePolicy": managed.queue_policy,
    "AWS::SNS::Topic": base._simple("KmsMasterKeyId"),
    "AWS::SNS::Subscription": managed.subscription,
    "AWS::CloudFront::OriginAccessControl": managed.origin_access,
    "AWS::CloudFront::Distribution": managed.distribution,
}
EXTRA_RESOURCES: dict[str, tuple[str, ...]] = {
    "AWS::ApiGateway::Method": ("aws_api_gateway_integration",),
    "AWS::ApiGateway::Deployment": ("aws_api_gateway_stage",),
    "AWS::S3::Bucket": (
        "aws_s3_bucket_public_access_block",
        "aws_s3_bucket_ownership_controls",
        "aws_s3_bucket_versioning",
    ),
}
"""Settings the AWS provider keeps as separate resources (one CloudFormation resource, several)."""


def expected_resources(template: Json) -> set[tuple[str, str]]:
    """The ``(terraform type, name)`` pairs a template's export must contain, and only those.

    Args:
        template: the CloudFormation template.
    """
    found = set()
    for logical_id, resource in template["Resources"].items():
        name = snake(logical_id)
        found.add((primary_type(resource), name))
        found |= {(kind, name) for kind in EXTRA_RESOURCES.get(resource["Type"], ())}
        props = resource["Properties"]
        if resource["Type"] == "AWS::S3::Bucket":
            if "BucketEncryption" in props:
                found.add(("aws_s3_bucket_server_side_encryption_configuration", name))
            if props.get("NotificationConfiguration"):
                found.add(("aws_s3_bucket_notification", name))
    return found


def to_hcl(template: Json, stack_name: str, region: str) -> str:
    """The template as Terraform HCL.

    Args:
        template: the CloudFormation template.
        stack_name: name the resources are prefixed with (``local.stack_name``).
        region: provider region.
    """
    parameters = template.get("Parameters", {})
    refs = Refs({lid: primary_type(r) for lid, r in template["Resources"].items()}, set(parameters))
    made: list[dict[str, Any]] = []
    for logical_id, resource in template["Resources"].items():
        for kind, name, body in TRANSLATORS[resource["Type"]](refs, logical_id, resource):
            made.append({json.dumps(kind): {json.dumps(name): block(**body)}})
    document: Json = {
        "terraform": [
            block(
                required_providers=[
                    block(aws=refs.value({"source": "hashicorp/aws", "version": ">= 5.40"}))
                ]
            )
        ],
        "provider": [{'"aws"': block(region=refs.value(region))}],
        "locals": [block(stack_name=refs.value(stack_name))],
        "variable": [
            {
                json.dumps(snake(name)): block(
                    type="${string}",
                    default=refs.value(_default(p)),
                    description=refs.value(p.get("Description", name)),
                )
            }
            for name, p in parameters.items()
        ],
        "data": _data_sources(template),
        "resource": made,
        "output": [
            {
                json.dumps(snake(name)): block(
                    value=refs.value(o["Value"]), description=refs.value(o["Description"])
                )
            }
            for name, o in template.get("Outputs", {}).items()
        ],
    }
    if not document["variable"]:
        del document["variable"]
    return hcl2.dumps(document)


def _default(parameter: Json) -> str:
    if parameter["Type"].startswith("AWS::SSM::Parameter::Value"):
        return "resolve:ssm:" + str(parameter["Default"])
    return str(parameter["Default"])


def _data_sources(template: Json) -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = [
        {'"aws_region"': {'"current"': block()}},
        {'"aws_caller_identity"': {'"current"': block()}},
        {'"aws_partition"': {'"current"': block()}},
    ]
    for logical_id, resource in template["Resources"].items():
        if resource["Type"] == "AWS::Lambda::Function":
            code = resource["Properties"]["Code"]["ZipFile"]
            name = snake(logical_id)
            data.append(
                {
                    '"archive_file"': {
                        json.dumps(name): block(
                            type='"zip"',
                            output_path='"${path.module}/' + name + '.zip"',
                            source=[block(content=json.dumps(code), filename='"index.py"')],
                        )
                    }
                }
            )
    return data


def parsed_resources(hcl_text: str) -> set[tuple[str, str]]:
    """The ``(type, name)`` pairs python-hcl2 reads back from exported HCL.

    Args:
        hcl_text: the exported text.
    """
    found = set()
    for entry in hcl2.loads(hcl_text).get("resource", []):
        for kind, named in entry.items():
            for name in named:
                found.add((kind.strip('"'), name.strip('"')))
    return found
