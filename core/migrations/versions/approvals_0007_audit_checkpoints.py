"""Signed checkpoints of pruned audit entries: the chain verifies from the last one.

Revision ID: approvals_0007
Revises: approvals_0006
"""

import sqlalchemy as sa
from alembic import op

revision = "approvals_0007"
down_revision = "approvals_0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit_checkpoint",
        sa.Column("seq", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("hash", sa.String(), nullable=False),
        sa.Column("pruned", sa.Integer(), nullable=False),
        sa.Column("total_pruned", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("signature", sa.String(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("audit_checkpoint")
