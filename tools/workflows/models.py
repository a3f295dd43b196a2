"""Arguments and results of the workflow tools."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field


class CreateArgs(BaseModel):
    """A workflow asked for in words."""

    request: str = Field(
        max_length=500, description="The workflow in words: what, when, where to report."
    )
    name: str | None = Field(default=None, max_length=60, description="Name to give it.")
    channel: str | None = Field(
        default=None, max_length=80, description="Channel to report to when the words name none."
    )
    resources: list[str] = Field(
        default_factory=list, description="Names of real resources the request mentions."
    )


class UpdateArgs(BaseModel):
    """A change to a workflow, in words (a new schedule, a new channel)."""

    name: str = Field(description="The workflow to change.")
    change: str = Field(max_length=300, description="The change, e.g. 'run it at 3am instead'.")


class NameArgs(BaseModel):
    """One workflow by name."""

    name: str = Field(description="The workflow's name, e.g. nightly-db-snapshot.")


class ListArgs(BaseModel):
    """Which workflows to list."""

    status: str | None = Field(default=None, description="Only active or paused ones.")


class RunsArgs(BaseModel):
    """A workflow's recent runs."""

    name: str = Field(description="The workflow's name.")
    limit: int = Field(default=10, ge=1, le=100, description="How many runs to show.")


class TemplatesArgs(BaseModel):
    """No arguments: every template."""


class WorkflowLine(BaseModel):
    """One workflow in a list."""

    name: str = Field(description="Its name.")
    status: str = Field(description="active, paused or deleted.")
    trigger: str = Field(description="What starts it, in words.")
    steps: int = Field(description="How many steps.")
    channel: str | None = Field(description="Where it reports.")
    created_by: str = Field(description="Who asked for it.")
    next_fire: datetime | None = Field(default=None, description="Next scheduled run (UTC).")


class ListResult(BaseModel):
    """The workflows."""

    workflows: list[WorkflowLine] = Field(description="By name.")


class ShowResult(BaseModel):
    """One workflow in full."""

    line: WorkflowLine = Field(description="Its summary.")
    spec: dict[str, Any] = Field(description="Its spec (webhook secrets removed).")
    version: int = Field(description="Its revision.")
    approved_by: str | None = Field(description="Who approved it.")
    trigger_lines: list[str] = Field(description="The trigger in words, its expression and fires.")
    step_lines: list[str] = Field(description="Each step in words.")


class RunLine(BaseModel):
    """One run of a workflow."""

    id: int = Field(description="Run id.")
    status: str = Field(description="pending ... cancelled.")
    fire_time: datetime = Field(description="When it was due (UTC).")
    finished_at: datetime | None = Field(description="When it ended.")
    steps: list[str] = Field(description="Each step's outcome in words.")
    error: str | None = Field(description="Why it failed.")


class RunsResult(BaseModel):
    """The latest runs of a workflow."""

    name: str = Field(description="The workflow.")
    runs: list[RunLine] = Field(description="Newest first.")


class TemplateLine(BaseModel):
    """One ready-made workflow."""

    key: str = Field(description="Its id.")
    title: str = Field(description="What it does.")
    sentence: str = Field(description="A sentence that creates it.")
    missing: list[str] = Field(description="Tools it needs that CloudFabric lacks yet.")


class TemplatesResult(BaseModel):
    """Every template."""

    templates: list[TemplateLine] = Field(description="The templates.")


class GoOnArgs(BaseModel):
    """A run waiting at an approval step (filed by the run itself, never asked for)."""

    workflow: str = Field(max_length=60, description="The workflow.")
    run_id: int = Field(ge=1, description="The waiting run.")
    step: str = Field(max_length=60, description="Its approval step.")
    prompt: str = Field(max_length=500, description="What the approver is asked.")


class ChangeResult(BaseModel):
    """What a mutating workflow tool did."""

    names: list[str] = Field(description="The workflows changed.")
    status: str = Field(description="Their status now.")
    summary: str = Field(description="What happened, in one sentence.")
    run_id: int | None = Field(default=None, description="The run started (run now).")
