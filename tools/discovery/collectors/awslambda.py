"""Lambda: functions (VPC config, role) and event source mappings."""

from __future__ import annotations

from typing import Any

from core.aws_read import paginate
from tools.discovery.collectors.base import CollectorSpec, Scope, make, reader, rel
from tools.discovery.resource_models import Relation, Resource

SERVICE = "lambda"


@reader("lambda:ListFunctions", "lambda:ListEventSourceMappings", "lambda:ListTags")
def collect(scope: Scope) -> list[Resource]:
    """Every function, with its role, network placement and what triggers it.

    Args:
        scope: account and region to look at.
    """
    client = scope.client("lambda")
    mappings = list(paginate(client, "list_event_source_mappings", "EventSourceMappings"))
    return [
        _function(scope, client, f, mappings)
        for f in paginate(client, "list_functions", "Functions")
    ]


def event_source(arn: str) -> str:
    """The resource behind an event source ARN (a DynamoDB/Kinesis stream maps to its table).

    Args:
        arn: ``EventSourceArn`` of a mapping.
    """
    return arn.split("/stream/", 1)[0]


def _function(
    scope: Scope, client: Any, item: dict[str, Any], mappings: list[dict[str, Any]]
) -> Resource:
    arn = item["FunctionArn"]
    relations: list[Relation] = []
    if item.get("Role"):
        relations.append(rel(arn, "ASSUMES", item["Role"]))
    vpc = item.get("VpcConfig") or {}
    for subnet in vpc.get("SubnetIds", []):
        relations.append(rel(scope.ec2_arn("subnet", subnet), "CONTAINS", arn))
    for group in vpc.get("SecurityGroupIds", []):
        relations.append(rel(arn, "SECURED_BY", scope.ec2_arn("security-group", group)))
    triggers = [m for m in mappings if m.get("FunctionArn") == arn and m.get("EventSourceArn")]
    for mapping in triggers:
        relations.append(rel(event_source(mapping["EventSourceArn"]), "TRIGGERS", arn))
    # ListFunctions does not return tags; ListTags is one call per function.
    tags = client.list_tags(Resource=arn).get("Tags", {})
    config = {
        "runtime": item.get("Runtime"),
        "memory_mb": item.get("MemorySize"),
        "timeout_s": item.get("Timeout"),
        "code_size": item.get("CodeSize"),
        "role": item.get("Role"),
        "vpc_id": vpc.get("VpcId") or None,
        "subnet_ids": vpc.get("SubnetIds", []),
        "event_sources": [m["EventSourceArn"] for m in triggers],
        "last_modified": item.get("LastModified"),
    }
    return make(
        scope,
        SERVICE,
        "lambda:function",
        arn,
        item["FunctionName"],
        name=item["FunctionName"],
        tags=dict(tags),
        state=item.get("State") or "Active",
        config=config,
        relations=relations,
    )


SPEC = CollectorSpec.of(SERVICE, collect)
