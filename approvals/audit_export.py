"""Exporting the audit log for an auditor: JSON Lines or CSV, filtered by time, user, tool and
resource.

Each row carries the entry as stored (sequence, time, actor, action, approval, details, hashes)
plus, from the approval it is about, the tool and the resources its plan touches, so a filter by
tool or resource finds every entry of the approvals concerned. Rows are read in pages, in order.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from datetime import datetime
from typing import Any, TextIO

from pydantic import AwareDatetime, BaseModel, Field
from sqlmodel import col, select

from approvals.models import ApprovalRequest, AuditEntry
from core.clock import as_utc
from core.db import Database

PAGE = 500
COLUMNS = (
    "seq", "at", "actor", "action", "approval_id", "tool", "resources", "detail", "prev_hash",
    "hash",
)  # fmt: skip


class ExportFilter(BaseModel):
    """Which entries to export; every filter given must match."""

    since: AwareDatetime | None = Field(default=None, description="Entries at or after this.")
    until: AwareDatetime | None = Field(default=None, description="Entries before this.")
    user: str | None = Field(default=None, description="Only entries made by this actor.")
    tool: str | None = Field(default=None, description="Only entries about this tool.")
    resource: str | None = Field(
        default=None, description="Only entries whose plan or details name this resource id."
    )


class ExportRow(BaseModel):
    """One audit entry as exported."""

    seq: int = Field(description="Sequence number in the chain.")
    at: AwareDatetime = Field(description="When it was appended (UTC).")
    actor: str = Field(description="Who did it.")
    action: str = Field(description="What happened.")
    approval_id: str | None = Field(description="The approval it is about, if any.")
    tool: str | None = Field(description="The tool of that approval (or of the details).")
    resources: list[str] = Field(description="Resource ids the approval's plan touches.")
    detail: dict[str, Any] = Field(description="The entry's details as stored.")
    prev_hash: str = Field(description="Hash of the previous entry.")
    hash: str = Field(description="This entry's hash.")

    def csv_values(self) -> list[str]:
        """The row's cells in ``COLUMNS`` order (lists space-separated, details as JSON)."""
        values = self.model_dump(mode="json")
        values["resources"] = " ".join(self.resources)
        values["detail"] = json.dumps(self.detail, sort_keys=True)
        return ["" if values[name] is None else str(values[name]) for name in COLUMNS]


def export_rows(db: Database, wanted: ExportFilter) -> Iterator[ExportRow]:
    """The entries ``wanted`` selects, oldest first.

    Args:
        db: the SQL store.
        wanted: the filters.
    """
    after = -1
    while True:
        page = _page(db, wanted, after)
        if not page:
            return
        plans = _plans(db, {entry.approval_id for entry in page if entry.approval_id})
        for entry in page:
            row = _row(entry, plans.get(entry.approval_id or ""))
            if _matches(row, wanted):
                yield row
        after = page[-1].seq or 0


def _page(db: Database, wanted: ExportFilter, after: int) -> list[AuditEntry]:
    query = select(AuditEntry).where(col(AuditEntry.seq) > after)
    if wanted.since is not None:
        query = query.where(col(AuditEntry.at) >= wanted.since)
    if wanted.until is not None:
        query = query.where(col(AuditEntry.at) < wanted.until)
    if wanted.user is not None:
        query = query.where(AuditEntry.actor == wanted.user)
    with db.session() as session:
        return list(session.exec(query.order_by(col(AuditEntry.seq)).limit(PAGE)).all())


def _plans(db: Database, ids: set[str]) -> dict[str, ApprovalRequest]:
    if not ids:
        return {}
    with db.session() as session:
        found = session.exec(select(ApprovalRequest).where(col(ApprovalRequest.id).in_(ids)))
        return {request.id: request for request in found}


def _row(entry: AuditEntry, request: ApprovalRequest | None) -> ExportRow:
    detail = json.loads(entry.detail_json)
    tool = request.tool if request else detail.get("tool")
    resources: list[str] = []
    if request is not None:
        plan = json.loads(request.plan_json)
        resources = [str(change.get("resource_id")) for change in plan.get("changes", [])]
    return ExportRow(
        seq=entry.seq or 0,
        at=as_utc(entry.at),
        actor=entry.actor,
        action=entry.action,
        approval_id=entry.approval_id,
        tool=tool if isinstance(tool, str) else None,
        resources=resources,
        detail=detail if isinstance(detail, dict) else {"value": detail},
        prev_hash=entry.prev_hash,
        hash=entry.hash,
    )


def _matches(row: ExportRow, wanted: ExportFilter) -> bool:
    if wanted.tool is not None and row.tool != wanted.tool:
        return False
    if wanted.resource is not None:
        in_detail = wanted.resource in json.dumps(row.detail)
        return wanted.resource in row.resources or in_detail
    return True


def write_export(rows: Iterator[ExportRow], form: str, out: TextIO) -> int:
    """Write ``rows`` to ``out`` as ``jsonl`` or ``csv``; return how many were written.

    Args:
        rows: the rows, in order.
        form: ``jsonl`` or ``csv``.
        out: a text stream (a file opened with ``newline=""`` for CSV).
    """
    count = 0
    writer = csv.writer(out) if form == "csv" else None
    if writer is not None:
        writer.writerow(COLUMNS)
    for row in rows:
        if writer is not None:
            writer.writerow(row.csv_values())
        else:
            out.write(row.model_dump_json() + "\n")
        count += 1
    return count


def parse_instant(text: str, now: datetime) -> datetime:
    """An instant given on the command line: ISO 8601 (UTC when no offset), or a phrase such as
    "3 days ago" or "2026-11-01 14:00", read by dateparser relative to ``now``.

    Args:
        text: what was typed.
        now: the clock's now (aware).

    Raises:
        ValueError: nothing readable; the message says what was given.
    """
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        moment = _dateparser(text, now)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=now.tzinfo)
    return as_utc(moment)


def _dateparser(text: str, now: datetime) -> datetime:
    import dateparser  # loading it takes a few tenths of a second

    settings: dict[str, Any] = {
        "RELATIVE_BASE": as_utc(now).replace(tzinfo=None),
        "PREFER_DATES_FROM": "past",
        "RETURN_AS_TIMEZONE_AWARE": True,
        "TIMEZONE": "UTC",
    }
    parsed = dateparser.parse(text[:200], languages=["en"], settings=settings)
    if parsed is None:
        raise ValueError(f"'{text}' is not a date or time (try 2026-11-01 or '3 days ago')")
    return parsed
