"""ECS: clusters and their services (load-balancer target groups, network placement)."""

from __future__ import annotations

from typing import Any

from core.aws_read import paginate, tag_dict
from tools.discovery.collectors.base import CollectorSpec, Scope, make, reader, rel
from tools.discovery.resource_models import Relation, Resource

SERVICE = "ecs"


@reader("ecs:ListClusters", "ecs:DescribeClusters", "ecs:ListServices", "ecs:DescribeServices")
def collect(scope: Scope) -> list[Resource]:
    """Every cluster and service in the scope.

    Args:
        scope: account and region to look at.
    """
    ecs = scope.client("ecs")
    cluster_arns = list(paginate(ecs, "list_clusters", "clusterArns"))
    resources: list[Resource] = []
    for start in range(0, len(cluster_arns), 100):
        batch = cluster_arns[start : start + 100]
        clusters = ecs.describe_clusters(clusters=batch, include=["TAGS"]).get("clusters", [])
        resources += [_cluster(scope, c) for c in clusters]
    for cluster in cluster_arns:
        service_arns = list(paginate(ecs, "list_services", "serviceArns", cluster=cluster))
        for start in range(0, len(service_arns), 10):
            batch = service_arns[start : start + 10]
            described = ecs.describe_services(cluster=cluster, services=batch, include=["TAGS"])
            resources += [_service(scope, cluster, s) for s in described.get("services", [])]
    return resources


def _cluster(scope: Scope, item: dict[str, Any]) -> Resource:
    config = {
        "running_tasks": item.get("runningTasksCount", 0),
        "active_services": item.get("activeServicesCount", 0),
    }
    return make(
        scope,
        SERVICE,
        "ecs:cluster",
        item["clusterArn"],
        item["clusterName"],
        name=item["clusterName"],
        tags=tag_dict(item.get("tags")),
        state=item.get("status"),
        config=config,
    )


def _service(scope: Scope, cluster: str, item: dict[str, Any]) -> Resource:
    arn = item["serviceArn"]
    relations: list[Relation] = [rel(cluster, "CONTAINS", arn)]
    for balancer in item.get("loadBalancers", []):
        if balancer.get("targetGroupArn"):
            relations.append(rel(balancer["targetGroupArn"], "TARGETS", arn))
    network = (item.get("networkConfiguration") or {}).get("awsvpcConfiguration") or {}
    for subnet in network.get("subnets", []):
        relations.append(rel(scope.ec2_arn("subnet", subnet), "CONTAINS", arn))
    for group in network.get("securityGroups", []):
        relations.append(rel(arn, "SECURED_BY", scope.ec2_arn("security-group", group)))
    if item.get("roleArn"):
        relations.append(rel(arn, "ASSUMES", item["roleArn"]))
    config = {
        "cluster": cluster,
        "launch_type": item.get("launchType"),
        "desired_count": item.get("desiredCount"),
        "running_count": item.get("runningCount"),
        "task_definition": item.get("taskDefinition"),
        "subnet_ids": network.get("subnets", []),
        "security_groups": network.get("securityGroups", []),
        "assign_public_ip": network.get("assignPublicIp") == "ENABLED",
    }
    return make(
        scope,
        SERVICE,
        "ecs:service",
        arn,
        item["serviceName"],
        name=item["serviceName"],
        tags=tag_dict(item.get("tags")),
        state=item.get("status"),
        config=config,
        relations=relations,
    )


SPEC = CollectorSpec.of(SERVICE, collect)
