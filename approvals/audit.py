"""Append-only audit log with a hash chain: editing or deleting any row breaks verification.

After every append the new head is written to the anchor (``approvals.audit_anchor``), so
deleting the newest entries is detected too (``approvals.audit_verify``). Pruned prefixes
leave a signed checkpoint the chain resumes from (``approvals.audit_checkpoint``).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import col, func, select

from approvals.audit_anchor import Anchor, AnchorRecord, anchor_quietly
from approvals.models import AuditCheckpoint, AuditEntry
from core.clock import Clock, as_utc
from core.db import Database

GENESIS = "0" * 64


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)


def _utc_text(moment: datetime) -> str:
    return as_utc(moment).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def entry_hash(entry: AuditEntry) -> str:
    """The hash an entry must carry, computed from its content and its predecessor's hash.

    Args:
        entry: the audit row.
    """
    content = {
        "at": _utc_text(entry.at),
        "actor": entry.actor,
        "action": entry.action,
        "approval_id": entry.approval_id,
        "detail": entry.detail_json,
    }
    return hashlib.sha256((entry.prev_hash + _canonical(content)).encode()).hexdigest()


@dataclass(frozen=True)
class BrokenEntry:
    """Where verification of the chain failed.

    Attributes:
        seq: sequence number of the first bad entry.
        reason: what is wrong with it.
    """

    seq: int
    reason: str


class AuditLog:
    """Appends entries and verifies the chain."""

    def __init__(
        self, db: Database, clock: Clock | None = None, anchor: Anchor | None = None
    ) -> None:
        """Use ``db`` for storage.

        Args:
            db: the SQL store (migrated).
            clock: stamps the entries (the system clock by default).
            anchor: where each new head is written outside the database (none by default).
        """
        self.db = db
        self.clock = clock or Clock()
        self.anchor = anchor

    def append(
        self, actor: str, action: str, approval_id: str | None, detail: dict[str, Any]
    ) -> AuditEntry:
        """Append one entry; concurrent appenders retry until each has its own predecessor.

        Args:
            actor: who did it.
            action: what happened.
            approval_id: the approval concerned, if any.
            detail: JSON-serialisable details.
        """
        for _attempt in range(200):
            try:
                entry = self._try_append(actor, action, approval_id, detail)
            except IntegrityError:
                continue  # another writer chained onto the same head first; read it again
            if self.anchor is not None:
                record = AnchorRecord(seq=entry.seq or 0, hash=entry.hash, at=as_utc(entry.at))
                anchor_quietly(self.anchor, record)
            return entry
        raise RuntimeError("audit log is too contended to append")

    def _try_append(
        self, actor: str, action: str, approval_id: str | None, detail: dict[str, Any]
    ) -> AuditEntry:
        with self.db.session() as session:
            head = session.exec(
                select(AuditEntry).order_by(col(AuditEntry.seq).desc()).limit(1)
            ).first()
            entry = AuditEntry(
                at=self.clock.now(),
                actor=actor,
                action=action,
                approval_id=approval_id,
                detail_json=_canonical(detail),
                prev_hash=head.hash if head else GENESIS,
                hash="",
            )
            entry.hash = entry_hash(entry)
            session.add(entry)
        return entry

    def entries(self, approval_id: str | None = None) -> list[AuditEntry]:
        """Entries in order, optionally only those about one approval.

        Args:
            approval_id: restrict to this approval.
        """
        with self.db.session() as session:
            query = select(AuditEntry).order_by(col(AuditEntry.seq))
            if approval_id is not None:
                query = query.where(AuditEntry.approval_id == approval_id)
            return list(session.exec(query).all())

    def count(self, actor: str, action: str, since: datetime) -> int:
        """How many entries ``actor`` made with ``action`` after ``since``.

        Args:
            actor: who.
            action: what, e.g. ``break-glass``.
            since: strictly after this instant.
        """
        with self.db.session() as session:
            query = select(func.count()).where(
                AuditEntry.actor == actor, AuditEntry.action == action, col(AuditEntry.at) > since
            )
            return int(session.exec(query).one())

    def checkpoint(self) -> AuditCheckpoint | None:
        """The newest checkpoint of a pruned prefix (the chain starts after it), if any."""
        with self.db.session() as session:
            query = select(AuditCheckpoint).order_by(col(AuditCheckpoint.seq).desc()).limit(1)
            return session.exec(query).first()

    def verify(self) -> BrokenEntry | None:
        """Walk the chain from the newest checkpoint (or the start); return the first broken
        entry, or ``None`` when it is intact. The checkpoint's signature and the anchor are
        checked by ``approvals.audit_verify``."""
        checkpoint = self.checkpoint()
        expected_prev = checkpoint.hash if checkpoint else GENESIS
        for entry in self.entries():
            seq = entry.seq or 0
            if entry.prev_hash != expected_prev:
                return BrokenEntry(seq, "its link to the previous entry is broken")
            if entry_hash(entry) != entry.hash:
                return BrokenEntry(seq, "its content does not match its hash")
            expected_prev = entry.hash
        return None
