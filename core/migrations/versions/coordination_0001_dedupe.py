"""Keys taken by the SQL de-duplication (the record while Redis is unreachable, or absent).

Revision ID: coordination_0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "coordination_0001"
down_revision = None
branch_labels = ("coordination",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "coordination_dedupe",
        sa.Column("key", sa.String(300), primary_key=True),
        sa.Column("taken_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_coordination_dedupe_taken_at", "coordination_dedupe", ["taken_at"])


def downgrade() -> None:
    op.drop_index("ix_coordination_dedupe_taken_at", "coordination_dedupe")
    op.drop_table("coordination_dedupe")
