"""Run every savings check over the estate and rank the findings by dollars saved."""

from __future__ import annotations

from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime

from tools.context import ToolContext
from tools.cost import metrics, savings_compute, savings_storage
from tools.cost.catalog import catalog
from tools.cost.estimate_models import CostResource
from tools.cost.resources import READERS, billable
from tools.cost.savings_models import Recommendation
from tools.discovery.collectors import elbv2, vpc
from tools.discovery.read import permissions, read
from tools.discovery.resource_models import Resource
from tools.iam import needs

EVIDENCE_READERS = (elbv2.target_groups, vpc.endpoints)
"""What the checks read besides the billable estate: target health, gateway endpoints."""
PERMISSIONS = needs(permissions(*READERS, *EVIDENCE_READERS), metrics.PERMISSIONS)
"""IAM actions of finding every recommendation."""
SERVING = ("healthy", "unused", "initial")
"""Target health states that mean a load balancer still has work to send somewhere."""


@dataclass
class Evidence:
    """What the estate shows beyond its billable resources.

    Attributes:
        healthy_targets: load balancer ARN -> targets serving behind it.
        gateway_endpoints: VPC id -> services with a gateway endpoint there (``s3``...).
    """

    healthy_targets: dict[str, int] = field(default_factory=dict)
    gateway_endpoints: dict[str, set[str]] = field(default_factory=dict)

    @classmethod
    def of(cls, resources: list[Resource]) -> Evidence:
        """The evidence among resources discovery read.

        Args:
            resources: target groups and VPC endpoints (others are ignored).
        """
        evidence = cls()
        for resource in resources:
            config = resource.config
            if resource.type == "elbv2:target-group":
                serving = sum(1 for t in config.get("targets", []) if t["health"] in SERVING)
                for lb in config.get("load_balancers", []):
                    evidence.healthy_targets[lb] = evidence.healthy_targets.get(lb, 0) + serving
            elif resource.type == "ec2:vpc-endpoint" and config.get("endpoint_type") == "Gateway":
                service = str(config.get("service_name", "")).rsplit(".", 1)[-1]
                evidence.gateway_endpoints.setdefault(str(config.get("vpc_id")), set()).add(service)
        return evidence


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
    ctx: ToolContext, resources: list[CostResource], evidence: Evidence, now: datetime
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
            healthy = evidence.healthy_targets.get(r.resource_id, 0)
            found.append(savings_storage.idle_load_balancer(r, healthy))
        elif r.kind == "nat_gateway":
            gb = metrics.nat_gb_per_month(ctx.aws, r.region, r.account_key, r.resource_id, now)
            endpoints = evidence.gateway_endpoints.get(str(r.attached_to), set())
            found.append(savings_storage.nat_heavy_traffic(prices, r, gb, endpoints))
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
    if resources is None:
        seen = read(ctx, (*READERS, *EVIDENCE_READERS), regions=regions)
        estate, evidence = billable(ctx, seen), Evidence.of(seen)
    else:
        estate = resources
        evidence = Evidence.of(read(ctx, EVIDENCE_READERS, regions=regions))
    found = _compute(ctx, estate, moment) + _storage(ctx, estate, evidence, moment)
    kept = [r for r in found if r is not None and r.monthly_savings > 0]
    return sorted(kept, key=lambda r: r.monthly_savings, reverse=True)
