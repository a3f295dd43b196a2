"""Billable resources as discovery reads them, in the shape the estimator prices.

Cost has no AWS reader of its own: ``collect`` runs discovery's readers live (``read``), and
``to_cost_resource`` turns any normalised resource (read now or stored in the inventory) into a
``CostResource``.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from tools.context import ToolContext
from tools.cost.estimate_models import CostResource
from tools.discovery.collectors import ec2, elbv2, rds, vpc
from tools.discovery.collectors.base import Reader
from tools.discovery.read import account_key, permissions, read
from tools.discovery.resource_models import Resource

READERS: tuple[Reader, ...] = (
    ec2.instances,
    ec2.volumes,
    ec2.snapshots,
    ec2.addresses,
    rds.instances,
    vpc.nat_gateways,
    elbv2.load_balancers,
)
"""Discovery readers of every resource kind the estimator prices from the estate."""
PERMISSIONS = permissions(*READERS)
"""IAM actions of reading the billable estate."""
GONE = {
    "ec2:instance": ("terminated", "shutting-down"),
    "ec2:nat-gateway": ("deleted", "deleting", "failed"),
}
"""States in which a resource is no longer billed, by type."""


def _base(resource: Resource, key: str | None, created: str) -> dict[str, Any]:
    return {
        "resource_id": resource.resource_id,
        "region": resource.region,
        "name": resource.tags.get("Name"),
        "account": resource.account,
        "account_key": key,
        "state": resource.state,
        "tags": resource.tags,
        "created": resource.config.get(created),
    }


def _instance(resource: Resource, key: str | None) -> CostResource:
    config = resource.config
    return CostResource(
        kind="ec2_instance",
        **_base(resource, key, "launch_time"),
        instance_type=config.get("instance_type"),
        public_ip=config.get("public_ip"),
    )


def _volume(resource: Resource, key: str | None) -> CostResource:
    config = resource.config
    attached = config.get("attached_to") or []
    return CostResource(
        kind="ebs_volume",
        **_base(resource, key, "create_time"),
        volume_type=config.get("volume_type") or "gp2",
        size_gb=Decimal(config.get("size_gb") or 0),
        iops=config.get("iops"),
        throughput_mibps=config.get("throughput"),
        attached_to=attached[0] if attached else None,
    )


def _snapshot(resource: Resource, key: str | None) -> CostResource:
    config = resource.config
    return CostResource(
        kind="ebs_snapshot",
        **_base(resource, key, "start_time"),
        size_gb=Decimal(config.get("size_gb") or 0),
        attached_to=config.get("volume_id"),
    )


def _address(resource: Resource, key: str | None) -> CostResource:
    config = resource.config
    association = config.get("association_id") and (
        config.get("instance_id") or config.get("network_interface_id") or config["association_id"]
    )
    values = _base(resource, key, "created")
    values["state"] = "associated" if association else "unassociated"
    return CostResource(
        kind="elastic_ip",
        **values,
        public_ip=config.get("public_ip"),
        attached_to=association or None,
    )


def _database(resource: Resource, key: str | None) -> CostResource:
    config = resource.config
    values = _base(resource, key, "created")
    values["name"] = resource.resource_id
    return CostResource(
        kind="rds_instance",
        **values,
        instance_type=config.get("instance_class"),
        engine=config.get("engine") or "postgres",
        multi_az=bool(config.get("multi_az")),
        volume_type=config.get("storage_type") or "gp2",
        size_gb=Decimal(config.get("allocated_storage_gb") or 0),
        iops=config.get("iops"),
    )


def _nat(resource: Resource, key: str | None) -> CostResource:
    return CostResource(
        kind="nat_gateway",
        **_base(resource, key, "create_time"),
        attached_to=resource.config.get("vpc_id"),
    )


def _balancer(resource: Resource, key: str | None) -> CostResource:
    config = resource.config
    values = _base(resource, key, "created_time")
    values.update(resource_id=resource.arn, name=resource.name)
    return CostResource(
        kind="load_balancer",
        **values,
        volume_type=config.get("type") or "application",
        attached_to=config.get("vpc_id"),
    )


CONVERTERS: dict[str, Callable[[Resource, str | None], CostResource]] = {
    "ec2:instance": _instance,
    "ec2:volume": _volume,
    "ec2:snapshot": _snapshot,
    "ec2:elastic-ip": _address,
    "rds:db-instance": _database,
    "ec2:nat-gateway": _nat,
    "elbv2:load-balancer": _balancer,
}
"""Discovery resource type -> its billable shape."""


def to_cost_resource(resource: Resource, key: str | None = None) -> CostResource | None:
    """The billable shape of a resource, or None when it is not billed (or not priced).

    Args:
        resource: a resource discovery read or stored.
        key: how ``AwsClients`` reaches its account (None = primary).
    """
    convert = CONVERTERS.get(resource.type)
    if convert is None or resource.state in GONE.get(resource.type, ()):
        return None
    return convert(resource, key)


def billable(ctx: ToolContext, resources: list[Resource]) -> list[CostResource]:
    """The billable ones among ``resources``, in their order.

    Args:
        ctx: tool context (to tell the primary account from the others).
        resources: resources discovery read.
    """
    found = (to_cost_resource(r, account_key(ctx, r.account)) for r in resources)
    return [r for r in found if r is not None]


def collect(
    ctx: ToolContext, regions: list[str] | None = None, readers: tuple[Reader, ...] = READERS
) -> list[CostResource]:
    """Every billable resource in every account and region, read now and in parallel.

    Args:
        ctx: tool context.
        regions: regions to read (default: the configured ones).
        readers: which discovery readers to run.
    """
    return billable(ctx, read(ctx, readers, regions=regions))
