"""What a collector receives, how it pages, and small shape helpers shared by all collectors."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from tools.discovery.model import EdgeKind, Relation, Resource

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
"""Largest page each paginated operation serves; collectors always ask for it."""


@dataclass(frozen=True)
class Scope:
    """One (account, region) a collector runs in.

    Attributes:
        account: 12-digit account id.
        region: region name (for global collectors, the region their client is built in).
        client: builds a boto3 client for a service in this account and region.
    """

    account: str
    region: str
    client: Callable[[str], Any]

    def arn(self, service: str, path: str, *, region: str | None = None) -> str:
        """An ARN in this account, e.g. ``arn:aws:ec2:us-east-1:123456789012:instance/i-1``.

        Args:
            service: ARN service part.
            path: resource part after the account.
            region: override the region part ('' for global services).
        """
        where = self.region if region is None else region
        return f"arn:aws:{service}:{where}:{self.account}:{path}"

    def ec2_arn(self, kind: str, resource_id: str) -> str:
        """ARN of an EC2/VPC resource in this scope.

        Args:
            kind: ARN resource kind (``instance``, ``subnet``...).
            resource_id: its id.
        """
        return self.arn("ec2", f"{kind}/{resource_id}")


@dataclass(frozen=True)
class CollectorSpec:
    """A collector and how the scan runs it.

    Attributes:
        name: short service name, also the scope of deletion detection.
        collect: ``(scope) -> resources``.
        is_global: run once per account rather than once per region.
        parts: independent pieces of ``collect`` (each its own API calls) that a scan may run
            side by side; ``collect`` is then their results in turn. Empty: one piece.
    """

    name: str
    collect: Callable[[Scope], list[Resource]]
    is_global: bool = False
    parts: tuple[Callable[[Scope], list[Resource]], ...] = ()

    @classmethod
    def of_parts(
        cls, name: str, *parts: Callable[[Scope], list[Resource]], is_global: bool = False
    ) -> CollectorSpec:
        """A collector made of independent parts; its ``collect`` runs them one after another.

        Args:
            name: short service name.
            parts: the pieces, each ``(scope) -> resources``.
            is_global: run once per account rather than once per region.
        """

        def collect(scope: Scope) -> list[Resource]:
            return [resource for part in parts for resource in part(scope)]

        return cls(name=name, collect=collect, is_global=is_global, parts=parts)

    def pieces(self) -> tuple[Callable[[Scope], list[Resource]], ...]:
        """What a scan runs as separate units: the parts, or ``collect`` alone."""
        return self.parts or (self.collect,)


def paginate(client: Any, operation: str, key: str, **params: Any) -> Iterator[Any]:
    """Every item under ``key`` across all pages, asking for the largest page served.

    Args:
        client: boto3 client.
        operation: paginated operation name (``describe_instances``).
        key: result key holding the items (``Reservations``).
        params: operation parameters.
    """
    service = client.meta.service_model.service_name
    size = PAGE_SIZES.get((service, operation))
    config = {"PageSize": size} if size else {}
    for page in client.get_paginator(operation).paginate(**params, PaginationConfig=config):
        yield from page.get(key, [])


def tag_dict(tags: list[dict[str, Any]] | None) -> dict[str, str]:
    """``[{'Key': k, 'Value': v}]`` as ``{k: v}``.

    Args:
        tags: AWS tag list (``Key``/``Value`` or ``key``/``value``).
    """
    result: dict[str, str] = {}
    for tag in tags or []:
        key = tag.get("Key", tag.get("key"))
        if key is not None:
            result[str(key)] = str(tag.get("Value", tag.get("value", "")))
    return result


def json_safe(value: Any) -> Any:
    """``value`` with datetimes as ISO strings so it can be stored as JSON.

    Args:
        value: nested dicts/lists from a boto3 response.
    """
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def rel(source: str, kind: EdgeKind, target: str, detail: str | None = None) -> Relation:
    """Shorthand for a ``Relation``.

    Args:
        source: source ARN.
        kind: edge kind.
        target: target ARN.
        detail: why the edge exists.
    """
    return Relation(source=source, kind=kind, target=target, detail=detail)


def make(
    scope: Scope,
    service: str,
    rtype: str,
    arn: str,
    resource_id: str,
    **fields: Any,
) -> Resource:
    """Build a ``Resource`` in ``scope`` with the region and account filled in.

    Args:
        scope: where it was found.
        service: collector name.
        rtype: resource type, e.g. ``ec2:instance``.
        arn: its ARN.
        resource_id: provider id.
        fields: other ``Resource`` fields (name, tags, state, config, relations, region).
    """
    tags = fields.pop("tags", {}) or {}
    name = fields.pop("name", None) or tags.get("Name")
    config = json_safe(fields.pop("config", {}))
    region = fields.pop("region", scope.region)
    return Resource(
        arn=arn,
        account=scope.account,
        region=region,
        type=rtype,
        service=service,
        resource_id=resource_id,
        name=name,
        tags=tags,
        config=config,
        **fields,
    )
