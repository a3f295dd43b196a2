"""Alerts: every accepted alert (stored once per delivery) and the incidents they group into.

Revision ID: alerts_0001
Revises:
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "alerts_0001"
down_revision = None
branch_labels = ("alerts",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "alert_incidents",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("severity", sa.String(length=10), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("fingerprint", sa.String(length=200), nullable=False),
        sa.Column("group_key", sa.String(length=500), nullable=True),
        sa.Column("resource", sa.String(length=500), nullable=False),
        sa.Column("account", sa.String(length=20), nullable=True),
        sa.Column("region", sa.String(length=30), nullable=True),
        sa.Column("first_seen", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen", sa.DateTime(timezone=True), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("members_json", sa.Text(), nullable=False),
        sa.Column("flips_json", sa.Text(), nullable=False),
        sa.Column("flapping", sa.Boolean(), nullable=False),
        sa.Column("channel", sa.String(length=80), nullable=True),
        sa.Column("message_ts", sa.String(length=40), nullable=True),
    )
    op.create_index("ix_alert_incidents_status", "alert_incidents", ["status"])
    op.create_index("ix_alert_incidents_fingerprint", "alert_incidents", ["fingerprint"])
    op.create_index("ix_alert_incidents_group_key", "alert_incidents", ["group_key"])
    op.create_index("ix_alert_incidents_resource", "alert_incidents", ["resource"])
    op.create_table(
        "alerts",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("dedupe_key", sa.String(length=64), nullable=False, unique=True),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("fingerprint", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("severity", sa.String(length=10), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("resource", sa.String(length=500), nullable=False),
        sa.Column("labels_json", sa.Text(), nullable=False),
        sa.Column("account", sa.String(length=20), nullable=True),
        sa.Column("region", sa.String(length=30), nullable=True),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("group_key", sa.String(length=500), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "incident_id", sa.Integer(), sa.ForeignKey("alert_incidents.id"), nullable=True
        ),
        sa.Column("raw_json", sa.Text(), nullable=False),
    )
    op.create_index("ix_alerts_fingerprint", "alerts", ["fingerprint"])
    op.create_index("ix_alerts_incident_id", "alerts", ["incident_id"])


def downgrade() -> None:
    op.drop_index("ix_alerts_incident_id", table_name="alerts")
    op.drop_index("ix_alerts_fingerprint", table_name="alerts")
    op.drop_table("alerts")
    op.drop_index("ix_alert_incidents_resource", table_name="alert_incidents")
    op.drop_index("ix_alert_incidents_group_key", table_name="alert_incidents")
    op.drop_index("ix_alert_incidents_fingerprint", table_name="alert_incidents")
    op.drop_index("ix_alert_incidents_status", table_name="alert_incidents")
    op.drop_table("alert_incidents")
