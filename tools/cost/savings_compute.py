"""Savings checks on EC2 compute: idle, oversized, previous generation, stopped-but-paying."""

from __future__ import annotations

from decimal import Decimal

from tools.cost.catalog import PriceCatalog
from tools.cost.estimate_models import HOURS_PER_MONTH, CostResource
from tools.cost.estimator import estimate
from tools.cost.metrics import Usage
from tools.cost.savings_models import FixCall, Recommendation

IDLE_AVERAGE_CPU = 5.0
IDLE_PEAK_CPU = 15.0
OVERSIZED_PEAK_CPU = 40.0
SIZES = (
    "nano", "micro", "small", "medium", "large", "xlarge", "2xlarge", "3xlarge", "4xlarge",
    "6xlarge", "8xlarge", "9xlarge", "12xlarge", "16xlarge", "18xlarge", "24xlarge", "32xlarge",
    "48xlarge",
)  # fmt: skip
NEXT_GENERATION: dict[str, tuple[str, ...]] = {
    "t1": ("t3",), "t2": ("t3",), "m1": ("m5", "m6i"), "m2": ("r5", "r6i"),
    "m3": ("m5", "m6i"), "m4": ("m5", "m6i", "m7i"), "c1": ("c5", "c6i"), "c3": ("c5", "c6i"),
    "c4": ("c5", "c6i", "c7i"), "r3": ("r5", "r6i"), "r4": ("r5", "r6i", "r7i"),
    "i2": ("i3",), "d2": ("d3",), "g2": ("g4dn",), "g3": ("g4dn",), "p2": ("p3",),
}  # fmt: skip


def _split(instance_type: str) -> tuple[str, str]:
    family, _, size = instance_type.partition(".")
    return family, size


def _label(resource: CostResource) -> dict[str, str | None]:
    return {
        "resource_id": resource.resource_id,
        "resource": resource.label,
        "region": resource.region,
        "account": resource.account,
    }


def _cpu_text(usage: Usage) -> str:
    return (
        f"CPU averaged {usage.average:.1f}% (peak {usage.peak:.1f}%) over the last "
        f"{usage.days} days ({usage.datapoints} hourly datapoints)."
    )


def idle_instance(resource: CostResource, usage: Usage | None) -> Recommendation | None:
    """Running instance whose CPU stayed low for the whole window -> stop it.

    Args:
        resource: an EC2 instance.
        usage: its CPU over the lookback window.
    """
    if resource.state != "running" or usage is None:
        return None
    if usage.average >= IDLE_AVERAGE_CPU or usage.peak >= IDLE_PEAK_CPU:
        return None
    compute = estimate(resource.model_copy(update={"public_ip": None})).monthly_usd
    return Recommendation(
        check="idle-ec2",
        title=f"Stop idle {resource.instance_type} {resource.label}",
        monthly_savings=compute,
        evidence=[
            _cpu_text(usage),
            f"{resource.instance_type} costs {compute.quantize(Decimal('0.01'))} USD a month "
            "at 730 h.",
        ],
        judgement="Low CPU is a strong hint, not proof: check nothing waits on it (queues, cron).",
        fix=FixCall(
            tool="ec2.stop_instances",
            args={"targets": [resource.resource_id], "region": resource.region},
        ),
        **_label(resource),
    )


def smaller_size(prices: PriceCatalog, instance_type: str, region: str) -> str | None:
    """The next smaller size of the same family that is sold in ``region``.

    Args:
        prices: the catalog.
        instance_type: current type.
        region: its region.
    """
    family, size = _split(instance_type)
    if size not in SIZES:
        return None
    for smaller in reversed(SIZES[: SIZES.index(size)]):
        candidate = f"{family}.{smaller}"
        if (region, candidate) in prices.ec2:
            return candidate
    return None


