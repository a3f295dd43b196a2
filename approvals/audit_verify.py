"""Verifying the audit log as an auditor would: chain, checkpoint signature and anchor.

Three checks, every problem reported with the sequence numbers concerned:

1. the newest checkpoint (if entries were pruned) carries a valid signature;
2. the chain links from that checkpoint (or the start) to the newest entry, and each entry's
   content matches its hash;
3. every head the anchor recorded after the checkpoint is still in the table with the same
   hash, so deleted rows (the newest included), edited rows and a rebuilt chain are found.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from approvals.audit import GENESIS, AuditLog, entry_hash
from approvals.audit_anchor import Anchor, AnchorError, AnchorRecord
from approvals.audit_checkpoint import is_genuine
from approvals.models import AuditCheckpoint, AuditEntry


class Problem(BaseModel):
    """One thing wrong with the audit log."""

    seq: int = Field(description="Sequence number of the entry (or checkpoint) concerned.")
    reason: str = Field(description="What is wrong, as a sentence fragment.")

    def line(self) -> str:
        """The problem as printed by ``cloudfabric audit verify``."""
        return f"BROKEN at entry {self.seq}: {self.reason}."


class VerifyReport(BaseModel):
    """The outcome of a full verification."""

    entries: int = Field(description="Entries in the table that were checked.")
    checkpoint_seq: int | None = Field(
        default=None, description="Last pruned entry the chain resumes after, if any."
    )
    pruned: int = Field(default=0, description="Entries pruned behind checkpoints so far.")
    anchored_seq: int | None = Field(
        default=None, description="Newest sequence number the anchor recorded, if any."
    )
    anchor: str | None = Field(default=None, description="Where the anchor was read from.")
    problems: list[Problem] = Field(default_factory=list, description="Everything found wrong.")

    @property
    def intact(self) -> bool:
        """True when nothing is wrong."""
        return not self.problems


def verify_log(audit: AuditLog, key: bytes, anchor: Anchor | None) -> VerifyReport:
    """Check the chain, the checkpoint it starts from and the anchor.

    Args:
        audit: the audit log.
        key: the checkpoint signing key.
        anchor: where heads were anchored (None: the chain alone is checked).
    """
    checkpoint = audit.checkpoint()
    entries = audit.entries()
    problems = _checkpoint_problems(checkpoint, key) + _chain_problems(entries, checkpoint)
    report = VerifyReport(
        entries=len(entries),
        checkpoint_seq=checkpoint.seq if checkpoint else None,
        pruned=checkpoint.total_pruned if checkpoint else 0,
    )
    if anchor is not None:
        report.anchor = anchor.description
        try:
            records = anchor.records()
        except AnchorError as error:
            problems.append(Problem(seq=0, reason=f"the anchor cannot be read: {error}"))
            records = []
        report.anchored_seq = max((record.seq for record in records), default=None)
        problems += _anchor_problems(records, entries, checkpoint)
    report.problems = sorted(problems, key=lambda problem: problem.seq)
    return report


def _checkpoint_problems(checkpoint: AuditCheckpoint | None, key: bytes) -> list[Problem]:
    if checkpoint is None or is_genuine(key, checkpoint):
        return []
    reason = "the checkpoint of the pruned entries is forged: its signature does not match"
    return [Problem(seq=checkpoint.seq, reason=reason)]


def _chain_problems(entries: list[AuditEntry], checkpoint: AuditCheckpoint | None) -> list[Problem]:
    problems = []
    expected_prev = checkpoint.hash if checkpoint else GENESIS
    for entry in entries:
        seq = entry.seq or 0
        if entry.prev_hash != expected_prev:
            problems.append(Problem(seq=seq, reason="its link to the previous entry is broken"))
        if entry_hash(entry) != entry.hash:
            problems.append(Problem(seq=seq, reason="its content does not match its hash"))
        expected_prev = entry.hash
    return problems


def _anchor_problems(
    records: list[AnchorRecord], entries: list[AuditEntry], checkpoint: AuditCheckpoint | None
) -> list[Problem]:
    stored = {entry.seq or 0: entry.hash for entry in entries}
    pruned_up_to = checkpoint.seq if checkpoint else 0
    problems: dict[int, Problem] = {}
    for record in records:
        if record.seq < pruned_up_to:
            continue
        if record.seq == pruned_up_to:
            found = checkpoint.hash if checkpoint else None
        else:
            found = stored.get(record.seq)
        if found is None:
            reason = "it is missing, but the anchor recorded it (deleted or truncated)"
        elif found != record.hash:
            reason = "its hash differs from the one the anchor recorded (rewritten)"
        else:
            continue
        problems.setdefault(record.seq, Problem(seq=record.seq, reason=reason))
    return list(problems.values())
