"""Elastic Load Balancing v2: load balancers, listeners, target groups and their targets."""

from __future__ import annotations

from typing import Any

from core.aws_read import paginate, tag_dict
from tools.discovery.collectors.base import CollectorSpec, Scope, make, reader, rel
from tools.discovery.resource_models import Relation, Resource

SERVICE = "elbv2"


@reader(
    "elasticloadbalancing:DescribeLoadBalancers",
    "elasticloadbalancing:DescribeTags",
    "elasticloadbalancing:DescribeListeners",
)
def load_balancers(scope: Scope) -> list[Resource]:
    """Every load balancer, with its listeners.

    Args:
        scope: account and region to look at.
    """
    elb = scope.client("elbv2")
    balancers = list(paginate(elb, "describe_load_balancers", "LoadBalancers"))
    tags = _tags(elb, [b["LoadBalancerArn"] for b in balancers])
    return [_balancer(scope, elb, b, tags) for b in balancers]


@reader(
    "elasticloadbalancing:DescribeTargetGroups",
    "elasticloadbalancing:DescribeTags",
    "elasticloadbalancing:DescribeTargetHealth",
)
def target_groups(scope: Scope) -> list[Resource]:
    """Every target group, with the health of each of its targets.

    Args:
        scope: account and region to look at.
    """
    elb = scope.client("elbv2")
    groups = list(paginate(elb, "describe_target_groups", "TargetGroups"))
    tags = _tags(elb, [g["TargetGroupArn"] for g in groups])
    return [_target_group(scope, elb, g, tags) for g in groups]


def _tags(elb: Any, arns: list[str]) -> dict[str, dict[str, str]]:
    """Tags of up to 20 resources per DescribeTags call."""
    result: dict[str, dict[str, str]] = {}
    for start in range(0, len(arns), 20):
        response = elb.describe_tags(ResourceArns=arns[start : start + 20])
        for item in response.get("TagDescriptions", []):
            result[item["ResourceArn"]] = tag_dict(item.get("Tags"))
    return result


def _balancer(
    scope: Scope, elb: Any, item: dict[str, Any], tags: dict[str, dict[str, str]]
) -> Resource:
    arn = item["LoadBalancerArn"]
    relations: list[Relation] = []
    for zone in item.get("AvailabilityZones", []):
        if zone.get("SubnetId"):
            relations.append(rel(scope.ec2_arn("subnet", zone["SubnetId"]), "CONTAINS", arn))
    for group in item.get("SecurityGroups", []):
        relations.append(rel(arn, "SECURED_BY", scope.ec2_arn("security-group", group)))
    listeners = paginate(elb, "describe_listeners", "Listeners", LoadBalancerArn=arn)
    config = {
        "type": item.get("Type"),
        "scheme": item.get("Scheme"),
        "dns_name": item.get("DNSName"),
        "vpc_id": item.get("VpcId"),
        "created_time": item.get("CreatedTime"),
        "listeners": [
            {"protocol": lst.get("Protocol"), "port": lst.get("Port")} for lst in listeners
        ],
    }
    return make(
        scope,
        SERVICE,
        "elbv2:load-balancer",
        arn,
        item["LoadBalancerName"],
        name=item["LoadBalancerName"],
        tags=tags.get(arn, {}),
        state=(item.get("State") or {}).get("Code"),
        config=config,
        relations=relations,
    )


def _target_group(
    scope: Scope, elb: Any, item: dict[str, Any], tags: dict[str, dict[str, str]]
) -> Resource:
    arn = item["TargetGroupArn"]
    relations = [rel(lb, "TARGETS", arn) for lb in item.get("LoadBalancerArns", [])]
    if item.get("VpcId"):
        relations.append(rel(scope.ec2_arn("vpc", item["VpcId"]), "CONTAINS", arn))
    # DescribeTargetHealth is not paginated: one call returns every target of the group.
    health = elb.describe_target_health(TargetGroupArn=arn).get("TargetHealthDescriptions", [])
    targets = []
    for description in health:
        target = description["Target"]
        state = (description.get("TargetHealth") or {}).get("State", "unknown")
        targets.append({"id": target["Id"], "port": target.get("Port"), "health": state})
        if item.get("TargetType", "instance") == "instance":
            instance = scope.ec2_arn("instance", target["Id"])
            relations.append(rel(arn, "TARGETS", instance, f"port {target.get('Port')}, {state}"))
        elif target["Id"].startswith("arn:aws:lambda"):
            relations.append(rel(arn, "TARGETS", target["Id"], state))
    config = {
        "protocol": item.get("Protocol"),
        "port": item.get("Port"),
        "target_type": item.get("TargetType"),
        "vpc_id": item.get("VpcId"),
        "load_balancers": item.get("LoadBalancerArns", []),
        "targets": targets,
        "healthy_targets": sum(1 for t in targets if t["health"] == "healthy"),
    }
    return make(
        scope,
        SERVICE,
        "elbv2:target-group",
        arn,
        item["TargetGroupName"],
        name=item["TargetGroupName"],
        tags=tags.get(arn, {}),
        state="active",
        config=config,
        relations=relations,
    )


SPEC = CollectorSpec.of(SERVICE, (load_balancers, target_groups))
