"""SQL tables of the workflows domain (migrations ``workflows_*``): workflows and their runs."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Text
from sqlmodel import Field, SQLModel

from core.db import utc_column

WORKFLOW_STATUSES = ("active", "paused", "deleted")
RUN_STATUSES = ("pending", "running", "waiting_approval", "succeeded", "failed", "cancelled")


class WorkflowRow(SQLModel, table=True):
    """One workflow: its current spec, status and where it was asked for."""

    __tablename__ = "workflows"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=60, unique=True, description="Unique workflow name.")
    spec_json: str = Field(sa_type=Text, description="The current WorkflowSpec as JSON.")
    version: int = Field(description="The spec's revision.")
    status: str = Field(max_length=20, index=True, description="active, paused or deleted.")
    created_by: str = Field(max_length=200, description="Who asked for it.")
    approved_by: str | None = Field(default=None, max_length=200, description="Who approved it.")
    channel: str | None = Field(default=None, max_length=80, description="Channel it reports to.")
    conversation_id: str | None = Field(
        default=None, max_length=300, description="Thread where it was created."
    )
    webhook_token_sha256: str | None = Field(
        default=None,
        max_length=64,
        unique=True,
        index=True,
        description="SHA-256 of its webhook URL token (how a delivery finds it).",
    )
    created_at: datetime = Field(sa_column=utc_column(nullable=False))
    updated_at: datetime = Field(sa_column=utc_column(nullable=False))


class WorkflowRun(SQLModel, table=True):
    """One run of a workflow, with what each step did (``steps_json``)."""

    __tablename__ = "workflow_runs"

    id: int | None = Field(default=None, primary_key=True)
    workflow_id: int = Field(foreign_key="workflows.id", index=True, description="Its workflow.")
    spec_version: int = Field(description="Spec revision the run follows.")
    status: str = Field(max_length=20, index=True, description="pending ... cancelled.")
    fire_time: datetime = Field(sa_column=utc_column(nullable=False))
    started_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    finished_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    trigger_json: str = Field(default="{}", sa_type=Text, description="The event or request.")
    steps_json: str = Field(default="[]", sa_type=Text, description="StepRecord list as JSON.")
    approval_id: str | None = Field(
        default=None, max_length=40, description="Approval request a step waits for."
    )
    error: str | None = Field(default=None, sa_type=Text, description="Why it failed.")
    line_ref: str | None = Field(
        default=None,
        max_length=200,
        description="Where its status line is in the workflow's thread (a Slack message ts).",
    )
