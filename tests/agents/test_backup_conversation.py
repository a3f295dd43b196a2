"""Backups and lifecycle rules asked for in chat on the sandbox: the agent files an approval
card and changes nothing; someone else's approval runs it once."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from bot.app import CloudFabric

CONVO = "console:local:backups"


def _manual(app: CloudFabric) -> list[str]:
    rds = app.aws.client("rds", "us-east-1")
    found = rds.describe_db_snapshots(DBInstanceIdentifier="db-prod", SnapshotType="manual")
    return [s["DBSnapshotIdentifier"] for s in found["DBSnapshots"]]


def test_a_snapshot_asked_for_in_chat_waits_for_someone_elses_approval(
    sandbox_app: CloudFabric,
) -> None:
    reply = sandbox_app.conversations.handle_message(
        CONVO, "alice", "snapshot db-prod, keep 7 days"
    )
    (card,) = reply.cards
    request = sandbox_app.approvals.get(card.approval_id)
    assert request.tool == "rds.create_db_snapshot" and request.state == "PENDING"
    assert _manual(sandbox_app) == []  # the agent ran nothing
    decided = sandbox_app.conversations.decide(CONVO, "bob", True)
    assert "snapshot cf-db-prod-" in decided.text
    (snapshot,) = _manual(sandbox_app)
    assert snapshot.startswith("cf-db-prod-")


def test_a_lifecycle_rule_asked_for_in_chat_is_set_only_after_approval(
    sandbox_app: CloudFabric,
) -> None:
    text = "move objects in cf-demo-logs to glacier after 90 days"
    reply = sandbox_app.conversations.handle_message(CONVO, "alice", text)
    assert [sandbox_app.approvals.get(c.approval_id).tool for c in reply.cards] == [
        "s3.put_lifecycle"
    ]
    s3 = sandbox_app.aws.client("s3", "us-east-1")
    with pytest.raises(ClientError, match="NoSuchLifecycleConfiguration"):
        s3.get_bucket_lifecycle_configuration(Bucket="cf-demo-logs")  # no rule before approval
    sandbox_app.conversations.decide(CONVO, "bob", True)
    (rule,) = s3.get_bucket_lifecycle_configuration(Bucket="cf-demo-logs")["Rules"]
    assert rule["Transitions"] == [{"Days": 90, "StorageClass": "GLACIER"}]
