"""EC2 CPU high: the metric, status checks, recent changes, scaling activity, type and price."""

from __future__ import annotations

from typing import Any

from tools.actions.ec2_resize import ModifyInstanceTypeArgs
from tools.alerts.playbooks import instance, inventory, metrics, trail
from tools.alerts.playbooks.fixes import SetDesiredCapacityArgs, SuggestedFix
from tools.alerts.playbooks.models import MetricEvidence, ReadEvidence
from tools.alerts.playbooks.notebook import Notebook
from tools.cost.catalog import catalog
from tools.cost.savings_compute import SIZES
from tools.ec2.models import PowerArgs
from tools.errors import ToolError

HOT_CPU = 80.0
"""Peak CPU (%) at or above which the instance is called saturated."""


def larger_size(instance_type: str, region: str) -> str | None:
    """The next larger size of the same family sold in ``region`` (None at the top).

    Args:
        instance_type: e.g. ``t3.micro``.
        region: its region.
    """
    family, _, size = instance_type.partition(".")
    prices = catalog()
    if size not in SIZES:
        return None
    for bigger in SIZES[SIZES.index(size) + 1 :]:
        if (region, f"{family}.{bigger}") in prices.ec2:
            return f"{family}.{bigger}"
    return None


def _cpu(book: Notebook, instance_id: str) -> MetricEvidence | None:
    ref = metrics.metric_for(book, "AWS/EC2", "CPUUtilization", {"InstanceId": instance_id})
    cpu = metrics.summary(book, ref, "Average")
    if cpu is not None:
        hot = cpu.peak >= HOT_CPU
        book.found(
            f"CPU peaked at {cpu.peak:.0f}% (average {cpu.average:.0f}%) around the alarm"
            + (" — the instance is saturated." if hot else "."),
            80 if hot else 30, cpu,
        )  # fmt: skip
    return cpu


def _status(book: Notebook, instance_id: str) -> bool:
    checks = instance.status_checks(book, instance_id)
    if checks is None:
        return False
    impaired = any(checks.facts[k] == "impaired" for k in ("system", "instance"))
    words = "failing" if impaired else "passing"
    book.found(
        f"Status checks are {words} (system {checks.facts['system']}, "
        f"instance {checks.facts['instance']}).", 90 if impaired else 10, checks,
    )  # fmt: skip
    return impaired


def _changes(book: Notebook, instance_id: str) -> None:
    for change in inventory.changes(book, instance_id):
        fields = ", ".join(change.fields) or "the resource"
        book.found(f"The inventory saw {change.change} ({fields}).", 50, change)
    for event in trail.events_for(book, instance_id) or []:
        item = trail.evidence(event)
        book.found(f"CloudTrail: {item.name} by {item.user or 'unknown'}.", 45, item)


def _price(book: Notebook, raw: dict[str, Any]) -> str | None:
    kind, region = str(raw.get("InstanceType", "")), book.signal.region
    try:
        price = catalog().ec2_instance(kind, region)
    except ToolError:
        book.skip(f"list price of {kind}", f"no packaged list price for it in {region}.")
        return larger_size(kind, region) if kind else None
    bigger = larger_size(kind, region)
    facts = {"instance_type": kind, "usd_per_hour": str(price.usd), "as_of": price.as_of}
    if bigger:
        facts["next_size_up"] = bigger
        facts["next_usd_per_hour"] = str(catalog().ec2_instance(bigger, region).usd)
    evidence = ReadEvidence(call="DescribeInstances", resource=instance.label(raw), facts=facts)
    book.found(f"It is a {kind} at ${price.usd}/h list (as of {price.as_of}).", 20, evidence)
    return bigger


def _group(book: Notebook, instance_id: str) -> tuple[bool, SuggestedFix | None]:
    """Whether it is in an Auto Scaling group, and one more instance when there is room."""
    group = instance.scaling_group(book, instance_id)
    if group is None:
        return False, None
    name = str(group["AutoScalingGroupName"])
    desired, most = group.get("DesiredCapacity"), group.get("MaxSize")
    activity = instance.activities(book, name)
    facts = {"group": name, "desired": str(desired), "max": str(most)}
    read = ReadEvidence(call="DescribeAutoScalingGroups", resource=name, facts=facts)
    book.found(f"It is in Auto Scaling group {name} ({desired} of max {most}).", 40, read,
               *activity)  # fmt: skip
    if not isinstance(desired, int) or not isinstance(most, int) or desired >= most:
        return True, None
    args = SetDesiredCapacityArgs(target=name, desired=desired + 1, region=book.signal.region)
    return True, SuggestedFix(
        tool="asg.set_desired_capacity", args=args,
        why=f"Add one instance to {name} to spread the CPU load ({desired} -> {desired + 1}).",
    )  # fmt: skip


def run(book: Notebook) -> SuggestedFix | None:
    """Investigate high CPU on one instance and suggest more capacity when it is saturated.

    Args:
        book: the playbook run (signal.resource is the instance id or ARN).
    """
    instance_id = book.signal.resource.rsplit("/", 1)[-1]
    raw = instance.describe(book, instance_id)
    cpu = _cpu(book, instance_id)
    impaired = _status(book, instance_id)
    _changes(book, instance_id)
    bigger = _price(book, raw) if raw else None
    in_group, scaled = _group(book, instance_id)
    if impaired:
        return SuggestedFix(
            tool="ec2.reboot_instances",
            args=PowerArgs(targets=[instance_id], region=book.signal.region),
            why="Status checks are failing; a reboot moves it off the impaired state.",
        )
    if cpu is None or cpu.peak < HOT_CPU:
        return None
    if in_group:
        return scaled
    if raw is None or bigger is None or raw.get("State", {}).get("Name") != "running":
        return None
    args = ModifyInstanceTypeArgs(target=instance_id, instance_type=bigger,
                                  region=book.signal.region)  # fmt: skip
    return SuggestedFix(
        tool="ec2.modify_instance_type", args=args,
        why=f"CPU peaked at {cpu.peak:.0f}%; {bigger} is one size up from {raw['InstanceType']}.",
    )  # fmt: skip
