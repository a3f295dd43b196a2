"""An instance changed state or was terminated: who did it (CloudTrail) and where it stands now."""

from __future__ import annotations

from tools.alerts.playbooks import instance, trail
from tools.alerts.playbooks.fixes import SuggestedFix
from tools.alerts.playbooks.models import ReadEvidence, quote
from tools.alerts.playbooks.notebook import Notebook

STATE_EVENTS = ("StartInstances", "StopInstances", "TerminateInstances", "RebootInstances",
                "RunInstances")  # fmt: skip


def run(book: Notebook) -> SuggestedFix | None:
    """Say who started, stopped or terminated the instance and what state it is in (no fix).

    Args:
        book: the playbook run (signal.resource is the instance id or ARN).
    """
    instance_id = book.signal.resource.rsplit("/", 1)[-1]
    events = trail.events_for(book, instance_id, STATE_EVENTS)
    for event in events or []:
        item = trail.evidence(event)
        when = item.at.isoformat(timespec="minutes") if item.at else "an unknown time"
        book.found(f"{item.user or 'Someone'} called {item.name} at {when}.", 90, item)
    if events == []:
        book.found(
            "CloudTrail records no start, stop or terminate call for it: AWS itself may have "
            "changed its state (a scheduled event or a Spot interruption).", 60,
        )  # fmt: skip
    raw = instance.describe(book, instance_id)
    if raw is not None:
        facts = {"state": str(raw.get("State", {}).get("Name")),
                 "reason": quote(raw.get("StateTransitionReason", ""), 160)}  # fmt: skip
        evidence = ReadEvidence(call="DescribeInstances", resource=instance_id, facts=facts)
        reason = facts["reason"] or "no reason given"
        book.found(f"{instance.label(raw)} is {facts['state']} now ({reason}).", 50, evidence)
    return None
