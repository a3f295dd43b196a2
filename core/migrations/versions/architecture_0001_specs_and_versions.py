"""Architecture proposals: one row per architecture, one per version of its spec.

Revision ID: architecture_0001
Revises:
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "architecture_0001"
down_revision = None
branch_labels = ("architecture",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "architectures",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(length=40), nullable=False, unique=True),
        sa.Column("conversation_id", sa.String(length=300), nullable=True),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("latest_version", sa.Integer(), nullable=False),
        sa.Column("deployed_version", sa.Integer(), nullable=True),
        sa.Column("stack_id", sa.String(length=400), nullable=True),
        sa.Column("deployed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("deployed_by", sa.String(length=200), nullable=True),
        sa.Column("destroyed_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_architectures_conversation_id", "architectures", ["conversation_id"])
    op.create_table(
        "architecture_versions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "architecture_id", sa.Integer(), sa.ForeignKey("architectures.id"), nullable=False
        ),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("schema_version", sa.Integer(), nullable=False),
        sa.Column("spec_json", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("monthly_usd", sa.String(length=40), nullable=False),
        sa.UniqueConstraint("architecture_id", "version", name="uq_architecture_version"),
    )


def downgrade() -> None:
    op.drop_table("architecture_versions")
    op.drop_index("ix_architectures_conversation_id", table_name="architectures")
    op.drop_table("architectures")
