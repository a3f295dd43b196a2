"""Pruning the oldest audit entries behind a signed checkpoint, so the rest still verifies.

Before entries are deleted, a checkpoint stores the sequence number and hash of the last one
pruned and how many went, signed with HMAC-SHA256. Verification then starts the chain at the
newest checkpoint whose signature holds: its hash is the first remaining entry's ``prev_hash``.
Someone who deletes entries and writes a checkpoint of their own cannot sign it without the key.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select

from approvals.models import AuditCheckpoint, AuditEntry
from core.clock import Clock, as_utc
from core.db import Database
from core.settings import Settings

KEY_FILE = "audit-checkpoint.key"


def checkpoint_key(settings: Settings) -> bytes:
    """The signing key: ``audit_checkpoint_key``, else a random one kept in ``data_dir``.

    Args:
        settings: reads the key setting and ``data_dir``.
    """
    if settings.audit_checkpoint_key is not None:
        return settings.audit_checkpoint_key.get_secret_value().encode()
    path = settings.data_dir / KEY_FILE
    if not path.exists():
        _create_key(path)
    return path.read_bytes().strip()


def _create_key(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return  # another process made it first
    with os.fdopen(descriptor, "w") as handle:
        handle.write(secrets.token_hex(32))


def signature(key: bytes, checkpoint: AuditCheckpoint) -> str:
    """The HMAC a genuine ``checkpoint`` carries.

    Args:
        key: the signing key.
        checkpoint: the checkpoint (its signature field is ignored).
    """
    stamp = as_utc(checkpoint.created_at).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    message = f"{checkpoint.seq}|{checkpoint.hash}|{checkpoint.pruned}|"
    message += f"{checkpoint.total_pruned}|{stamp}"
    return hmac.new(key, message.encode(), hashlib.sha256).hexdigest()


def is_genuine(key: bytes, checkpoint: AuditCheckpoint) -> bool:
    """Whether ``checkpoint`` was signed with ``key`` and not changed since.

    Args:
        key: the signing key.
        checkpoint: the stored checkpoint.
    """
    return hmac.compare_digest(signature(key, checkpoint), checkpoint.signature)


@dataclass(frozen=True)
class PruneResult:
    """What one prune did.

    Attributes:
        pruned: entries deleted.
        checkpoint: the checkpoint stored before deleting them (None when none were old enough).
    """

    pruned: int
    checkpoint: AuditCheckpoint | None


def prune(db: Database, key: bytes, before: datetime, clock: Clock) -> PruneResult:
    """Delete entries appended before ``before``, after storing a signed checkpoint of them.

    The checkpoint and the deletion are one transaction: either both happen or neither. The
    newest entry is never pruned, so the chain always has a head to anchor against.

    Args:
        db: the SQL store.
        key: the signing key.
        before: entries strictly older than this instant go.
        clock: stamps the checkpoint.
    """
    try:
        with db.session() as session:
            last = _last_prunable(session, before)
            if last is None:
                return PruneResult(0, None)
            previous = session.exec(
                select(AuditCheckpoint).order_by(col(AuditCheckpoint.seq).desc()).limit(1)
            ).first()
            count_query = select(func.count()).where(col(AuditEntry.seq) <= last.seq)
            count = int(session.exec(count_query).one())
            checkpoint = AuditCheckpoint(
                seq=last.seq or 0,
                hash=last.hash,
                pruned=count,
                total_pruned=count + (previous.total_pruned if previous else 0),
                created_at=clock.now(),
                signature="",
            )
            checkpoint.signature = signature(key, checkpoint)
            session.add(checkpoint)
            session.flush()
            session.execute(delete(AuditEntry).where(col(AuditEntry.seq) <= checkpoint.seq))
    except IntegrityError:  # another process pruned the same prefix at the same moment
        return PruneResult(0, None)
    return PruneResult(count, checkpoint)


def _last_prunable(session: Session, before: datetime) -> AuditEntry | None:
    """The newest entry older than ``before`` that is not the head of the chain."""
    head = session.exec(select(func.max(AuditEntry.seq))).one()
    query = (
        select(AuditEntry)
        .where(col(AuditEntry.at) < before, col(AuditEntry.seq) < (head or 0))
        .order_by(col(AuditEntry.seq).desc())
        .limit(1)
    )
    return session.exec(query).first()
