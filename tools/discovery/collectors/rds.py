"""RDS: database instances and Aurora/Multi-AZ clusters."""

from __future__ import annotations

from typing import Any

from core.aws_read import tag_dict
from tools.discovery.collectors.base import CollectorSpec, Scope, listing, make, rel
from tools.discovery.resource_models import Relation, Resource

SERVICE = "rds"


def _groups(scope: Scope, arn: str, item: dict[str, Any]) -> list[Relation]:
    return [
        rel(arn, "SECURED_BY", scope.ec2_arn("security-group", g["VpcSecurityGroupId"]))
        for g in item.get("VpcSecurityGroups", [])
    ]


def _instance(scope: Scope, item: dict[str, Any]) -> Resource:
    arn = item.get("DBInstanceArn") or scope.arn("rds", f"db:{item['DBInstanceIdentifier']}")
    relations = _groups(scope, arn, item)
    subnet_group = item.get("DBSubnetGroup") or {}
    for subnet in subnet_group.get("Subnets", []):
        relations.append(rel(scope.ec2_arn("subnet", subnet["SubnetIdentifier"]), "CONTAINS", arn))
    if item.get("DBClusterIdentifier"):
        cluster = scope.arn("rds", f"cluster:{item['DBClusterIdentifier']}")
        relations.append(rel(cluster, "CONTAINS", arn))
    config = {
        "engine": item.get("Engine"),
        "engine_version": item.get("EngineVersion"),
        "instance_class": item.get("DBInstanceClass"),
        "multi_az": item.get("MultiAZ", False),
        "allocated_storage_gb": item.get("AllocatedStorage"),
        "storage_type": item.get("StorageType"),
        "iops": item.get("Iops"),
        "created": item.get("InstanceCreateTime"),
        "publicly_accessible": item.get("PubliclyAccessible", False),
        "endpoint": (item.get("Endpoint") or {}).get("Address"),
        "port": (item.get("Endpoint") or {}).get("Port"),
        "vpc_id": subnet_group.get("VpcId"),
        "cluster": item.get("DBClusterIdentifier"),
        "storage_encrypted": item.get("StorageEncrypted", False),
    }
    identifier = item["DBInstanceIdentifier"]
    return make(
        scope,
        SERVICE,
        "rds:db-instance",
        arn,
        identifier,
        name=identifier,
        tags=tag_dict(item.get("TagList")),
        state=item.get("DBInstanceStatus"),
        config=config,
        relations=relations,
    )


def _cluster(scope: Scope, item: dict[str, Any]) -> Resource:
    identifier = item["DBClusterIdentifier"]
    arn = scope.arn("rds", f"cluster:{identifier}")
    config = {
        "engine": item.get("Engine"),
        "engine_version": item.get("EngineVersion"),
        "multi_az": item.get("MultiAZ", False),
        "allocated_storage_gb": item.get("AllocatedStorage"),
        "members": [m["DBInstanceIdentifier"] for m in item.get("DBClusterMembers", [])],
        "endpoint": item.get("Endpoint"),
        "storage_encrypted": item.get("StorageEncrypted", False),
    }
    return make(
        scope,
        SERVICE,
        "rds:db-cluster",
        arn,
        identifier,
        name=identifier,
        tags=tag_dict(item.get("TagList")),
        state=item.get("Status"),
        config=config,
        relations=_groups(scope, arn, item),
    )


instances = listing(
    "rds.instances",
    "rds:DescribeDBInstances",
    ("rds", "describe_db_instances", "DBInstances"),
    _instance,
)
"""Every DB instance in the scope."""
clusters = listing(
    "rds.clusters",
    "rds:DescribeDBClusters",
    ("rds", "describe_db_clusters", "DBClusters"),
    _cluster,
)
"""Every DB cluster (Aurora, Multi-AZ cluster) in the scope."""

SPEC = CollectorSpec.of(SERVICE, (instances, clusters))
