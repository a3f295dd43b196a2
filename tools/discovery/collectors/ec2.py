"""EC2 compute: instances, EBS volumes and snapshots, network interfaces, Elastic IPs."""

from __future__ import annotations

from typing import Any

from core.aws_read import paginate, tag_dict
from tools.discovery.collectors.base import CollectorSpec, Scope, listing, make, reader, rel
from tools.discovery.resource_models import Relation, Resource

SERVICE = "ec2"


@reader("ec2:DescribeInstances", filterable=True)
def instances(scope: Scope) -> list[Resource]:
    """Every instance in the scope.

    Args:
        scope: account and region to look at (and filters).
    """
    return [_instance(scope, i) for i in _instances(scope.client("ec2"), scope)]


@reader("ec2:DescribeAddresses", filterable=True)
def addresses(scope: Scope) -> list[Resource]:
    """Every Elastic IP in the scope (DescribeAddresses has no paginator: one response).

    Args:
        scope: account and region to look at (and filters).
    """
    found = scope.client("ec2").describe_addresses(**scope.filter_params()).get("Addresses", [])
    return [_address(scope, a) for a in found]


def _backs_foreign_image(snapshot: dict[str, Any]) -> bool:
    """True for the placeholder snapshots moto creates behind its catalogue of public AMIs.

    Real AWS never lists another owner's AMI snapshots under ``OwnerIds=['self']``; the moto
    sandbox does (over a thousand per region), so they are left out of the inventory.
    """
    return str(snapshot.get("Description", "")).startswith("Auto-created snapshot for AMI")


def _instances(ec2: Any, scope: Scope) -> list[dict[str, Any]]:
    reservations = paginate(ec2, "describe_instances", "Reservations", **scope.filter_params())
    return [i for r in reservations for i in r.get("Instances", [])]


def _instance(scope: Scope, item: dict[str, Any]) -> Resource:
    instance_id = item["InstanceId"]
    arn = scope.ec2_arn("instance", instance_id)
    relations: list[Relation] = []
    if item.get("SubnetId"):
        relations.append(rel(scope.ec2_arn("subnet", item["SubnetId"]), "CONTAINS", arn))
    groups = _instance_groups(item)
    for group in groups:
        relations.append(rel(arn, "SECURED_BY", scope.ec2_arn("security-group", group)))
    profile = (item.get("IamInstanceProfile") or {}).get("Arn")
    if profile:
        relations.append(rel(arn, "ASSUMES", profile))
    root = next(
        (
            m
            for m in item.get("BlockDeviceMappings", [])
            if m.get("DeviceName") == item.get("RootDeviceName")
        ),
        None,
    )
    config = {
        "instance_type": item.get("InstanceType"),
        "launch_time": item.get("LaunchTime"),
        "availability_zone": (item.get("Placement") or {}).get("AvailabilityZone"),
        "vpc_id": item.get("VpcId"),
        "subnet_id": item.get("SubnetId"),
        "private_ip": item.get("PrivateIpAddress"),
        "public_ip": item.get("PublicIpAddress"),
        "security_groups": groups,
        "security_group_names": [g["GroupName"] for g in item.get("SecurityGroups", [])],
        "image_id": item.get("ImageId"),
        "platform": item.get("PlatformDetails") or item.get("Platform"),
        "root_volume_id": ((root or {}).get("Ebs") or {}).get("VolumeId"),
        "instance_profile": profile,
        "volume_ids": [
            m["Ebs"]["VolumeId"] for m in item.get("BlockDeviceMappings", []) if "Ebs" in m
        ],
    }
    return make(
        scope,
        SERVICE,
        "ec2:instance",
        arn,
        instance_id,
        tags=tag_dict(item.get("Tags")),
        state=(item.get("State") or {}).get("Name"),
        config=config,
        relations=relations,
    )


def _instance_groups(item: dict[str, Any]) -> list[str]:
    """Security groups of the instance and of every interface attached to it."""
    groups = [g["GroupId"] for g in item.get("SecurityGroups", [])]
    for interface in item.get("NetworkInterfaces", []):
        groups += [g["GroupId"] for g in interface.get("Groups", [])]
    return list(dict.fromkeys(groups))


def _volume(scope: Scope, item: dict[str, Any]) -> Resource:
    volume_id = item["VolumeId"]
    arn = scope.ec2_arn("volume", volume_id)
    attached = [a["InstanceId"] for a in item.get("Attachments", []) if a.get("InstanceId")]
    relations = [rel(arn, "ATTACHED_TO", scope.ec2_arn("instance", i)) for i in attached]
    config = {
        "size_gb": item.get("Size"),
        "volume_type": item.get("VolumeType"),
        "iops": item.get("Iops"),
        "throughput": item.get("Throughput"),
        "encrypted": item.get("Encrypted"),
        "availability_zone": item.get("AvailabilityZone"),
        "create_time": item.get("CreateTime"),
        "snapshot_id": item.get("SnapshotId") or None,
        "attached_to": attached,
    }
    return make(
        scope,
        SERVICE,
        "ec2:volume",
        arn,
        volume_id,
        tags=tag_dict(item.get("Tags")),
        state=item.get("State"),
        config=config,
        relations=relations,
    )


