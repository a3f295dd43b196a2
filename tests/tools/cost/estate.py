"""A small moto estate shaped like the demo estate's cost-relevant parts (us-east-1)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from core.aws import AwsClients
from core.clock import Clock

REGION = "us-east-1"
AMI = "ami-12c6146b"  # an image moto ships


@dataclass
class Estate:
    """Ids of what was created."""

    instances: dict[str, str] = field(default_factory=dict)
    volumes: dict[str, str] = field(default_factory=dict)
    addresses: dict[str, str] = field(default_factory=dict)
    nat_gateway: str = ""
    now: datetime = field(default_factory=lambda: Clock().now())


def _tags(name: str, **extra: str) -> list[dict[str, Any]]:
    pairs = {"Name": name, "env": "prod", "team": "platform", **extra}
    return [{"Key": k, "Value": v} for k, v in pairs.items()]


def _instance(ec2: Any, name: str, instance_type: str, subnet: str, **extra: Any) -> str:
    spec = [{"ResourceType": "instance", "Tags": _tags(name)}]
    raw = ec2.run_instances(
        ImageId=AMI, MinCount=1, MaxCount=1, InstanceType=instance_type, SubnetId=subnet,
        TagSpecifications=spec, **extra,
    )["Instances"][0]  # fmt: skip
    return str(raw["InstanceId"])


def _cpu(aws: AwsClients, instance_id: str, level: float, now: datetime) -> None:
    cloudwatch = aws.client("cloudwatch", REGION)
    start = now - timedelta(days=14)
    points = [
        {
            "MetricName": "CPUUtilization",
            "Dimensions": [{"Name": "InstanceId", "Value": instance_id}],
            "Timestamp": start + timedelta(hours=h),
            "Value": level + (h % 5) * 0.2,
            "Unit": "Percent",
        }
        for h in range(14 * 24)
    ]
    for i in range(0, len(points), 500):
        cloudwatch.put_metric_data(Namespace="AWS/EC2", MetricData=points[i : i + 500])


def seed(aws: AwsClients, *, metrics: bool = True) -> Estate:
    """Create the estate inside an active moto mock.

    Args:
        aws: clients over moto.
        metrics: also write 14 days of CPU metrics.
    """
    estate = Estate()
    ec2 = aws.client("ec2", REGION)
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    for name in ("web-1", "web-2"):
        estate.instances[name] = _instance(ec2, name, "t3.micro", subnet)
    estate.instances["batch-worker"] = _instance(ec2, "batch-worker", "m5.large", subnet)
    estate.instances["api"] = _instance(ec2, "api", "m5.xlarge", subnet)
    estate.instances["legacy-app"] = _instance(ec2, "legacy-app", "m4.large", subnet)
    ec2.stop_instances(InstanceIds=[estate.instances["legacy-app"]])
    volume = ec2.create_volume(
        AvailabilityZone=f"{REGION}a", Size=100, VolumeType="gp2",
        TagSpecifications=[{"ResourceType": "volume", "Tags": _tags("old-data")}],
    )  # fmt: skip
    estate.volumes["old-data"] = volume["VolumeId"]
    spare = ec2.allocate_address(
        Domain="vpc", TagSpecifications=[{"ResourceType": "elastic-ip", "Tags": _tags("spare-ip")}]
    )
    estate.addresses["spare-ip"] = spare["AllocationId"]
    nat_ip = ec2.allocate_address(Domain="vpc")["AllocationId"]
    estate.nat_gateway = ec2.create_nat_gateway(SubnetId=subnet, AllocationId=nat_ip)["NatGateway"][
        "NatGatewayId"
    ]
    levels = (("web-1", 30.0), ("web-2", 32.0), ("batch-worker", 1.5), ("api", 12.0))
    for name, level in levels if metrics else ():
        _cpu(aws, estate.instances[name], level, estate.now)
    aws.client("rds", REGION).create_db_instance(
        DBInstanceIdentifier="db-prod", DBInstanceClass="db.m5.large", Engine="postgres",
        MultiAZ=True, AllocatedStorage=100, StorageType="gp2", MasterUsername="admin",
        MasterUserPassword="not-a-secret-1",
    )  # fmt: skip
    return estate
