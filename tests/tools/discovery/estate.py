"""A small moto estate with every relationship discovery must find."""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from core.aws import AwsClients
from core.clock import Clock

REGION = "us-east-1"
AMI = "ami-12c6146b"
TRUST = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": ["ec2.amazonaws.com", "lambda.amazonaws.com"]},
                "Action": "sts:AssumeRole",
            }
        ],
    }
)


@dataclass
class Estate:
    """Ids of what was seeded."""

    ids: dict[str, str] = field(default_factory=dict)

    def __getitem__(self, key: str) -> str:
        return self.ids[key]


def _tags(name: str, **extra: str) -> list[dict[str, Any]]:
    tags = [{"Key": "Name", "Value": name}, *({"Key": k, "Value": v} for k, v in extra.items())]
    return [{"ResourceType": "x", "Tags": tags}]


def _spec(kind: str, name: str, **extra: str) -> list[dict[str, Any]]:
    spec = _tags(name, **extra)
    spec[0]["ResourceType"] = kind
    return spec


def _lambda_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("handler.py", "def handler(event, context):\n    return event\n")
    return buffer.getvalue()


def seed(aws: AwsClients) -> Estate:
    """Seed the estate in the primary account's us-east-1 (plus one VPC in eu-west-1)."""
    estate = Estate()
    ids = estate.ids
    ec2 = aws.client("ec2", REGION)
    _network(ec2, ids)
    _security_groups(ec2, ids)
    _compute(aws, ec2, ids)
    _load_balancer(aws, ids)
    _database(aws, ids)
    _storage_and_functions(aws, ids)
    _containers_and_cache(aws, ids)
    _api(aws, ids)
    west = aws.client("ec2", "eu-west-1")
    ids["west_vpc"] = west.create_vpc(
        CidrBlock="10.0.128.0/18", TagSpecifications=_spec("vpc", "analytics-vpc", env="staging")
    )["Vpc"]["VpcId"]
    return estate


def _network(ec2: Any, ids: dict[str, str]) -> None:
    ids["vpc"] = ec2.create_vpc(
        CidrBlock="10.0.0.0/16", TagSpecifications=_spec("vpc", "prod-vpc", env="prod")
    )["Vpc"]["VpcId"]
    for key, cidr, zone in (
        ("public_a", "10.0.1.0/24", "us-east-1a"),
        ("public_b", "10.0.2.0/24", "us-east-1b"),
        ("private_a", "10.0.10.0/24", "us-east-1a"),
        ("private_b", "10.0.11.0/24", "us-east-1b"),
    ):
        ids[key] = ec2.create_subnet(
            VpcId=ids["vpc"],
            CidrBlock=cidr,
            AvailabilityZone=zone,
            TagSpecifications=_spec("subnet", key, env="prod"),
        )["Subnet"]["SubnetId"]
    ids["igw"] = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=ids["igw"], VpcId=ids["vpc"])
    ids["nat_eip"] = ec2.allocate_address(Domain="vpc")["AllocationId"]
    ids["nat"] = ec2.create_nat_gateway(SubnetId=ids["public_a"], AllocationId=ids["nat_eip"])[
        "NatGateway"
    ]["NatGatewayId"]
    public_rt = ec2.create_route_table(VpcId=ids["vpc"])["RouteTable"]["RouteTableId"]
    ec2.create_route(RouteTableId=public_rt, DestinationCidrBlock="0.0.0.0/0", GatewayId=ids["igw"])
    private_rt = ec2.create_route_table(VpcId=ids["vpc"])["RouteTable"]["RouteTableId"]
    ec2.create_route(
        RouteTableId=private_rt, DestinationCidrBlock="0.0.0.0/0", NatGatewayId=ids["nat"]
    )
    for subnet in ("public_a", "public_b"):
        ec2.associate_route_table(RouteTableId=public_rt, SubnetId=ids[subnet])
    for subnet in ("private_a", "private_b"):
        ec2.associate_route_table(RouteTableId=private_rt, SubnetId=ids[subnet])


def _group(ec2: Any, ids: dict[str, str], name: str) -> str:
    group_id = ec2.create_security_group(GroupName=name, Description=name, VpcId=ids["vpc"])[
        "GroupId"
    ]
    ids[name] = group_id
    return str(group_id)