def _snapshot(scope: Scope, item: dict[str, Any]) -> Resource:
    snapshot_id = item["SnapshotId"]
    config = {
        "volume_id": item.get("VolumeId"),
        "size_gb": item.get("VolumeSize"),
        "start_time": item.get("StartTime"),
        "encrypted": item.get("Encrypted"),
        "description": item.get("Description"),
    }
    return make(
        scope,
        SERVICE,
        "ec2:snapshot",
        scope.ec2_arn("snapshot", snapshot_id),
        snapshot_id,
        tags=tag_dict(item.get("Tags")),
        state=item.get("State"),
        config=config,
    )


def _eni(scope: Scope, item: dict[str, Any]) -> Resource:
    eni_id = item["NetworkInterfaceId"]
    arn = scope.ec2_arn("network-interface", eni_id)
    relations: list[Relation] = []
    if item.get("SubnetId"):
        relations.append(rel(scope.ec2_arn("subnet", item["SubnetId"]), "CONTAINS", arn))
    instance_id = (item.get("Attachment") or {}).get("InstanceId")
    if instance_id:
        relations.append(rel(arn, "ATTACHED_TO", scope.ec2_arn("instance", instance_id)))
    for group in item.get("Groups", []):
        relations.append(rel(arn, "SECURED_BY", scope.ec2_arn("security-group", group["GroupId"])))
    config = {
        "interface_type": item.get("InterfaceType"),
        "description": item.get("Description"),
        "private_ip": item.get("PrivateIpAddress"),
        "public_ip": (item.get("Association") or {}).get("PublicIp"),
        "instance_id": instance_id,
        "subnet_id": item.get("SubnetId"),
        "vpc_id": item.get("VpcId"),
        "requester_managed": item.get("RequesterManaged"),
    }
    return make(
        scope,
        SERVICE,
        "ec2:network-interface",
        arn,
        eni_id,
        tags=tag_dict(item.get("TagSet")),
        state=item.get("Status"),
        config=config,
        relations=relations,
    )


def _address(scope: Scope, item: dict[str, Any]) -> Resource:
    allocation = item.get("AllocationId") or item["PublicIp"]
    arn = scope.ec2_arn("elastic-ip", allocation)
    relations: list[Relation] = []
    eni = item.get("NetworkInterfaceId")
    if eni:
        relations.append(rel(arn, "ATTACHED_TO", scope.ec2_arn("network-interface", eni)))
    elif item.get("InstanceId"):
        relations.append(rel(arn, "ATTACHED_TO", scope.ec2_arn("instance", item["InstanceId"])))
    config = {
        "public_ip": item.get("PublicIp"),
        "instance_id": item.get("InstanceId"),
        "network_interface_id": eni,
        "association_id": item.get("AssociationId"),
        "domain": item.get("Domain"),
    }
    associated = bool(item.get("AssociationId") or eni or item.get("InstanceId"))
    return make(
        scope,
        SERVICE,
        "ec2:elastic-ip",
        arn,
        allocation,
        tags=tag_dict(item.get("Tags")),
        state="associated" if associated else "unassociated",
        config=config,
        relations=relations,
    )


volumes = listing(
    "ec2.volumes",
    "ec2:DescribeVolumes",
    ("ec2", "describe_volumes", "Volumes"),
    _volume,
    filterable=True,
)
"""Every EBS volume in the scope."""
snapshots = listing(
    "ec2.snapshots",
    "ec2:DescribeSnapshots",
    ("ec2", "describe_snapshots", "Snapshots"),
    _snapshot,
    keep=lambda s: not _backs_foreign_image(s),
    filterable=True,
    OwnerIds=["self"],
)
"""Every snapshot the account owns."""
network_interfaces = listing(
    "ec2.network_interfaces",
    "ec2:DescribeNetworkInterfaces",
    ("ec2", "describe_network_interfaces", "NetworkInterfaces"),
    _eni,
    filterable=True,
)
"""Every network interface in the scope."""

SPEC = CollectorSpec.of(SERVICE, instances, volumes, snapshots, network_interfaces, addresses)
"""Each reader is its own describe call, so a scan runs them side by side: in a large region the
instance listing is the long pole and the others finish while it pages."""
