"""The permission check made when a request is filed: passed, would fail, or unchecked, and
what it found, shown on the card; a request that would fail cannot be approved.

Revision ID: approvals_0006
Revises: approvals_0005
"""

import sqlalchemy as sa
from alembic import op

revision = "approvals_0006"
down_revision = "approvals_0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("approval_request", sa.Column("preflight", sa.String(), nullable=True))
    op.add_column("approval_request", sa.Column("preflight_detail", sa.Text(), nullable=True))


def downgrade() -> None:
    op.drop_column("approval_request", "preflight_detail")
    op.drop_column("approval_request", "preflight")
