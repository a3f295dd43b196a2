"""approvals_0002 binds requests already stored to the workspace of their conversation."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from alembic import command
from sqlalchemy import text

from approvals.models import ApprovalRequest
from core.db import Database, alembic_config

ROW = (
    "INSERT INTO approval_request (id, tool, plan_json, plan_hash, risk, summary, requester, "
    "conversation_id, state, created_at, expires_at) VALUES (:id, 'ec2.stop_instances', '{}', "
    "'0', 'medium', 'Stop web-1.', 'U0ALICE', :conversation, 'PENDING', :at, :at)"
)


def test_stored_requests_take_the_workspace_of_their_conversation(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'cf.db'}")
    with db.engine.begin() as connection:
        config = alembic_config(db.url)
        config.attributes["connection"] = connection
        command.upgrade(config, "approvals_0001")
        at = datetime(2027, 1, 1, tzinfo=UTC)
        for approval_id, conversation in (("a1", "T111:C5:1.1"), ("a2", None)):
            values = {"id": approval_id, "conversation": conversation, "at": at}
            connection.execute(text(ROW), values)

    db.migrate()

    with db.session() as session:
        bound = {r.id: r.workspace_id for r in session.query(ApprovalRequest).all()}
    assert bound == {"a1": "T111", "a2": None}
    db.dispose()
