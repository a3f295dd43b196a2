"""Anchors of the audit chain head, written outside the database after every append.

An anchor records (sequence, hash, time) of the newest entry. Whoever can rewrite the SQL store
can rebuild a consistent chain, or cut off its newest entries; they cannot also rewrite an
append-only file on another disk or an S3 object under Object Lock, so ``audit verify`` finds
the entries the anchor names that are missing or changed.

- ``FileAnchor``: one JSON line per head, appended (the sandbox and the default).
- ``S3Anchor``: one object per head, ``<prefix><seq, 20 digits>-<hash>.json``, written with an
  Object Lock retention (live mode), so no one can delete it before the retention ends.
"""

from __future__ import annotations

import logging
import os
import threading
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

from pydantic import AwareDatetime, BaseModel, Field, ValidationError

from core.aws import AwsClients
from core.settings import Settings

log = logging.getLogger(__name__)


class AnchorRecord(BaseModel):
    """One anchored chain head."""

    seq: int = Field(description="Sequence number of the entry that was the head.")
    hash: str = Field(description="Hash that entry carried.")
    at: AwareDatetime = Field(description="When the entry was appended (from the clock).")


class AnchorError(RuntimeError):
    """The anchor cannot be read; the message says where and why."""


class Anchor(Protocol):
    """Where chain heads are written and read back."""

    description: str

    def write(self, record: AnchorRecord) -> None:
        """Record ``record`` durably, never replacing an earlier one."""

    def records(self) -> list[AnchorRecord]:
        """Every head recorded so far, in no particular order."""


class FileAnchor:
    """Heads appended as JSON lines to a local file (opened in append mode, fsync'd)."""

    def __init__(self, path: Path) -> None:
        """Append to ``path`` (created with its folder on first write).

        Args:
            path: the anchor file.
        """
        self.path = path
        self.description = f"anchor file {path}"
        self._lock = threading.Lock()

    def write(self, record: AnchorRecord) -> None:
        """Append ``record`` as one line (one write call, so lines never interleave).

        Args:
            record: the head to anchor.
        """
        line = (record.model_dump_json() + "\n").encode()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._lock:
            descriptor = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
            try:
                os.write(descriptor, line)
                os.fsync(descriptor)
            finally:
                os.close(descriptor)

    def records(self) -> list[AnchorRecord]:
        """Every line of the file; an unreadable line is an error naming its number."""
        if not self.path.exists():
            return []
        found = []
        for number, line in enumerate(self.path.read_text().splitlines(), 1):
            if not line.strip():
                continue
            try:
                found.append(AnchorRecord.model_validate_json(line))
            except ValidationError:
                raise AnchorError(f"line {number} of {self.path} is not an anchor") from None
        return found


class S3Anchor:
    """Heads written as S3 objects locked with Object Lock retention."""

    def __init__(self, client: Any, bucket: str, prefix: str, mode: str, lock_days: int) -> None:
        """Write to ``bucket`` (created with ObjectLockEnabledForBucket) through ``client``.

        Args:
            client: a boto3 S3 client.
            bucket: the anchor bucket.
            prefix: key prefix of the anchor objects.
            mode: ``GOVERNANCE`` or ``COMPLIANCE``.
            lock_days: days each object stays locked.
        """
        self.client, self.bucket, self.prefix = client, bucket, prefix
        self.mode, self.lock_days = mode, lock_days
        self.description = f"anchor objects s3://{bucket}/{prefix}"

    def write(self, record: AnchorRecord) -> None:
        """Put one locked object for ``record``; its key names the sequence and hash.

        Args:
            record: the head to anchor.
        """
        self.client.put_object(
            Bucket=self.bucket,
            Key=f"{self.prefix}{record.seq:020d}-{record.hash}.json",
            Body=record.model_dump_json().encode(),
            ContentType="application/json",
            ObjectLockMode=self.mode,
            ObjectLockRetainUntilDate=record.at + timedelta(days=self.lock_days),
        )

    def records(self) -> list[AnchorRecord]:
        """Every anchor object, read from the keys of a listing (no object is downloaded)."""
        found = []
        pages = self.client.get_paginator("list_objects_v2")
        for page in pages.paginate(Bucket=self.bucket, Prefix=self.prefix):
            for item in page.get("Contents", []):
                found.append(self._from_key(item["Key"], item["LastModified"]))
        return found

    def _from_key(self, key: str, modified: datetime) -> AnchorRecord:
        name = key[len(self.prefix) :].removesuffix(".json")
        seq, _, digest = name.partition("-")
        if not seq.isdigit() or len(digest) != 64:
            raise AnchorError(f"s3://{self.bucket}/{key} is not an anchor object")
        return AnchorRecord(seq=int(seq), hash=digest, at=modified)


def anchor_for(settings: Settings, aws: AwsClients | None = None) -> Anchor | None:
    """The anchor the settings choose (see ``audit_anchor``); None when anchoring is off.

    Args:
        settings: reads ``audit_anchor`` and the file or bucket settings.
        aws: the clients to reach S3 with (new live clients when None).
    """
    choice = settings.audit_anchor
    if choice == "auto":
        live_bucket = not settings.is_sandbox and settings.audit_anchor_bucket
        choice = "s3" if live_bucket else "file"
    if choice == "off":
        return None
    if choice == "file":
        return FileAnchor(settings.audit_anchor_path)
    if not settings.audit_anchor_bucket:
        raise ValueError("CF_AUDIT_ANCHOR=s3 needs CF_AUDIT_ANCHOR_BUCKET")
    client = (aws or AwsClients(settings)).client("s3", settings.audit_anchor_region)
    return S3Anchor(
        client,
        settings.audit_anchor_bucket,
        settings.audit_anchor_prefix,
        settings.audit_anchor_lock_mode,
        settings.audit_anchor_lock_days,
    )


def anchor_quietly(anchor: Anchor, record: AnchorRecord) -> bool:
    """Write ``record``; a failure is logged (the entry is stored already) and returns False.

    Args:
        anchor: where to write.
        record: the head.
    """
    try:
        anchor.write(record)
    except Exception:  # the action happened and is audited; verify reports the unanchored tail
        log.exception("could not anchor audit entry %s to the %s", record.seq, anchor.description)
        return False
    return True


def newest(records: list[AnchorRecord]) -> AnchorRecord | None:
    """The anchored head with the highest sequence number.

    Args:
        records: anchors read back.
    """
    return max(records, key=lambda record: record.seq, default=None)
