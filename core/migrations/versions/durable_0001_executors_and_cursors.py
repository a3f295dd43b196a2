"""The durable engine's heartbeats (one row per replica) and schedule cursors.

Revision ID: durable_0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "durable_0001"
down_revision = None
branch_labels = ("durable",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "durable_executor",
        sa.Column("executor_id", sa.String(200), primary_key=True),
        sa.Column("app_version", sa.String(100), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed_by", sa.String(200), nullable=True),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("recovered_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_table(
        "durable_schedule_cursor",
        sa.Column("schedule_id", sa.String(200), primary_key=True),
        sa.Column("last_fire_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("durable_schedule_cursor")
    op.drop_table("durable_executor")
