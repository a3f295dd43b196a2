"""An executing approval carries its owner and a lease; an interrupted one says what AWS showed.

The executor that claims a request records who it is and until when its claim holds, and
renews that lease while the action runs, so a long execution on a live replica never looks
like a crash. A sweep turns an EXECUTING request whose lease ran out into INTERRUPTED (never
running it again blindly), recording the targets' state as read at that moment.

Revision ID: approvals_0003
Revises: approvals_0002
"""

import sqlalchemy as sa
from alembic import op

revision = "approvals_0003"
down_revision = "approvals_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("approval_request", sa.Column("owner", sa.String(200), nullable=True))
    op.add_column(
        "approval_request",
        sa.Column("lease_expires_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.add_column("approval_request", sa.Column("observed", sa.Text(), nullable=True))


def downgrade() -> None:
    op.drop_column("approval_request", "observed")
    op.drop_column("approval_request", "lease_expires_at")
    op.drop_column("approval_request", "owner")
