"""Alerts: silences (matchers over a period), and which silence kept an alert off Slack.

Revision ID: alerts_0004
Revises: alerts_0003
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "alerts_0004"
down_revision = "alerts_0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "alert_silences",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("resource", sa.String(length=300), nullable=False),
        sa.Column("resource_ids_json", sa.Text(), nullable=False),
        sa.Column("words_json", sa.Text(), nullable=False),
        sa.Column("labels_json", sa.Text(), nullable=False),
        sa.Column("fingerprint", sa.String(length=200), nullable=True),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=80), nullable=False),
        sa.Column("reason", sa.String(length=300), nullable=False),
        sa.Column("lifted_by", sa.String(length=80), nullable=True),
        sa.Column("lifted_at", sa.DateTime(timezone=True), nullable=True),
    )
    with op.batch_alter_table("alerts") as batch:
        batch.add_column(sa.Column("silence_id", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("alerts") as batch:
        batch.drop_column("silence_id")
    op.drop_table("alert_silences")
