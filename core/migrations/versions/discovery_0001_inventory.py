"""Discovery inventory: resources keyed by ARN, scan runs, change events.

Revision ID: discovery_0001
Revises:
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "discovery_0001"
down_revision = None
branch_labels = ("discovery",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "discovery_scans",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("accounts", sa.JSON(), nullable=False),
        sa.Column("regions", sa.JSON(), nullable=False),
        sa.Column("outcomes", sa.JSON(), nullable=False),
        sa.Column("resource_count", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("created", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("changed", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("deleted", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("api_calls", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("complete", sa.Boolean(), nullable=False, server_default=sa.true()),
    )
    op.create_table(
        "discovery_resources",
        sa.Column("arn", sa.String(2048), primary_key=True),
        sa.Column("account", sa.String(32), nullable=False, index=True),
        sa.Column("region", sa.String(32), nullable=False, index=True),
        sa.Column("type", sa.String(64), nullable=False, index=True),
        sa.Column("service", sa.String(32), nullable=False),
        sa.Column("resource_id", sa.String(1024), nullable=False, index=True),
        sa.Column("name", sa.String(1024), nullable=True, index=True),
        sa.Column("state", sa.String(64), nullable=True),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.Column("config", sa.JSON(), nullable=False),
        sa.Column("relations", sa.JSON(), nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("first_seen", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True, index=True),
        sa.Column("last_scan_id", sa.Integer(), nullable=True),
    )
    op.create_table(
        "discovery_changes",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column(
            "scan_id", sa.Integer(), sa.ForeignKey("discovery_scans.id"), nullable=False, index=True
        ),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False, index=True),
        sa.Column("arn", sa.String(2048), nullable=False, index=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("resource_type", sa.String(64), nullable=False),
        sa.Column("name", sa.String(1024), nullable=True),
        sa.Column("account", sa.String(32), nullable=False),
        sa.Column("region", sa.String(32), nullable=False),
        sa.Column("changed_fields", sa.JSON(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("discovery_changes")
    op.drop_table("discovery_resources")
    op.drop_table("discovery_scans")
