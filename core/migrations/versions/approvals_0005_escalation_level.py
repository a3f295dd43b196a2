"""Escalation notices told once: how far up its chain a pending request has been escalated.

The sweep of every replica looks for pending requests whose next escalation level is due; the
one whose conditional UPDATE moves ``escalation_level`` on mentions that level, the others find
it moved and stay quiet.

Revision ID: approvals_0005
Revises: approvals_0004
"""

import sqlalchemy as sa
from alembic import op

revision = "approvals_0005"
down_revision = "approvals_0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "approval_request",
        sa.Column("escalation_level", sa.Integer(), nullable=False, server_default="0"),
    )


def downgrade() -> None:
    op.drop_column("approval_request", "escalation_level")
