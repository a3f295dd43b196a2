"""Alerts: CloudFabric's own incident state (acknowledged, silenced, resolved by hand) and the
incident timeline.

Revision ID: alerts_0002
Revises: alerts_0001
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "alerts_0002"
down_revision = "alerts_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("alert_incidents") as batch:
        batch.add_column(sa.Column("acknowledged_by", sa.String(length=80), nullable=True))
        batch.add_column(sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("silenced_until", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("resolved_by", sa.String(length=80), nullable=True))
    op.create_table(
        "alert_timeline",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "incident_id", sa.Integer(), sa.ForeignKey("alert_incidents.id"), nullable=False
        ),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("actor", sa.String(length=80), nullable=True),
        sa.Column("detail", sa.Text(), nullable=False),
    )
    op.create_index("ix_alert_timeline_incident_id", "alert_timeline", ["incident_id"])


def downgrade() -> None:
    op.drop_index("ix_alert_timeline_incident_id", table_name="alert_timeline")
    op.drop_table("alert_timeline")
    with op.batch_alter_table("alert_incidents") as batch:
        batch.drop_column("resolved_by")
        batch.drop_column("silenced_until")
        batch.drop_column("acknowledged_at")
        batch.drop_column("acknowledged_by")