def oversized_instance(
    prices: PriceCatalog, resource: CostResource, usage: Usage | None
) -> Recommendation | None:
    """Running instance that never used much CPU -> one size down in its family.

    Args:
        prices: the catalog.
        resource: an EC2 instance.
        usage: its CPU over the lookback window.
    """
    if resource.state != "running" or usage is None or usage.peak >= OVERSIZED_PEAK_CPU:
        return None
    if idle_instance(resource, usage) is not None:
        return None
    current = str(resource.instance_type)
    if current.startswith("t"):
        return None  # burstable: CPU % is measured against a full core and credits; not comparable
    target = smaller_size(prices, current, resource.region)
    if target is None:
        return None
    old = prices.ec2_instance(current, resource.region)
    new = prices.ec2_instance(target, resource.region)
    saving = (old.usd - new.usd) * HOURS_PER_MONTH
    return Recommendation(
        check="rightsize-ec2",
        title=f"Rightsize {resource.label} from {current} to {target}",
        monthly_savings=saving,
        evidence=[
            _cpu_text(usage),
            f"Peak below {OVERSIZED_PEAK_CPU:.0f}%: half the vCPUs would still peak under 80%.",
            f"{current} ${old.usd}/h vs {target} ${new.usd}/h (list prices as of {new.as_of}).",
        ],
        judgement="CPU only: memory use is not published by EC2 without the CloudWatch agent.",
        fix=FixCall(
            tool="ec2.modify_instance_type",
            args={
                "target": resource.resource_id,
                "instance_type": target,
                "region": resource.region,
            },
        ),
        **_label(resource),
    )


def current_generation(prices: PriceCatalog, instance_type: str, region: str) -> str | None:
    """Cheapest current-generation type of the same size replacing a previous-generation one.

    Args:
        prices: the catalog.
        instance_type: current type.
        region: its region.
    """
    family, size = _split(instance_type)
    options = [f"{f}.{size}" for f in NEXT_GENERATION.get(family, ())]
    priced = [(prices.ec2[(region, o)][0], o) for o in options if (region, o) in prices.ec2]
    return min(priced)[1] if priced else None


def previous_generation(prices: PriceCatalog, resource: CostResource) -> Recommendation | None:
    """Previous-generation type -> current generation of the same size.

    Args:
        prices: the catalog.
        resource: an EC2 instance.
    """
    current = str(resource.instance_type)
    target = current_generation(prices, current, resource.region)
    if target is None:
        return None
    old = prices.ec2_instance(current, resource.region)
    new = prices.ec2_instance(target, resource.region)
    saving = max(Decimal(0), (old.usd - new.usd) * HOURS_PER_MONTH)
    evidence = [
        f"{current} is a previous-generation type; {target} is its current-generation successor.",
        f"{current} ${old.usd}/h vs {target} ${new.usd}/h (list prices as of {new.as_of}): "
        f"{saving.quantize(Decimal('0.01'))} USD a month at 730 h, with newer CPUs.",
    ]
    if resource.state != "running":
        evidence.append(f"It is {resource.state} now, so the saving applies once it runs again.")
    return Recommendation(
        check="previous-generation",
        title=f"Move {resource.label} from {current} to {target}",
        monthly_savings=saving,
        evidence=evidence,
        judgement="Check the AMI supports the newer type (ENA and NVMe drivers).",
        fix=FixCall(
            tool="ec2.modify_instance_type",
            args={
                "target": resource.resource_id,
                "instance_type": target,
                "region": resource.region,
            },
        ),
        **_label(resource),
    )


def stopped_with_storage(
    resource: CostResource, volumes: list[CostResource]
) -> Recommendation | None:
    """Stopped instance whose EBS volumes are still billed.

    Args:
        resource: an EC2 instance.
        volumes: volumes attached to it.
    """
    if resource.state != "stopped" or not volumes:
        return None
    cost = sum((estimate(v).monthly_usd for v in volumes), Decimal(0))
    sizes = ", ".join(f"{v.resource_id} {v.size_gb} GB {v.volume_type}" for v in volumes)
    return Recommendation(
        check="stopped-instance-storage",
        title=f"Stopped {resource.label} still pays for its EBS volumes",
        monthly_savings=cost,
        evidence=[f"Stopped, but its volumes are billed: {sizes}."],
        judgement="Snapshot and terminate it if nobody needs it; that needs a person to decide.",
        fix=None,
        **_label(resource),
    )
