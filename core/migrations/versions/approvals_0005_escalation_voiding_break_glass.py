"""Escalation notices told once, voided approvals pointing at their fresh request, and the
justification of a request run under break-glass.

The sweep of every replica looks for pending requests whose next escalation level is due; the
one whose conditional UPDATE moves ``escalation_level`` on mentions that level, the others find
it moved and stay quiet. A request voided by the re-check before execution names the fresh
request filed for the current plan (``replaced_by``).

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
    op.add_column("approval_request", sa.Column("replaced_by", sa.String(), nullable=True))
    op.add_column("approval_request", sa.Column("break_glass", sa.Text(), nullable=True))


def downgrade() -> None:
    op.drop_column("approval_request", "break_glass")
    op.drop_column("approval_request", "replaced_by")
    op.drop_column("approval_request", "escalation_level")
