"""Agent-facing read-only EC2 tools."""

from __future__ import annotations

from typing import Any

from tools.context import ToolContext
from tools.discovery.read import regions_for
from tools.ec2 import examples, finder, traffic
from tools.ec2.models import (
    INSTANCE_STATES,
    DescribeInstanceArgs,
    InstanceDetail,
    InstanceList,
    ListInstancesArgs,
)
from tools.ec2.render import render_instance_detail, render_instance_list
from tools.errors import InvalidInput
from tools.iam import needs
from tools.registry import tool


def _filters(args: ListInstancesArgs) -> tuple[list[dict[str, Any]], str]:
    filters: list[dict[str, Any]] = []
    words: list[str] = []
    if args.state:
        if args.state not in INSTANCE_STATES:
            raise InvalidInput(
                f"'{args.state}' is not an instance state; use one of {', '.join(INSTANCE_STATES)}."
            )
        filters.append({"Name": "instance-state-name", "Values": [args.state]})
        words.append(args.state)
    if args.name:
        filters += finder.name_filter(args.name)
        words.append(f"named {args.name}")
    for key, value in args.tags.items():
        filters.append({"Name": f"tag:{key}", "Values": [value]})
        words.append(f"tagged {key}={value}")
    words.append(f"in {args.region}" if args.region else "in all regions")
    return filters, " ".join(words)


@tool(
    name="ec2.list_instances",
    description="List EC2 instances, filtered by region, state, tags or name.",
    example="what instances are running in us-east-1?",
    examples=examples.LIST_INSTANCES,
    args=ListInstancesArgs,
    result=InstanceList,
    render=render_instance_list,
    permissions=finder.INSTANCE_PERMISSIONS,
)
def list_instances(ctx: ToolContext, args: ListInstancesArgs) -> InstanceList:
    """List instances matching the filters in every account.

    Args:
        ctx: tool context.
        args: filters.
    """
    regions = regions_for(ctx, args.region)
    filters, words = _filters(args)
    return InstanceList(
        instances=finder.search(ctx, regions, filters), regions=regions, filters=words
    )


@tool(
    name="ec2.describe_instance",
    description="Show details of one EC2 instance, by id or Name tag.",
    example="tell me about web-1",
    examples=examples.DESCRIBE_INSTANCE,
    args=DescribeInstanceArgs,
    result=InstanceDetail,
    render=render_instance_detail,
    permissions=needs(finder.INSTANCE_PERMISSIONS, traffic.PERMISSIONS),
)
def describe_instance(ctx: ToolContext, args: DescribeInstanceArgs) -> InstanceDetail:
    """Describe one instance and what sends it traffic.

    Args:
        ctx: tool context.
        args: which instance.
    """
    instance = finder.resolve(ctx, args.target, args.region)
    return InstanceDetail(
        instance=instance, load_balancers=traffic.load_balancers_for(ctx, instance)
    )
