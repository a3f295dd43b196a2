"""ElastiCache clusters (engine, node type, security groups)."""

from __future__ import annotations

from typing import Any

from tools.discovery.collectors.base import CollectorSpec, Scope, make, paginate, rel
from tools.discovery.model import Resource

SERVICE = "elasticache"


def collect(scope: Scope) -> list[Resource]:
    """Every cache cluster in the scope.

    Args:
        scope: account and region to look at.
    """
    client = scope.client("elasticache")
    clusters = paginate(client, "describe_cache_clusters", "CacheClusters")
    return [_cluster(scope, c) for c in clusters]


def _cluster(scope: Scope, item: dict[str, Any]) -> Resource:
    identifier = item["CacheClusterId"]
    arn = item.get("ARN") or scope.arn("elasticache", f"cluster:{identifier}")
    relations = [
        rel(arn, "SECURED_BY", scope.ec2_arn("security-group", g["SecurityGroupId"]))
        for g in item.get("SecurityGroups", [])
        if g.get("SecurityGroupId")
    ]
    config = {
        "engine": item.get("Engine"),
        "engine_version": item.get("EngineVersion"),
        "node_type": item.get("CacheNodeType"),
        "nodes": item.get("NumCacheNodes"),
        "subnet_group": item.get("CacheSubnetGroupName"),
        "replication_group": item.get("ReplicationGroupId"),
    }
    return make(
        scope,
        SERVICE,
        "elasticache:cluster",
        arn,
        identifier,
        name=identifier,
        state=item.get("CacheClusterStatus"),
        config=config,
        relations=relations,
    )


SPEC = CollectorSpec(name=SERVICE, collect=collect)
