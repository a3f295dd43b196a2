"""EC2 reads shared by the instance playbooks: the instance itself, its status checks, its group."""

from __future__ import annotations

from typing import Any

from core.aws_read import paginate, tag_value
from tools.alerts.playbooks.models import EventEvidence, ReadEvidence, quote
from tools.alerts.playbooks.notebook import Notebook

ACTIVITIES = 5
"""Scaling activities cited at most."""


def describe(book: Notebook, instance_id: str) -> dict[str, Any] | None:
    """The instance as DescribeInstances answers it (None when unreadable or gone).

    Args:
        book: the playbook run.
        instance_id: i-...
    """
    client = book.client("ec2")

    def read() -> list[dict[str, Any]]:
        found = paginate(client, "describe_instances", "Reservations", InstanceIds=[instance_id])
        return [i for r in found for i in r["Instances"]]

    instances = book.read(f"instance {instance_id}", "ec2:DescribeInstances", read)
    if instances is None:
        return None
    if not instances:
        book.skip(f"instance {instance_id}", "DescribeInstances does not know it.")
        return None
    return instances[0]


def label(instance: dict[str, Any]) -> str:
    """``name (id)`` of an instance, its Name tag quoted as data.

    Args:
        instance: a DescribeInstances item.
    """
    name = tag_value(instance.get("Tags"), "Name")
    instance_id = str(instance["InstanceId"])
    return f"{quote(name, 80)} ({instance_id})" if name else instance_id


def status_checks(book: Notebook, instance_id: str) -> ReadEvidence | None:
    """System and instance status checks (None when unreadable or not reported).

    Args:
        book: the playbook run.
        instance_id: i-...
    """
    client = book.client("ec2")

    def read() -> list[dict[str, Any]]:
        return list(
            paginate(
                client, "describe_instance_status", "InstanceStatuses",
                InstanceIds=[instance_id], IncludeAllInstances=True,
            )
        )  # fmt: skip

    statuses = book.read(f"status checks of {instance_id}", "ec2:DescribeInstanceStatus", read)
    if not statuses:
        return None
    status = statuses[0]
    facts = {
        "system": str(status.get("SystemStatus", {}).get("Status", "unknown")),
        "instance": str(status.get("InstanceStatus", {}).get("Status", "unknown")),
        "state": str(status.get("InstanceState", {}).get("Name", "unknown")),
    }
    return ReadEvidence(call="DescribeInstanceStatus", resource=instance_id, facts=facts)


def scaling_group(book: Notebook, instance_id: str) -> dict[str, Any] | None:
    """The Auto Scaling group the instance belongs to (None when it is in none).

    Args:
        book: the playbook run.
        instance_id: i-...
    """
    client = book.client("autoscaling")
    members = book.read(
        f"Auto Scaling membership of {instance_id}", "autoscaling:DescribeAutoScalingInstances",
        lambda: client.describe_auto_scaling_instances(InstanceIds=[instance_id]),
    )  # fmt: skip
    found = (members or {}).get("AutoScalingInstances", [])
    if not found:
        return None
    name = found[0]["AutoScalingGroupName"]
    groups = book.read(
        f"Auto Scaling group {name}", "autoscaling:DescribeAutoScalingGroups",
        lambda: client.describe_auto_scaling_groups(AutoScalingGroupNames=[name]),
    )  # fmt: skip
    listed = (groups or {}).get("AutoScalingGroups", [])
    return listed[0] if listed else {"AutoScalingGroupName": name}


def activities(book: Notebook, group: str) -> list[EventEvidence]:
    """The group's most recent scaling activities.

    Args:
        book: the playbook run.
        group: Auto Scaling group name.
    """
    client = book.client("autoscaling")
    answer = book.read(
        f"scaling activities of {group}", "autoscaling:DescribeScalingActivities",
        lambda: client.describe_scaling_activities(
            AutoScalingGroupName=group, MaxRecords=ACTIVITIES
        ),
    )  # fmt: skip
    return [
        EventEvidence(
            source="autoscaling",
            event_id=str(item.get("ActivityId", "?")),
            name=quote(item.get("Description", item.get("Cause", "")), 160),
            at=item.get("StartTime"),
        )
        for item in (answer or {}).get("Activities", [])[:ACTIVITIES]
    ]
