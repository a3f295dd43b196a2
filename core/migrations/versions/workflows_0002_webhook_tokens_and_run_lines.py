"""Workflows find their webhook by a hash of its URL token, and runs remember their thread line.

``workflows.webhook_token_sha256`` is the SHA-256 of a webhook trigger's URL token, so a
delivery finds its workflow with one indexed lookup (the token itself stays in the spec only).
Workflows stored already get it from their spec. ``workflow_runs.line_ref`` is where the run's
status line was posted in the thread the workflow was made in, so later progress edits that
one message.

Revision ID: workflows_0002
Revises: workflows_0001
"""

from __future__ import annotations

import hashlib
import json

import sqlalchemy as sa
from alembic import op

revision = "workflows_0002"
down_revision = "workflows_0001"
branch_labels = None
depends_on = None

workflows = sa.table(
    "workflows",
    sa.column("id", sa.Integer),
    sa.column("spec_json", sa.Text),
    sa.column("webhook_token_sha256", sa.String),
)


def upgrade() -> None:
    op.add_column("workflows", sa.Column("webhook_token_sha256", sa.String(64), nullable=True))
    op.create_index(
        "ix_workflows_webhook_token_sha256", "workflows", ["webhook_token_sha256"], unique=True
    )
    op.add_column("workflow_runs", sa.Column("line_ref", sa.String(200), nullable=True))
    bind = op.get_bind()
    for workflow_id, spec_json in bind.execute(sa.select(workflows.c.id, workflows.c.spec_json)):
        trigger = json.loads(spec_json).get("trigger") or {}
        token = trigger.get("token") if trigger.get("kind") == "webhook" else None
        if token:
            digest = hashlib.sha256(token.encode()).hexdigest()
            bind.execute(
                workflows.update()
                .where(workflows.c.id == workflow_id)
                .values(webhook_token_sha256=digest)
            )


def downgrade() -> None:
    op.drop_column("workflow_runs", "line_ref")
    op.drop_index("ix_workflows_webhook_token_sha256", table_name="workflows")
    op.drop_column("workflows", "webhook_token_sha256")
