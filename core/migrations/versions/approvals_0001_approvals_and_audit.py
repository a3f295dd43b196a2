"""Approval requests and the hash-chained audit log.

Revision ID: approvals_0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "approvals_0001"
down_revision = None
branch_labels = ("approvals",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "approval_request",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("origin_key", sa.String(300), nullable=True, unique=True),
        sa.Column("tool", sa.String(120), nullable=False),
        sa.Column("plan_json", sa.Text(), nullable=False),
        sa.Column("plan_hash", sa.String(64), nullable=False),
        sa.Column("risk", sa.String(16), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("requester", sa.String(120), nullable=False),
        sa.Column("conversation_id", sa.String(300), nullable=True, index=True),
        sa.Column("state", sa.String(16), nullable=False, index=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by", sa.String(120), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("executed_plan_hash", sa.String(64), nullable=True),
        sa.Column("result_json", sa.Text(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("card_channel", sa.String(64), nullable=True),
        sa.Column("card_ts", sa.String(64), nullable=True),
    )
    op.create_table(
        "audit_entry",
        sa.Column("seq", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(120), nullable=False),
        sa.Column("action", sa.String(60), nullable=False),
        sa.Column("approval_id", sa.String(40), nullable=True, index=True),
        sa.Column("detail_json", sa.Text(), nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("hash", sa.String(64), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("audit_entry")
    op.drop_table("approval_request")
