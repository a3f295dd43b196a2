"""Run every savings check over the estate and rank the findings by dollars saved."""

from __future__ import annotations

from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Any

from tools.context import ToolContext
from tools.cost import metrics, savings_compute, savings_storage
from tools.cost.catalog import catalog
from tools.cost.models import CostResource
from tools.cost.resources import collect
from tools.cost.savings_models import Recommendation


def _healthy_targets(aws: Any, lb: CostResource) -> int:
    client = aws.client("elbv2", lb.region, lb.account_key)
    groups = client.describe_target_groups(LoadBalancerArn=lb.resource_id)["TargetGroups"]
    healthy = 0
    for group in groups:
        health = client.describe_target_health(TargetGroupArn=group["TargetGroupArn"])
        states = [d["TargetHealth"]["State"] for d in health["TargetHealthDescriptions"]]
        healthy += sum(1 for s in states if s in ("healthy", "unused", "initial"))
    return healthy


def _gateway_endpoints(aws: Any, nat: CostResource) -> set[str]:
    client = aws.client("ec2", nat.region, nat.account_key)
    filters = [
        {"Name": "vpc-id", "Values": [nat.attached_to or ""]},
        {"Name": "vpc-endpoint-type", "Values": ["Gateway"]},
    ]
    endpoints = client.describe_vpc_endpoints(Filters=filters).get("VpcEndpoints", [])
    return {e["ServiceName"].rsplit(".", 1)[-1] for e in endpoints}


def _compute(
    ctx: ToolContext, resources: list[CostResource], now: datetime
) -> list[Recommendation | None]:
    prices = catalog()
    instances = [r for r in resources if r.kind == "ec2_instance"]
    volumes_by_instance: dict[str, list[CostResource]] = defaultdict(list)
    for volume in (r for r in resources if r.kind == "ebs_volume" and r.attached_to):
        volumes_by_instance[str(volume.attached_to)].append(volume)

    def cpu(instance: CostResource) -> metrics.Usage | None:
        if instance.state != "running":
            return None
        return metrics.cpu_usage(
            ctx.aws, instance.region, instance.account_key, instance.resource_id, now
        )

    with ThreadPoolExecutor(max_workers=8) as pool:
        usages = list(pool.map(cpu, instances))
    found: list[Recommendation | None] = []
    for instance, usage in zip(instances, usages, strict=True):
        found += [
            savings_compute.idle_instance(instance, usage),
            savings_compute.oversized_instance(prices, instance, usage),
            savings_compute.previous_generation(prices, instance),
            savings_compute.stopped_with_storage(
                instance, volumes_by_instance[instance.resource_id]
            ),
        ]
    return found


def _storage(
    ctx: ToolContext, resources: list[CostResource], now: datetime
) -> list[Recommendation | None]:
    prices = catalog()
    names = {r.resource_id: r.name for r in resources if r.kind == "ec2_instance" and r.name}
    found: list[Recommendation | None] = []
    for r in resources:
        if r.kind == "ebs_volume" and not r.name and r.attached_to in names:
            r = r.model_copy(update={"name": f"volume of {names[str(r.attached_to)]}"})
        if r.kind == "ebs_volume":
            unattached = savings_storage.unattached_volume(r)
            found.append(unattached or savings_storage.gp2_volume(r))
        elif r.kind == "elastic_ip":
            found.append(savings_storage.unassociated_address(r))
        elif r.kind == "ebs_snapshot":
            found.append(savings_storage.old_snapshot(r, now))
        elif r.kind == "load_balancer":
            found.append(savings_storage.idle_load_balancer(r, _healthy_targets(ctx.aws, r)))
        elif r.kind == "nat_gateway":
            gb = metrics.nat_gb_per_month(ctx.aws, r.region, r.account_key, r.resource_id, now)
            found.append(
                savings_storage.nat_heavy_traffic(prices, r, gb, _gateway_endpoints(ctx.aws, r))
            )
    return found


def recommendations(
    ctx: ToolContext,
    regions: list[str] | None = None,
    now: datetime | None = None,
    resources: list[CostResource] | None = None,
) -> list[Recommendation]:
    """Every savings opportunity found, largest monthly saving first.

    Args:
        ctx: tool context.
        regions: regions to look at (default: the configured ones).
        now: end of the metric window (default: the clock's now).
        resources: already-collected resources (default: read them from AWS).
    """
    moment = now or ctx.clock.now()
    estate = resources if resources is not None else collect(ctx, regions)
    found = _compute(ctx, estate, moment) + _storage(ctx, estate, moment)
    kept = [r for r in found if r is not None and r.monthly_savings > 0]
    return sorted(kept, key=lambda r: r.monthly_savings, reverse=True)
