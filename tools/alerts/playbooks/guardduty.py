"""A GuardDuty finding: its resource, type and severity, quoted as data; stop a hit instance."""

from __future__ import annotations

import re
from typing import Any

from tools.alerts.playbooks import instance
from tools.alerts.playbooks.fixes import SuggestedFix
from tools.alerts.playbooks.models import EventEvidence, ReadEvidence, quote
from tools.alerts.playbooks.notebook import Notebook
from tools.ec2.models import PowerArgs

HIGH_SEVERITY = 7.0
"""GuardDuty's own 'High' band starts here; below it no stop is suggested."""
INSTANCE_ID = re.compile(r"i-[0-9a-f]{8,17}")


def finding_of(details: dict[str, Any]) -> dict[str, Any]:
    """The finding object, whether the alert carries the EventBridge event or the bare finding.

    Args:
        details: the signal's raw details.
    """
    inner = details.get("detail")
    return inner if isinstance(inner, dict) else details


def _severity(finding: dict[str, Any]) -> float:
    try:
        return float(finding.get("severity", 0))
    except (TypeError, ValueError):
        return 0.0


def _instance_id(finding: dict[str, Any]) -> str | None:
    resource = finding.get("resource")
    details = resource.get("instanceDetails") if isinstance(resource, dict) else None
    found = details.get("instanceId") if isinstance(details, dict) else None
    return found if isinstance(found, str) and INSTANCE_ID.fullmatch(found) else None


def run(book: Notebook) -> SuggestedFix | None:
    """Summarise the finding; for a high-severity finding on an instance, suggest stopping it.

    Args:
        book: the playbook run (signal.details holds the finding, as data).
    """
    finding = finding_of(book.signal.details)
    severity = _severity(finding)
    kind = quote(finding.get("type", "unknown type"), 120)
    resource = finding.get("resource")
    resource_type = (
        quote(resource.get("resourceType", "?"), 40) if isinstance(resource, dict) else "?"
    )
    evidence = EventEvidence(
        source="guardduty", event_id=quote(finding.get("id", book.signal.resource), 80), name=kind,
        at=book.signal.fired_at,
    )  # fmt: skip
    title = quote(finding.get("title") or finding.get("description") or "", 200)
    book.found(
        f"GuardDuty {kind} (severity {severity:g}) on {resource_type}: “{title}”.", 90, evidence
    )
    target = _instance_id(finding)
    if target is None:
        return None
    raw = instance.describe(book, target)
    if raw is not None:
        state = raw.get("State", {}).get("Name", "unknown")
        facts = {"state": str(state), "type": str(raw.get("InstanceType"))}
        read = ReadEvidence(call="DescribeInstances", resource=target, facts=facts)
        book.found(f"The instance {instance.label(raw)} is {state} now.", 40, read)
    if severity < HIGH_SEVERITY or (
        raw is not None and raw.get("State", {}).get("Name") != "running"
    ):
        return None
    return SuggestedFix(
        tool="ec2.stop_instances",
        args=PowerArgs(targets=[target], region=book.signal.region),
        why=f"High-severity {kind} on {target}: stop it to contain it while it is examined.",
    )
