"""Shared helpers for reading AWS responses: one way to page, one way to read tags.

Kept free of boto3 imports so that modules describing what they read load quickly.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

PAGE_SIZES: dict[tuple[str, str], int] = {
    ("ec2", "describe_instances"): 1000,
    ("ec2", "describe_volumes"): 500,
    ("ec2", "describe_snapshots"): 1000,
    ("ec2", "describe_network_interfaces"): 1000,
    ("ec2", "describe_vpcs"): 1000,
    ("ec2", "describe_subnets"): 1000,
    ("ec2", "describe_route_tables"): 100,
    ("ec2", "describe_internet_gateways"): 1000,
    ("ec2", "describe_nat_gateways"): 1000,
    ("ec2", "describe_security_groups"): 1000,
    ("ec2", "describe_vpc_peering_connections"): 1000,
    ("ec2", "describe_vpc_endpoints"): 1000,
    ("elbv2", "describe_load_balancers"): 400,
    ("elbv2", "describe_target_groups"): 400,
    ("elbv2", "describe_listeners"): 400,
    ("rds", "describe_db_instances"): 100,
    ("rds", "describe_db_clusters"): 100,
    ("rds", "describe_db_snapshots"): 100,
    ("s3", "list_objects_v2"): 1000,
    ("lambda", "list_functions"): 50,
    ("lambda", "list_event_source_mappings"): 100,
    ("iam", "list_roles"): 1000,
    ("iam", "list_role_tags"): 1000,
    ("iam", "list_instance_profiles"): 1000,
    ("ecs", "list_clusters"): 100,
    ("ecs", "list_services"): 100,
    ("dynamodb", "list_tables"): 100,
    ("elasticache", "describe_cache_clusters"): 100,
    ("elasticache", "describe_cache_subnet_groups"): 100,
    ("apigateway", "get_rest_apis"): 500,
    ("apigateway", "get_resources"): 500,
    ("organizations", "list_accounts"): 20,
}
"""Largest page each paginated operation serves; ``paginate`` always asks for it."""


def paginate(client: Any, operation: str, key: str, **params: Any) -> Iterator[Any]:
    """Every item under ``key`` across all pages, asking for the largest page served.

    A call naming its resources by id (``InstanceIds=[...]``) gets no page size: EC2 refuses
    the two together, and such a call is one short page anyway.

    Args:
        client: boto3 client.
        operation: paginated operation name (``describe_instances``).
        key: result key holding the items (``Reservations``).
        params: operation parameters.
    """
    service = client.meta.service_model.service_name
    by_id = any(name.endswith("Ids") and name != "OwnerIds" for name in params)
    size = None if by_id else PAGE_SIZES.get((service, operation))
    config = {"PageSize": size} if size else {}
    for page in client.get_paginator(operation).paginate(**params, PaginationConfig=config):
        yield from page.get(key, [])


def tag_dict(tags: Iterable[Mapping[str, Any]] | Mapping[str, Any] | None) -> dict[str, str]:
    """AWS tags as ``{key: value}``, whichever of AWS's shapes they come in.

    Args:
        tags: a list of ``{'Key': k, 'Value': v}`` (or lower-case ``key``/``value``, as ECS
            sends), or a plain mapping (Lambda, API Gateway), or None.
    """
    if tags is None:
        return {}
    if isinstance(tags, Mapping):
        return {str(k): str(v) for k, v in tags.items()}
    result: dict[str, str] = {}
    for tag in tags:
        key = tag.get("Key", tag.get("key"))
        if key is not None:
            result[str(key)] = str(tag.get("Value", tag.get("value", "")))
    return result


def tag_value(tags: Iterable[Mapping[str, Any]] | None, key: str) -> str | None:
    """The value of one tag, its key matched without regard to case (``Name`` = ``name``).

    Args:
        tags: an AWS tag list.
        key: the tag key wanted.
    """
    wanted = key.lower()
    return next((v for k, v in tag_dict(tags).items() if k.lower() == wanted), None)
