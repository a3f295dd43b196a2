"""Hosted model calls per workspace and UTC day (the daily model budget).

Revision ID: agents_0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "agents_0001"
down_revision = None
branch_labels = ("agents",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "model_call_count",
        sa.Column("workspace", sa.String(200), primary_key=True),
        sa.Column("day", sa.Date(), primary_key=True),
        sa.Column("calls", sa.Integer(), nullable=False, server_default="0"),
    )


def downgrade() -> None:
    op.drop_table("model_call_count")
