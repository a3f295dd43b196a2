"""The outbox's origin keys: a write queued again by a re-run is recognised and not sent twice.

Revision ID: outbox_0002
Revises: outbox_0001
"""

import sqlalchemy as sa
from alembic import op

revision = "outbox_0002"
down_revision = "outbox_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("slack_outbox") as batch:
        batch.add_column(sa.Column("origin", sa.String(200), nullable=True))
        batch.create_index("ix_slack_outbox_origin", ["origin"], unique=True)


def downgrade() -> None:
    with op.batch_alter_table("slack_outbox") as batch:
        batch.drop_index("ix_slack_outbox_origin")
        batch.drop_column("origin")
