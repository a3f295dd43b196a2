"""Which load balancers send traffic to an instance (its dependents for approvers)."""

from __future__ import annotations

from tools.context import ToolContext
from tools.ec2.models import Instance


def load_balancers_for(ctx: ToolContext, instance: Instance) -> list[str]:
    """``target-group (load-balancer)`` labels for every target group holding the instance.

    Args:
        ctx: tool context.
        instance: the instance.
    """
    client = ctx.aws.client("elbv2", instance.region, instance.account_key)
    balancers = _balancer_names(client)
    found: list[str] = []
    for page in client.get_paginator("describe_target_groups").paginate():
        for group in page["TargetGroups"]:
            health = client.describe_target_health(TargetGroupArn=group["TargetGroupArn"])
            ids = {d["Target"]["Id"] for d in health["TargetHealthDescriptions"]}
            if instance.instance_id in ids:
                names = [balancers.get(arn, arn) for arn in group.get("LoadBalancerArns", [])]
                found.append(f"{group['TargetGroupName']} ({', '.join(names) or 'no LB'})")
    return found


def _balancer_names(client: object) -> dict[str, str]:
    names: dict[str, str] = {}
    for page in client.get_paginator("describe_load_balancers").paginate():  # type: ignore[attr-defined]
        for lb in page["LoadBalancers"]:
            names[lb["LoadBalancerArn"]] = lb["LoadBalancerName"]
    return names
