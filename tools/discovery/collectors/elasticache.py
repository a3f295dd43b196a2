"""ElastiCache clusters (engine, node type, tags, subnets and security groups)."""

from __future__ import annotations

from typing import Any

from core.aws_read import paginate, tag_dict
from tools.discovery.collectors.base import CollectorSpec, Scope, make, reader, rel
from tools.discovery.resource_models import Relation, Resource

SERVICE = "elasticache"


@reader(
    "elasticache:DescribeCacheSubnetGroups",
    "elasticache:DescribeCacheClusters",
    "elasticache:ListTagsForResource",
)
def collect(scope: Scope) -> list[Resource]:
    """Every cache cluster in the scope, placed in the subnets of its subnet group.

    Args:
        scope: account and region to look at.
    """
    client = scope.client("elasticache")
    groups = {
        g["CacheSubnetGroupName"]: g
        for g in paginate(client, "describe_cache_subnet_groups", "CacheSubnetGroups")
    }
    clusters = paginate(client, "describe_cache_clusters", "CacheClusters")
    return [_cluster(scope, client, c, groups) for c in clusters]


def _cluster(
    scope: Scope, client: Any, item: dict[str, Any], groups: dict[str, dict[str, Any]]
) -> Resource:
    identifier = item["CacheClusterId"]
    arn = item.get("ARN") or scope.arn("elasticache", f"cluster:{identifier}")
    security_groups = [
        g["SecurityGroupId"] for g in item.get("SecurityGroups", []) if g.get("SecurityGroupId")
    ]
    relations: list[Relation] = [
        rel(arn, "SECURED_BY", scope.ec2_arn("security-group", g)) for g in security_groups
    ]
    group = groups.get(item.get("CacheSubnetGroupName") or "", {})
    subnets = [s["SubnetIdentifier"] for s in group.get("Subnets", []) if s.get("SubnetIdentifier")]
    relations += [rel(scope.ec2_arn("subnet", s), "CONTAINS", arn) for s in subnets]
    # DescribeCacheClusters does not return tags; ListTagsForResource is one call per cluster.
    tags = client.list_tags_for_resource(ResourceName=arn).get("TagList", [])
    config = {
        "engine": item.get("Engine"),
        "engine_version": item.get("EngineVersion"),
        "node_type": item.get("CacheNodeType"),
        "nodes": item.get("NumCacheNodes"),
        "subnet_group": item.get("CacheSubnetGroupName"),
        "vpc_id": group.get("VpcId"),
        "subnet_ids": subnets,
        "security_groups": security_groups,
        "replication_group": item.get("ReplicationGroupId"),
    }
    return make(
        scope,
        SERVICE,
        "elasticache:cluster",
        arn,
        identifier,
        name=identifier,
        tags=tag_dict(tags),
        state=item.get("CacheClusterStatus"),
        config=config,
        relations=relations,
    )


SPEC = CollectorSpec.of(SERVICE, collect)
