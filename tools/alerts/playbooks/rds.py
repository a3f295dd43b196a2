"""RDS connections, CPU or storage: the metric, the instance's class and storage, recent changes."""

from __future__ import annotations

import math
from typing import Any

from core.aws_read import paginate
from tools.alerts.playbooks import inventory, metrics, trail
from tools.alerts.playbooks.fixes import ModifyStorageArgs, SuggestedFix
from tools.alerts.playbooks.models import ReadEvidence
from tools.alerts.playbooks.notebook import Notebook

GIB = 1024**3
LOW_FREE_SHARE = 0.10
"""Free storage below this share of the allocation is called nearly full."""
GROWTH = 1.25
"""Storage is grown by this factor (RDS wants at least 10% more)."""
METRICS = {
    "rds_connections": ("DatabaseConnections", "Maximum"),
    "rds_cpu": ("CPUUtilization", "Average"),
    "rds_storage": ("FreeStorageSpace", "Minimum"),
}


def _describe(book: Notebook, db_id: str) -> dict[str, Any] | None:
    client = book.client("rds")
    found = book.read(
        f"database {db_id}", "rds:DescribeDBInstances",
        lambda: list(paginate(client, "describe_db_instances", "DBInstances",
                              DBInstanceIdentifier=db_id)),
    )  # fmt: skip
    if not found:
        return None
    db: dict[str, Any] = found[0]
    facts = {
        "class": str(db.get("DBInstanceClass")), "engine": str(db.get("Engine")),
        "allocated_gib": str(db.get("AllocatedStorage")), "status": str(db.get("DBInstanceStatus")),
        "multi_az": str(db.get("MultiAZ")),
    }  # fmt: skip
    evidence = ReadEvidence(call="DescribeDBInstances", resource=db_id, facts=facts)
    book.found(
        f"{db_id} is a {facts['class']} {facts['engine']} with {facts['allocated_gib']} GiB "
        f"({facts['status']}).", 20, evidence,
    )  # fmt: skip
    return db


def _storage_fix(book: Notebook, db: dict[str, Any], free_bytes: float) -> SuggestedFix | None:
    allocated = int(db.get("AllocatedStorage") or 0)
    if allocated <= 0:
        return None
    share = free_bytes / (allocated * GIB)
    if share >= LOW_FREE_SHARE:
        return None
    grown = max(allocated + 1, math.ceil(allocated * GROWTH))
    args = ModifyStorageArgs(
        target=str(db["DBInstanceIdentifier"]), size_gib=grown, region=book.signal.region
    )
    return SuggestedFix(
        tool="rds.modify_allocated_storage", args=args,
        why=f"Only {share:.0%} of {allocated} GiB is free; grow it to {grown} GiB.",
    )  # fmt: skip


def _metric_finding(book: Notebook, db_id: str) -> float | None:
    name, statistic = METRICS[book.signal.kind]
    ref = metrics.metric_for(book, "AWS/RDS", name, {"DBInstanceIdentifier": db_id})
    found = metrics.summary(book, ref, statistic)
    if found is None:
        return None
    if name == "FreeStorageSpace":
        text, value = f"Free storage fell to {found.lowest / GIB:.1f} GiB.", found.lowest
    elif name == "CPUUtilization":
        text, value = f"CPU peaked at {found.peak:.0f}% (average {found.average:.0f}%).", found.peak
    else:
        text, value = f"Connections peaked at {found.peak:.0f}.", found.peak
    book.found(text, 80, found)
    return value


def run(book: Notebook) -> SuggestedFix | None:
    """Investigate an RDS alarm; suggest more storage when free space is nearly gone.

    Args:
        book: the playbook run (signal.resource is the DB identifier or ARN).
    """
    db_id = book.signal.resource.rsplit(":", 1)[-1]
    value = _metric_finding(book, db_id)
    db = _describe(book, db_id)
    for change in inventory.changes(book, db_id):
        book.found(f"The inventory saw {change.change} ({', '.join(change.fields)}).", 50, change)
    for event in trail.events_for(book, db_id) or []:
        item = trail.evidence(event)
        book.found(f"CloudTrail: {item.name} by {item.user or 'unknown'}.", 45, item)
    if book.signal.kind == "rds_storage" and db is not None and value is not None:
        return _storage_fix(book, db, value)
    return None
