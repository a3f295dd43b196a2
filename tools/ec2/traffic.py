"""Which load balancers send traffic to an instance (its dependents for approvers)."""

from __future__ import annotations

from tools.context import ToolContext
from tools.discovery.collectors import elbv2
from tools.discovery.read import permissions, read
from tools.ec2.models import Instance

PERMISSIONS = permissions(elbv2.target_groups)
"""IAM actions of finding an instance's load balancers."""


def load_balancers_for(ctx: ToolContext, instance: Instance) -> list[str]:
    """``target-group (load-balancer)`` labels for every target group holding the instance.

    Args:
        ctx: tool context.
        instance: the instance.
    """
    groups = read(
        ctx, [elbv2.target_groups], regions=[instance.region], accounts=[instance.account_key]
    )
    found: list[str] = []
    for group in groups:
        if any(t["id"] == instance.instance_id for t in group.config.get("targets", [])):
            names = [balancer_name(arn) for arn in group.config.get("load_balancers", [])]
            found.append(f"{group.name} ({', '.join(names) or 'no LB'})")
    return found


def balancer_name(arn: str) -> str:
    """A load balancer's name from its ARN (``...:loadbalancer/app/web-alb/50dc...``).

    Args:
        arn: the load balancer's ARN; anything else is returned as it is.
    """
    parts = arn.split(":loadbalancer/", 1)[-1].split("/")
    return parts[1] if len(parts) == 3 else arn
