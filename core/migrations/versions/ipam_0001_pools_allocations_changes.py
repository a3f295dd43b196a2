"""IPAM: pools, allocations and the change log.

Revision ID: ipam_0001
Revises:
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "ipam_0001"
down_revision = None
branch_labels = ("ipam",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ipam_pools",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("parent_id", sa.Integer(), sa.ForeignKey("ipam_pools.id"), nullable=True),
        sa.Column("ip_version", sa.Integer(), nullable=False),
        sa.Column("cidrs", sa.Text(), nullable=False),
        sa.Column("owner", sa.String(length=200), nullable=True),
        sa.Column("environment", sa.String(length=100), nullable=True),
        sa.Column("region", sa.String(length=50), nullable=True),
        sa.Column("tags_json", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_ipam_pools_name", "ipam_pools", ["name"])
    op.create_index("ix_ipam_pools_parent_id", "ipam_pools", ["parent_id"])
    op.create_table(
        "ipam_allocations",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("pool_id", sa.Integer(), sa.ForeignKey("ipam_pools.id"), nullable=False),
        sa.Column("cidr", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=True),
        sa.Column("owner", sa.String(length=200), nullable=True),
        sa.Column("resource_arn", sa.String(length=400), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("released_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("released_by", sa.String(length=200), nullable=True),
    )
    op.create_index("ix_ipam_allocations_pool_id", "ipam_allocations", ["pool_id"])
    op.create_index("ix_ipam_allocations_cidr", "ipam_allocations", ["cidr"])
    op.create_index("ix_ipam_allocations_resource_arn", "ipam_allocations", ["resource_arn"])
    op.create_table(
        "ipam_changes",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("pool_id", sa.Integer(), nullable=True),
        sa.Column("cidr", sa.String(length=64), nullable=True),
        sa.Column("address_delta", sa.String(length=50), nullable=False),
        sa.Column("detail_json", sa.Text(), nullable=False),
    )
    op.create_index("ix_ipam_changes_pool_id", "ipam_changes", ["pool_id"])


def downgrade() -> None:
    op.drop_table("ipam_changes")
    op.drop_table("ipam_allocations")
    op.drop_table("ipam_pools")
