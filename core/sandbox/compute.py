"""Compute of the demo estate: EC2 instances, the spare volume and EIP, and the web ALB."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from core.sandbox.model import DEMO_AMI_ID, DemoEstate, Location, tag_list, tag_spec


@dataclass(frozen=True)
class InstanceSpec:
    """One demo instance.

    Attributes:
        name: ``Name`` tag.
        instance_type: EC2 instance type.
        subnet: name of its subnet in ``DemoEstate.subnet_ids``.
        security_groups: names in ``DemoEstate.security_group_ids``.
        env: ``env`` tag.
        team: ``team`` tag.
        root_volume_type: EBS type of the root volume.
        stopped: stop it after launch.
    """

    name: str
    instance_type: str
    subnet: str
    security_groups: tuple[str, ...] = ()
    env: str = "prod"
    team: str = "platform"
    root_volume_type: str = "gp3"
    stopped: bool = False


PROD_INSTANCES = (
    InstanceSpec("web-1", "t3.micro", "prod-public-a", ("web-sg", "ssh-open"), team="web"),
    InstanceSpec("web-2", "t3.micro", "prod-public-b", ("web-sg", "ssh-open"), team="web"),
    InstanceSpec("batch-worker", "m5.large", "prod-private-a", team="data"),
    InstanceSpec(
        "legacy-app",
        "m4.large",
        "prod-private-b",
        team="finance",
        root_volume_type="gp2",
        stopped=True,
    ),
)
ANALYTICS_INSTANCE = InstanceSpec(
    "analytics-1", "t3.small", "analytics-a", env="staging", team="data"
)
SHARED_INSTANCE = InstanceSpec("shared-tools", "t3.medium", "shared-a", env="shared")


def launch_instance(ec2: Any, spec: InstanceSpec, location: Location, estate: DemoEstate) -> str:
    """Launch ``spec`` (stopping it when asked) and record it in ``estate``.

    Args:
        ec2: EC2 client of ``location``.
        spec: what to launch.
        location: account and region of ``ec2``.
        estate: holds the subnet/security group ids and receives the instance id.
    """
    extra: dict[str, Any] = {}
    if spec.security_groups:
        extra["SecurityGroupIds"] = [estate.security_group_ids[g] for g in spec.security_groups]
    instance_id: str = ec2.run_instances(
        ImageId=DEMO_AMI_ID,
        MinCount=1,
        MaxCount=1,
        InstanceType=spec.instance_type,
        SubnetId=estate.subnet_ids[spec.subnet],
        BlockDeviceMappings=[
            {
                "DeviceName": "/dev/xvda",
                "Ebs": {"VolumeSize": 30, "VolumeType": spec.root_volume_type},
            }
        ],
        TagSpecifications=[
            *tag_spec("instance", spec.name, spec.env, spec.team),
            *tag_spec("volume", f"{spec.name}-root", spec.env, spec.team),
        ],
        **extra,
    )["Instances"][0]["InstanceId"]
    if spec.stopped:
        ec2.stop_instances(InstanceIds=[instance_id])
    estate.instance_ids[spec.name] = instance_id
    estate.instance_locations[spec.name] = location
    return instance_id


def seed_idle_resources(ec2: Any, region: str, estate: DemoEstate) -> None:
    """The waste to find: unattached gp2 volume ``old-data`` and unassociated EIP ``spare-ip``.

    Args:
        ec2: primary-account EC2 client in ``region``.
        region: region to create them in.
        estate: receives the volume and allocation ids.
    """
    estate.volume_id = ec2.create_volume(
        AvailabilityZone=f"{region}a",
        Size=100,
        VolumeType="gp2",
        TagSpecifications=tag_spec("volume", "old-data", "prod", "data"),
    )["VolumeId"]
    estate.allocation_ids["spare-ip"] = ec2.allocate_address(
        Domain="vpc", TagSpecifications=tag_spec("elastic-ip", "spare-ip", "prod", "platform")
    )["AllocationId"]


def seed_web_load_balancer(elbv2: Any, estate: DemoEstate) -> None:
    """Internet-facing ALB ``web-alb`` -> HTTP listener -> target group ``web-tg`` (web-1, web-2).

    Args:
        elbv2: primary-account ELBv2 client in prod-vpc's region.
        estate: holds subnet/group/instance ids and receives the ARNs.
    """
    web_tags = tag_list("web-alb", "prod", "web")
    estate.load_balancer_arn = elbv2.create_load_balancer(
        Name="web-alb",
        Subnets=[estate.subnet_ids["prod-public-a"], estate.subnet_ids["prod-public-b"]],
        SecurityGroups=[estate.security_group_ids["web-sg"]],
        Scheme="internet-facing",
        Type="application",
        IpAddressType="ipv4",
        Tags=web_tags,
    )["LoadBalancers"][0]["LoadBalancerArn"]
    estate.target_group_arn = elbv2.create_target_group(
        Name="web-tg",
        Protocol="HTTP",
        Port=80,
        VpcId=estate.vpc_ids["prod-vpc"],
        TargetType="instance",
        HealthCheckPath="/health",
        Tags=tag_list("web-tg", "prod", "web"),
    )["TargetGroups"][0]["TargetGroupArn"]
    elbv2.register_targets(
        TargetGroupArn=estate.target_group_arn,
        Targets=[{"Id": estate.instance_ids[name], "Port": 80} for name in ("web-1", "web-2")],
    )
    estate.listener_arn = elbv2.create_listener(
        LoadBalancerArn=estate.load_balancer_arn,
        Protocol="HTTP",
        Port=80,
        DefaultActions=[{"Type": "forward", "TargetGroupArn": estate.target_group_arn}],
        Tags=tag_list("web-alb-http", "prod", "web"),
    )["Listeners"][0]["ListenerArn"]


def seed_auto_scaling_group(ec2: Any, autoscaling: Any, estate: DemoEstate) -> None:
    """Auto Scaling group ``web-asg`` (t3.micro launch template ``web-lt``, min 0, max 6) over
    the private subnets of prod-vpc, scaled to 0 so it adds no instances until someone asks.

    Args:
        ec2: primary-account EC2 client in prod-vpc's region.
        autoscaling: primary-account Auto Scaling client in the same region.
        estate: holds the subnet ids and receives the group's name.
    """
    template = ec2.create_launch_template(
        LaunchTemplateName="web-lt",
        LaunchTemplateData={"ImageId": DEMO_AMI_ID, "InstanceType": "t3.micro"},
        TagSpecifications=tag_spec("launch-template", "web-lt", "prod", "web"),
    )["LaunchTemplate"]
    subnets = [estate.subnet_ids["prod-private-a"], estate.subnet_ids["prod-private-b"]]
    autoscaling.create_auto_scaling_group(
        AutoScalingGroupName="web-asg",
        LaunchTemplate={"LaunchTemplateId": template["LaunchTemplateId"], "Version": "$Default"},
        MinSize=0,
        MaxSize=6,
        DesiredCapacity=0,
        VPCZoneIdentifier=",".join(subnets),
        Tags=[
            {**tag, "PropagateAtLaunch": True, "ResourceId": "web-asg",
             "ResourceType": "auto-scaling-group"}
            for tag in tag_list("web-asg", "prod", "web")
        ],
    )  # fmt: skip
    estate.auto_scaling_group = "web-asg"