def _security_groups(ec2: Any, ids: dict[str, str]) -> None:
    web = _group(ec2, ids, "web-sg")
    ssh = _group(ec2, ids, "ssh-open")
    db = _group(ec2, ids, "db-sg")
    _group(ec2, ids, "unused-sg")
    world = [{"CidrIp": "0.0.0.0/0"}]
    ec2.authorize_security_group_ingress(
        GroupId=web,
        IpPermissions=[
            {"IpProtocol": "tcp", "FromPort": 80, "ToPort": 80, "IpRanges": world},
            {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": world},
        ],
    )
    ec2.authorize_security_group_ingress(
        GroupId=ssh,
        IpPermissions=[{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": world}],
    )
    ec2.authorize_security_group_ingress(
        GroupId=db,
        IpPermissions=[
            {
                "IpProtocol": "tcp",
                "FromPort": 5432,
                "ToPort": 5432,
                "UserIdGroupPairs": [{"GroupId": web}],
            }
        ],
    )


def _compute(aws: AwsClients, ec2: Any, ids: dict[str, str]) -> None:
    iam = aws.client("iam", REGION)
    ids["role"] = iam.create_role(
        RoleName="app-role",
        AssumeRolePolicyDocument=TRUST,
        Tags=[{"Key": "team", "Value": "platform"}, {"Key": "env", "Value": "prod"}],
    )["Role"]["Arn"]
    profile = iam.create_instance_profile(InstanceProfileName="app-profile")["InstanceProfile"]
    iam.add_role_to_instance_profile(InstanceProfileName="app-profile", RoleName="app-role")
    ids["profile"] = profile["Arn"]
    for name, subnet in (("web-1", "public_a"), ("web-2", "public_b")):
        ids[name] = ec2.run_instances(
            ImageId=AMI,
            MinCount=1,
            MaxCount=1,
            InstanceType="t3.micro",
            NetworkInterfaces=[
                {
                    "DeviceIndex": 0,
                    "SubnetId": ids[subnet],
                    "Groups": [ids["web-sg"], ids["ssh-open"]],
                    "AssociatePublicIpAddress": True,
                }
            ],
            IamInstanceProfile={"Name": "app-profile"},
            TagSpecifications=_spec("instance", name, env="prod", team="web"),
        )["Instances"][0]["InstanceId"]
    ids["old-data"] = ec2.create_volume(
        AvailabilityZone="us-east-1a",
        Size=100,
        VolumeType="gp2",
        TagSpecifications=_spec("volume", "old-data", env="prod"),
    )["VolumeId"]
    ids["spare-ip"] = ec2.allocate_address(
        Domain="vpc", TagSpecifications=_spec("elastic-ip", "spare-ip", env="prod")
    )["AllocationId"]
    ids["snapshot"] = ec2.create_snapshot(VolumeId=ids["old-data"], Description="nightly")[
        "SnapshotId"
    ]


def _load_balancer(aws: AwsClients, ids: dict[str, str]) -> None:
    elb = aws.client("elbv2", REGION)
    lb = elb.create_load_balancer(
        Name="web-alb",
        Subnets=[ids["public_a"], ids["public_b"]],
        SecurityGroups=[ids["web-sg"]],
        Scheme="internet-facing",
        Tags=[{"Key": "env", "Value": "prod"}],
    )["LoadBalancers"][0]["LoadBalancerArn"]
    tg = elb.create_target_group(
        Name="web-tg", Protocol="HTTP", Port=80, VpcId=ids["vpc"], TargetType="instance"
    )["TargetGroups"][0]["TargetGroupArn"]
    elb.register_targets(TargetGroupArn=tg, Targets=[{"Id": ids["web-1"]}, {"Id": ids["web-2"]}])
    elb.create_listener(
        LoadBalancerArn=lb,
        Protocol="HTTP",
        Port=80,
        DefaultActions=[{"Type": "forward", "TargetGroupArn": tg}],
    )
    ids["alb"], ids["tg"] = lb, tg


def _database(aws: AwsClients, ids: dict[str, str]) -> None:
    rds = aws.client("rds", REGION)
    rds.create_db_subnet_group(
        DBSubnetGroupName="db-subnets",
        DBSubnetGroupDescription="private",
        SubnetIds=[ids["private_a"], ids["private_b"]],
    )
    ids["db"] = rds.create_db_instance(
        DBInstanceIdentifier="db-prod",
        DBInstanceClass="db.m5.large",
        Engine="postgres",
        AllocatedStorage=100,
        MultiAZ=True,
        MasterUsername="admin",
        MasterUserPassword="password123",
        DBSubnetGroupName="db-subnets",
        VpcSecurityGroupIds=[ids["db-sg"]],
        Tags=[{"Key": "env", "Value": "prod"}],
    )["DBInstance"]["DBInstanceArn"]


def _storage_and_functions(aws: AwsClients, ids: dict[str, str]) -> None:
    s3 = aws.client("s3", REGION)
    s3.create_bucket(Bucket="cf-test-logs")
    s3.put_bucket_tagging(
        Bucket="cf-test-logs", Tagging={"TagSet": [{"Key": "env", "Value": "prod"}]}
    )
    s3.create_bucket(Bucket="cf-test-public")
    s3.put_bucket_acl(Bucket="cf-test-public", ACL="public-read")
    ddb = aws.client("dynamodb", REGION)
    table = ddb.create_table(
        TableName="uploads",
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"},
    )["TableDescription"]
    ids["table"] = table["TableArn"]
    fn = aws.client("lambda", REGION).create_function(
        FunctionName="thumbnailer",
        Runtime="python3.12",
        Role=ids["role"],
        Handler="handler.handler",
        Code={"ZipFile": _lambda_zip()},
        VpcConfig={"SubnetIds": [ids["private_a"]], "SecurityGroupIds": [ids["web-sg"]]},
        Tags={"env": "prod"},
    )
    ids["lambda"] = fn["FunctionArn"]
    aws.client("lambda", REGION).create_event_source_mapping(
        EventSourceArn=table["LatestStreamArn"],
        FunctionName="thumbnailer",
        StartingPosition="LATEST",
    )


def _containers_and_cache(aws: AwsClients, ids: dict[str, str]) -> None:
    ecs = aws.client("ecs", REGION)
    ids["ecs_cluster"] = ecs.create_cluster(
        clusterName="apps", tags=[{"key": "env", "value": "prod"}]
    )["cluster"]["clusterArn"]
    ecs.register_task_definition(
        family="orders",
        networkMode="awsvpc",
        requiresCompatibilities=["FARGATE"],
        cpu="256",
        memory="512",
        containerDefinitions=[{"name": "orders", "image": "nginx", "memory": 512}],
    )
    ids["ecs_service"] = ecs.create_service(
        cluster="apps",
        serviceName="orders",
        taskDefinition="orders",
        desiredCount=2,
        launchType="FARGATE",
        networkConfiguration={
            "awsvpcConfiguration": {
                "subnets": [ids["private_a"], ids["private_b"]],
                "securityGroups": [ids["web-sg"]],
                "assignPublicIp": "DISABLED",
            }
        },
        tags=[{"key": "env", "value": "prod"}, {"key": "team", "value": "orders"}],
    )["service"]["serviceArn"]
    cache = aws.client("elasticache", REGION)
    cache.create_cache_subnet_group(
        CacheSubnetGroupName="cache-subnets",
        CacheSubnetGroupDescription="private",
        SubnetIds=[ids["private_a"], ids["private_b"]],
    )
    ids["cache"] = cache.create_cache_cluster(
        CacheClusterId="sessions",
        Engine="redis",
        CacheNodeType="cache.t3.micro",
        NumCacheNodes=1,
        CacheSubnetGroupName="cache-subnets",
        SecurityGroupIds=[ids["db-sg"]],
        Tags=[{"Key": "env", "Value": "prod"}],
    )["CacheCluster"]["ARN"]


def _api(aws: AwsClients, ids: dict[str, str]) -> None:
    """A REST API: POST /thumbnails proxies to thumbnailer's ``live`` alias; GET / is a mock."""
    functions = aws.client("lambda", REGION)
    version = functions.publish_version(FunctionName="thumbnailer")["Version"]
    alias = functions.create_alias(FunctionName="thumbnailer", Name="live", FunctionVersion=version)
    api = aws.client("apigateway", REGION)
    api_id = api.create_rest_api(
        name="thumbnails-api",
        description="thumbnail uploads",
        tags={"env": "prod"},
        endpointConfiguration={"types": ["REGIONAL"]},
    )["id"]
    root = api.get_resources(restApiId=api_id)["items"][0]["id"]
    api.put_method(restApiId=api_id, resourceId=root, httpMethod="GET", authorizationType="NONE")
    api.put_integration(restApiId=api_id, resourceId=root, httpMethod="GET", type="MOCK")
    path = api.create_resource(restApiId=api_id, parentId=root, pathPart="thumbnails")["id"]
    api.put_method(restApiId=api_id, resourceId=path, httpMethod="POST", authorizationType="NONE")
    api.put_integration(
        restApiId=api_id,
        resourceId=path,
        httpMethod="POST",
        type="AWS_PROXY",
        integrationHttpMethod="POST",
        uri=f"arn:aws:apigateway:{REGION}:lambda:path/2015-03-31/functions/"
        f"{alias['AliasArn']}/invocations",
    )
    ids["api"] = f"arn:aws:apigateway:{REGION}::/restapis/{api_id}"


def old(days: int) -> datetime:
    """A UTC time ``days`` ago."""
    return Clock().now() - timedelta(days=days)
