"""Approvals are bound to the workspace they were requested in.

A decision is honoured only from that workspace (the Slack team, or the enterprise of an
org-wide install), and App Home lists only its requests. Requests already stored take the
workspace from their conversation id (``workspace:channel:thread_ts``); those without a
conversation keep none and can then be decided by no surface.

Revision ID: approvals_0002
Revises: approvals_0001
"""

import sqlalchemy as sa
from alembic import op

revision = "approvals_0002"
down_revision = "approvals_0001"
branch_labels = None
depends_on = None

requests = sa.table(
    "approval_request",
    sa.column("id", sa.String),
    sa.column("conversation_id", sa.String),
    sa.column("workspace_id", sa.String),
)


def upgrade() -> None:
    op.add_column("approval_request", sa.Column("workspace_id", sa.String(64), nullable=True))
    op.create_index(
        "ix_approval_request_workspace_state", "approval_request", ["workspace_id", "state"]
    )
    bind = op.get_bind()
    stored = bind.execute(
        sa.select(requests.c.id, requests.c.conversation_id).where(
            requests.c.conversation_id.is_not(None)
        )
    ).all()
    for approval_id, conversation in stored:
        workspace = conversation.split(":", 1)[0] or None
        bind.execute(
            requests.update().where(requests.c.id == approval_id).values(workspace_id=workspace)
        )


def downgrade() -> None:
    op.drop_index("ix_approval_request_workspace_state", table_name="approval_request")
    op.drop_column("approval_request", "workspace_id")
