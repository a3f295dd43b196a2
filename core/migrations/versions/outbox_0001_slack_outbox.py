"""The Slack outbox: every Web API write as a row, and the pace of writes per channel.

Revision ID: outbox_0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "outbox_0001"
down_revision = None
branch_labels = ("outbox",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "slack_outbox",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("method", sa.String(40), nullable=False),
        sa.Column("channel", sa.String(40), nullable=False),
        sa.Column("lane", sa.String(200), nullable=False),
        sa.Column("payload_json", sa.Text, nullable=False),
        sa.Column("file_bytes", sa.LargeBinary, nullable=True),
        sa.Column("after_id", sa.Integer, nullable=True),
        sa.Column("after_field", sa.String(20), nullable=True),
        sa.Column("purpose", sa.String(100), nullable=True),
        sa.Column("requester", sa.String(40), nullable=True),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("errors", sa.Integer, nullable=False),
        sa.Column("last_error", sa.String(200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("claimed_by", sa.String(200), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("result_channel", sa.String(40), nullable=True),
        sa.Column("result_ts", sa.String(40), nullable=True),
    )
    op.create_index("ix_slack_outbox_lane", "slack_outbox", ["lane"])
    op.create_index("ix_slack_outbox_state", "slack_outbox", ["state"])
    op.create_index("ix_slack_outbox_due_at", "slack_outbox", ["due_at"])
    op.create_index("ix_slack_outbox_after_id", "slack_outbox", ["after_id"])
    op.create_index("ix_slack_outbox_purpose", "slack_outbox", ["purpose"])
    op.create_index("ix_slack_outbox_result_ts", "slack_outbox", ["result_ts"])
    op.create_table(
        "slack_outbox_pace",
        sa.Column("channel", sa.String(40), primary_key=True),
        sa.Column("next_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("slack_outbox_pace")
    op.drop_table("slack_outbox")
