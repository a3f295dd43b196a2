"""Alerts: storm digests (one message per channel and storm listing the incidents that opened
no thread of their own), and on each incident when its root was queued and which digest lists it.

Revision ID: alerts_0003
Revises: alerts_0002
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "alerts_0003"
down_revision = "alerts_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "alert_digests",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("channel", sa.String(length=80), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("message_ts", sa.String(length=40), nullable=True),
    )
    op.create_index("ix_alert_digests_channel", "alert_digests", ["channel"])
    with op.batch_alter_table("alert_incidents") as batch:
        batch.add_column(sa.Column("root_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("digest_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            "fk_alert_incidents_digest_id", "alert_digests", ["digest_id"], ["id"]
        )
        batch.create_index("ix_alert_incidents_digest_id", ["digest_id"])


def downgrade() -> None:
    with op.batch_alter_table("alert_incidents") as batch:
        batch.drop_index("ix_alert_incidents_digest_id")
        batch.drop_constraint("fk_alert_incidents_digest_id", type_="foreignkey")
        batch.drop_column("digest_id")
        batch.drop_column("root_at")
    op.drop_index("ix_alert_digests_channel", table_name="alert_digests")
    op.drop_table("alert_digests")
