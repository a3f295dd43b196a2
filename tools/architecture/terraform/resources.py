"""One translator per CloudFormation type: the Terraform resource(s) standing for it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tools.architecture.terraform.values import Json, Refs, block, snake, tags_of

Made = list[tuple[str, str, Json]]
Translator = Callable[[Refs, str, Json], Made]
PRIMARY: dict[str, str] = {
    "AWS::EC2::VPC": "aws_vpc",
    "AWS::EC2::Subnet": "aws_subnet",
    "AWS::EC2::InternetGateway": "aws_internet_gateway",
    "AWS::EC2::VPCGatewayAttachment": "aws_internet_gateway_attachment",
    "AWS::EC2::RouteTable": "aws_route_table",
    "AWS::EC2::Route": "aws_route",
    "AWS::EC2::SubnetRouteTableAssociation": "aws_route_table_association",
    "AWS::EC2::EIP": "aws_eip",
    "AWS::EC2::NatGateway": "aws_nat_gateway",
    "AWS::EC2::VPCEndpoint": "aws_vpc_endpoint",
    "AWS::EC2::SecurityGroup": "aws_security_group",
    "AWS::EC2::SecurityGroupIngress": "aws_vpc_security_group_ingress_rule",
    "AWS::EC2::LaunchTemplate": "aws_launch_template",
    "AWS::ElasticLoadBalancingV2::LoadBalancer": "aws_lb",
    "AWS::ElasticLoadBalancingV2::TargetGroup": "aws_lb_target_group",
    "AWS::ElasticLoadBalancingV2::Listener": "aws_lb_listener",
    "AWS::AutoScaling::AutoScalingGroup": "aws_autoscaling_group",
    "AWS::IAM::Role": "aws_iam_role",
    "AWS::IAM::InstanceProfile": "aws_iam_instance_profile",
    "AWS::Logs::LogGroup": "aws_cloudwatch_log_group",
    "AWS::ECS::Cluster": "aws_ecs_cluster",
    "AWS::ECS::TaskDefinition": "aws_ecs_task_definition",
    "AWS::ECS::Service": "aws_ecs_service",
    "AWS::Lambda::Function": "aws_lambda_function",
    "AWS::Lambda::EventSourceMapping": "aws_lambda_event_source_mapping",
    "AWS::Lambda::Permission": "aws_lambda_permission",
    "AWS::ApiGateway::RestApi": "aws_api_gateway_rest_api",
    "AWS::ApiGateway::Resource": "aws_api_gateway_resource",
    "AWS::ApiGateway::Method": "aws_api_gateway_method",
    "AWS::ApiGateway::Deployment": "aws_api_gateway_deployment",
    "AWS::RDS::DBSubnetGroup": "aws_db_subnet_group",
    "AWS::RDS::DBInstance": "aws_db_instance",
    "AWS::RDS::DBCluster": "aws_rds_cluster",
    "AWS::ElastiCache::SubnetGroup": "aws_elasticache_subnet_group",
    "AWS::ElastiCache::ReplicationGroup": "aws_elasticache_replication_group",
    "AWS::DynamoDB::Table": "aws_dynamodb_table",
    "AWS::S3::Bucket": "aws_s3_bucket",
    "AWS::S3::BucketPolicy": "aws_s3_bucket_policy",
    "AWS::SQS::Queue": "aws_sqs_queue",
    "AWS::SQS::QueuePolicy": "aws_sqs_queue_policy",
    "AWS::SNS::Topic": "aws_sns_topic",
    "AWS::SNS::Subscription": "aws_sns_topic_subscription",
    "AWS::CloudFront::OriginAccessControl": "aws_cloudfront_origin_access_control",
    "AWS::CloudFront::Distribution": "aws_cloudfront_distribution",
}
"""CloudFormation type -> the Terraform type its ``Ref`` and ``GetAtt`` resolve to."""
RENAMES = {"GroupDescription": "description", "IpProtocol": "ip_protocol"}


def primary_type(resource: Json) -> str:
    """The Terraform type standing for a CloudFormation resource.

    Args:
        resource: the CloudFormation resource.
    """
    if (
        resource["Type"] == "AWS::RDS::DBInstance"
        and "DBClusterIdentifier" in resource["Properties"]
    ):
        return "aws_rds_cluster_instance"
    return PRIMARY[resource["Type"]]


def _plain(refs: Refs, props: Json, *keys: str, **renamed: str) -> Json:
    """Attributes copied by snake-casing their names (``renamed`` maps CFN key -> TF name)."""
    body: Json = {}
    for key in keys:
        if key in props:
            body[RENAMES.get(key, snake(key))] = refs.value(props[key])
    for key, name in renamed.items():
        if key in props:
            body[name] = refs.value(props[key])
    return body | tags_of(refs, props)


def _simple(*keys: str, **renamed: str) -> Translator:
    def translate(refs: Refs, logical_id: str, resource: Json) -> Made:
        return [
            (
                primary_type(resource),
                snake(logical_id),
                _plain(refs, resource["Properties"], *keys, **renamed),
            )
        ]

    return translate


def _security_group(refs: Refs, logical_id: str, resource: Json) -> Made:
    props = resource["Properties"]
    body = _plain(refs, props, "VpcId", GroupDescription="description")
    body["ingress"] = [
        block(
            from_port=r["FromPort"],
            to_port=r["ToPort"],
            protocol=refs.value(r["IpProtocol"]),
            cidr_blocks=[refs.value(r["CidrIp"])],
            description=refs.value(r.get("Description", "")),
        )
        for r in props.get("SecurityGroupIngress", [])
    ]
    if not body["ingress"]:
        del body["ingress"]
    return [("aws_security_group", snake(logical_id), body)]


def _ingress(refs: Refs, logical_id: str, resource: Json) -> Made:
    props = resource["Properties"]
    body = _plain(
        refs,
        props,
        "IpProtocol",
        "FromPort",
        "ToPort",
        "Description",
        GroupId="security_group_id",
        SourceSecurityGroupId="referenced_security_group_id",
    )
    return [("aws_vpc_security_group_ingress_rule", snake(logical_id), body)]


def _load_balancer(refs: Refs, logical_id: str, resource: Json) -> Made:
    props = resource["Properties"]
    body = _plain(refs, props, "Subnets", "SecurityGroups", Type="load_balancer_type")
    body["internal"] = props.get("Scheme") == "internal"
    return [("aws_lb", snake(logical_id), body)]


def _target_group(refs: Refs, logical_id: str, resource: Json) -> Made:
    props = resource["Properties"]
    body = _plain(refs, props, "VpcId", "Port", "Protocol", "TargetType")
    body["health_check"] = [block(path=refs.value(props.get("HealthCheckPath", "/")))]
    return [("aws_lb_target_group", snake(logical_id), body)]


def _listener(refs: Refs, logical_id: str, resource: Json) -> Made:
    props = resource["Properties"]
    body = _plain(refs, props, "LoadBalancerArn", "Port", "Protocol")
    body["default_action"] = [
        block(type=refs.value(a["Type"]), target_group_arn=refs.value(a["TargetGroupArn"]))
        for a in props["DefaultActions"]
    ]
    return [("aws_lb_listener", snake(logical_id), body)]


def _role(refs: Refs, logical_id: str, resource: Json) -> Made:
    props = resource["Properties"]
    body: Json = {"assume_role_policy": refs.jsonencode(props["AssumeRolePolicyDocument"])}
    body["inline_policy"] = [
        block(name=refs.value(p["PolicyName"]), policy=refs.jsonencode(p["PolicyDocument"]))
        for p in props.get("Policies", [])
    ]
    if not body["inline_policy"]:
        del body["inline_policy"]
    return [("aws_iam_role", snake(logical_id), body | tags_of(refs, props))]


def _profile(refs: Refs, logical_id: str, resource: Json) -> Made:
    return [
        (
            "aws_iam_instance_profile",
            snake(logical_id),
            {"role": refs.value(resource["Properties"]["Roles"][0])},
        )
    ]


def _launch_template(refs: Refs, logical_id: str, resource: Json) -> Made:
    data = resource["Properties"]["LaunchTemplateData"]
    ebs = data["BlockDeviceMappings"][0]["Ebs"]
    body = {
        "image_id": refs.value(data["ImageId"]),
        "instance_type": refs.value(data["InstanceType"]),
        "vpc_security_group_ids": refs.value(data["SecurityGroupIds"]),
        "iam_instance_profile": [block(arn=refs.value(data["IamInstanceProfile"]["Arn"]))],
        "metadata_options": [block(http_tokens=refs.value(data["MetadataOptions"]["HttpTokens"]))],
        "block_device_mappings": [
            block(
                device_name=refs.value(data["BlockDeviceMappings"][0]["DeviceName"]),
                ebs=[
                    block(
                        volume_size=ebs["VolumeSize"],
                        volume_type=refs.value(ebs["VolumeType"]),
                        encrypted=ebs["Encrypted"],
                        delete_on_termination=ebs["DeleteOnTermination"],
                    )
                ],
            )
        ],
    }
    return [("aws_launch_template", snake(logical_id), body)]


def _asg(refs: Refs, logical_id: str, resource: Json) -> Made:
    props = resource["Properties"]
    body = _plain(
        refs,
        props,
        "TargetGroupARNs",
        "HealthCheckType",
        "HealthCheckGracePeriod",
        VPCZoneIdentifier="vpc_zone_identifier",
    )
    body.pop("tags", None)
    body["target_group_arns"] = body.pop("target_group_a_r_ns", refs.value([]))
    body |= {
        "min_size": int(props["MinSize"]),
        "max_size": int(props["MaxSize"]),
        "desired_capacity": int(props["DesiredCapacity"]),
    }
    template = props["LaunchTemplate"]
    body["launch_template"] = [
        block(id=refs.value(template["LaunchTemplateId"]), version=refs.value(template["Version"]))
    ]
    body["tag"] = [
        block(key=refs.value(t["Key"]), value=refs.value(t["Value"]), propagate_at_launch=True)
        for t in props["Tags"]
    ]
    return [("aws_autoscaling_group", snake(logical_id), body)]


def _named(refs: Refs, logical_id: str) -> Any:
    return refs.value({"Fn::Sub": f"${{AWS::StackName}}-{snake(logical_id).replace('_', '-')}"})
