"""Approvals decided by a policy: the deciding rule, N-of-M votes, and the change-freeze switch.

A request records the policy's decision when it was asked (rule, approvers, count, escalation)
and what the policy matched on. A request that needs several people keeps one vote row per
person (the primary key makes each person count once) beside a running count on the request,
so the approval that completes the quorum is the one conditional UPDATE that moves it on. The
kill switch is one row per scope that every replica reads.

Revision ID: approvals_0004
Revises: approvals_0003
"""

import sqlalchemy as sa
from alembic import op

revision = "approvals_0004"
down_revision = "approvals_0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("approval_request", sa.Column("policy_rule", sa.String(200), nullable=True))
    op.add_column("approval_request", sa.Column("decision_json", sa.Text(), nullable=True))
    op.add_column("approval_request", sa.Column("facts_json", sa.Text(), nullable=True))
    op.add_column(
        "approval_request",
        sa.Column("required_approvals", sa.Integer(), nullable=False, server_default="1"),
    )
    op.add_column(
        "approval_request",
        sa.Column("approvals", sa.Integer(), nullable=False, server_default="0"),
    )
    op.add_column("approval_request", sa.Column("approved_by", sa.Text(), nullable=True))
    op.create_table(
        "approval_vote",
        sa.Column("approval_id", sa.String(), primary_key=True),
        sa.Column("user", sa.String(), primary_key=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "change_freeze",
        sa.Column("scope", sa.String(), primary_key=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("set_by", sa.String(), nullable=False),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("change_freeze")
    op.drop_table("approval_vote")
    for column in (
        "approved_by", "approvals", "required_approvals", "facts_json", "decision_json",
        "policy_rule",
    ):  # fmt: skip
        op.drop_column("approval_request", column)
