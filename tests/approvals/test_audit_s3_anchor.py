"""The S3 anchor (live mode): one Object Lock protected object per head, which cannot be
deleted, and which catches a truncated table; the choice of anchor follows the settings."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError
from sqlalchemy import text

from approvals.audit import AuditLog
from approvals.audit_anchor import FileAnchor, S3Anchor, anchor_for
from approvals.audit_verify import verify_log
from core.aws import AwsClients
from core.db import Database
from core.settings import Settings

BUCKET = "cf-audit-anchor"
KEY = b"k" * 32


@pytest.fixture
def s3(aws: AwsClients) -> Any:
    client = aws.client("s3", "us-east-1")
    client.create_bucket(Bucket=BUCKET, ObjectLockEnabledForBucket=True)
    return client


@pytest.fixture
def live(settings: Settings) -> Settings:
    return settings.model_copy(
        update={"aws_mode": "live", "audit_anchor_bucket": BUCKET, "audit_anchor_lock_days": 30}
    )


def test_each_append_writes_a_locked_object_that_cannot_be_deleted(
    live: Settings, aws: AwsClients, s3: Any, db: Database
) -> None:
    anchor = anchor_for(live, aws)
    assert isinstance(anchor, S3Anchor)
    audit = AuditLog(db, anchor=anchor)
    entries = [audit.append("alice", "requested", None, {"n": n}) for n in range(3)]
    records = sorted(anchor.records(), key=lambda record: record.seq)
    assert [(r.seq, r.hash) for r in records] == [(e.seq, e.hash) for e in entries]

    listed = s3.list_object_versions(Bucket=BUCKET)["Versions"]
    newest = next(v for v in listed if v["Key"].endswith(f"{entries[-1].hash}.json"))
    head = s3.head_object(Bucket=BUCKET, Key=newest["Key"])
    assert head["ObjectLockMode"] == "COMPLIANCE"
    with pytest.raises(ClientError, match="AccessDenied"):
        s3.delete_object(Bucket=BUCKET, Key=newest["Key"], VersionId=newest["VersionId"])


def test_a_truncated_table_is_caught_by_the_s3_anchor(
    live: Settings, aws: AwsClients, s3: Any, db: Database
) -> None:
    anchor = anchor_for(live, aws)
    assert anchor is not None
    audit = AuditLog(db, anchor=anchor)
    for n in range(4):
        audit.append("alice", "requested", None, {"n": n})
    assert verify_log(audit, KEY, anchor).intact
    with db.engine.begin() as connection:
        connection.execute(text("DELETE FROM audit_entry WHERE seq = 4"))
    report = verify_log(audit, KEY, anchor)
    assert [(p.seq, p.reason.split(",")[0]) for p in report.problems] == [(4, "it is missing")]


def test_the_settings_choose_the_anchor(settings: Settings) -> None:
    assert isinstance(anchor_for(settings), FileAnchor)  # sandbox: the file
    assert anchor_for(settings.model_copy(update={"audit_anchor": "off"})) is None
    no_bucket = settings.model_copy(update={"audit_anchor": "s3"})
    with pytest.raises(ValueError, match="CF_AUDIT_ANCHOR_BUCKET"):
        anchor_for(no_bucket)
