"""The monthly cost of a spec from the cost catalog: line items per component, what is always
on (fixed) and what depends on usage, and what could not be priced (with the reason, never $0).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from tools.architecture.estimate_models import BillableResource, CostLine, Estimate, NotPriced
from tools.architecture.sizing import SECONDS_PER_MONTH
from tools.architecture.spec import ArchitectureSpec, Component
from tools.cost.estimate_models import CostResource
from tools.cost.estimator import estimate
from tools.errors import InvalidInput

USAGE_UNITS = frozenset(
    {"request", "GB", "LCU-hour", "GB-second", "read request unit", "write request unit"}
)
"""Units billed by use (requests, data); everything else is charged while the resource exists."""
STORED_DATA = frozenset({"s3_bucket", "dynamodb_table", "aurora_storage"})
"""Kinds whose storage follows the data kept (a usage), not a provisioned size."""
RESPONSE_KB = Decimal(10)
NAT_GB_PER_GATEWAY = Decimal(50)
FREE = "no charge"


def _requests(c: Component) -> Decimal:
    return Decimal(c.usage.get("requests", 0))


def cost_resources(spec: ArchitectureSpec) -> list[tuple[str, CostResource]]:
    """The billable resources of a spec, as the cost estimator prices them.

    Args:
        spec: the architecture.
    """
    region = spec.region
    found: list[tuple[str, CostResource]] = []

    def add(component: str, kind: str, **facts: object) -> None:
        resource = CostResource.model_validate(
            {"kind": kind, "region": region, "resource_id": component, **facts}
        )
        found.append((component, resource))

    for c in spec.components:
        for kind, facts in _component_resources(spec, c):
            add(c.name, kind, **facts)
    network = spec.network
    if network is not None and network.nat != "none":
        gateways = spec.az_count if network.nat == "per-az" else 1
        for _ in range(gateways):
            add("network", "nat_gateway", usage={"gb_processed": NAT_GB_PER_GATEWAY})
            add("network", "elastic_ip")
    return found


def _component_resources(spec: ArchitectureSpec, c: Component) -> list[tuple[str, dict[str, Any]]]:
    if c.kind == "alb":
        rps = _requests(c) / SECONDS_PER_MONTH
        lcu = max(rps * Decimal("0.036"), rps / 250, Decimal(1)).quantize(Decimal("0.1"))
        gb_out = (_requests(c) * RESPONSE_KB / 1_000_000).quantize(Decimal(1))
        return [
            ("load_balancer", {"volume_type": "application", "usage": {"lcu": lcu}}),
            ("data_transfer", {"usage": {"gb_out": gb_out}}),
        ]
    if c.kind == "asg":
        per: list[tuple[str, dict[str, Any]]] = [
            ("ec2_instance", {"instance_type": c.instance_type}),
            ("ebs_volume", {"volume_type": "gp3", "size_gb": Decimal(c.storage_gb or 20)}),
        ]
        return per * c.count
    if c.kind == "fargate":
        return [
            (
                "fargate_task",
                {"vcpu": c.vcpu, "memory_mb": c.memory_mb, "usage": {"tasks": Decimal(c.count)}},
            )
        ]
    if c.kind == "lambda":
        return [("lambda_function", {"memory_mb": c.memory_mb, "usage": dict(c.usage)})]
    if c.kind == "rds":
        return [
            (
                "rds_instance",
                {
                    "instance_type": c.instance_type,
                    "engine": c.engine,
                    "multi_az": c.multi_az,
                    "volume_type": "gp3",
                    "size_gb": Decimal(c.storage_gb),
                },
            )
        ]
    if c.kind == "aurora":
        return [
            ("aurora_instance", {"instance_type": c.instance_type, "engine": c.engine})
        ] * c.count + [("aurora_storage", {"size_gb": Decimal(c.storage_gb)})]
    if c.kind == "redis":
        return [
            ("elasticache_node", {"instance_type": c.instance_type, "engine": "redis"})
        ] * c.count
    simple = {
        "dynamodb": "dynamodb_table",
        "s3": "s3_bucket",
        "cloudfront": "cloudfront_distribution",
        "sqs": "sqs_queue",
        "sns": "sns_topic",
        "apigateway": "api_gateway",
    }
    return [(simple[c.kind], {"size_gb": Decimal(c.storage_gb), "usage": dict(c.usage)})]


def estimate_spec(spec: ArchitectureSpec) -> Estimate:
    """Price every billable resource of ``spec``.

    Args:
        spec: the architecture.
    """
    result = Estimate(region=spec.region, lines=[])
    for component, resource in cost_resources(spec):
        if resource.kind != "data_transfer":  # a charge, not a resource anyone can find
            result.resources.append(
                BillableResource(component=component, kind=resource.kind, detail=_detail(resource))
            )
        try:
            priced = estimate(resource)
        except InvalidInput as missing:
            item = NotPriced(component=component, what=_what(resource), reason=str(missing))
            if item not in result.not_priced:
                result.not_priced.append(item)
            continue
        result.assumptions += [a for a in priced.assumptions if a not in result.assumptions]
        result.lines += [
            CostLine(
                component=component,
                usage_based=item.unit in USAGE_UNITS or resource.kind in STORED_DATA,
                **item.model_dump(),
            )
            for item in priced.line_items
        ]
    if spec.network is not None:
        result.free.append(
            "VPC, subnets, route tables, security groups, gateway endpoints: no charge."
        )
    result.free.append("IAM roles and policies: no charge.")
    result.assumptions.append(
        f"Responses average {RESPONSE_KB} KB; "
        f"each NAT gateway processes {NAT_GB_PER_GATEWAY} GB a month."
    )
    return result


def _what(resource: CostResource) -> str:
    detail = resource.instance_type or resource.volume_type
    return f"{detail} {resource.kind}" if detail else resource.kind


def _detail(resource: CostResource) -> str:
    return str(resource.instance_type or resource.volume_type or resource.kind)
