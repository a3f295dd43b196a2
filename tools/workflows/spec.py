"""WorkflowSpec: a workflow's trigger and steps, typed and versioned.

A spec is checked on its own here (names, step ids, references point at earlier steps); the
checks that need the tool registry (tools exist, arguments fit their models) are in
``validate.py``.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from core.recurrence import Recurrence
from tools.workflows.refs import ROOTS, references

SCHEMA_VERSION = 1
"""Shape version of ``WorkflowSpec``; stored with every spec."""
NAME = r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$"
STEP_ID = r"^[a-z][a-z0-9_]{0,39}$"


class CronTrigger(BaseModel):
    """Fires at times of day on some days, on the wall clock of a zone."""

    model_config = ConfigDict(frozen=True)

    kind: Literal["cron"] = Field(default="cron", description="Trigger kind.")
    recurrence: Recurrence = Field(description="The schedule (a cron recurrence with its zone).")
    said: str = Field(default="", max_length=200, description="The schedule as the person said it.")

    @field_validator("recurrence")
    @classmethod
    def _is_cron(cls, value: Recurrence) -> Recurrence:
        if value.kind != "cron":
            raise ValueError("a cron trigger needs a cron recurrence")
        return value


class RateTrigger(BaseModel):
    """Fires every so often, counted from when the workflow was created."""

    model_config = ConfigDict(frozen=True)

    kind: Literal["rate"] = Field(default="rate", description="Trigger kind.")
    recurrence: Recurrence = Field(description="The schedule (a rate recurrence).")
    said: str = Field(default="", max_length=200, description="The schedule as the person said it.")

    @field_validator("recurrence")
    @classmethod
    def _is_rate(cls, value: Recurrence) -> Recurrence:
        if value.kind != "rate":
            raise ValueError("a rate trigger needs a rate recurrence")
        return value


class EventTrigger(BaseModel):
    """Fires when an event matches an EventBridge-style pattern (see ``events.matches``)."""

    model_config = ConfigDict(frozen=True)

    kind: Literal["event"] = Field(default="event", description="Trigger kind.")
    pattern: dict[str, Any] = Field(description="EventBridge event pattern.")
    description: str = Field(default="", max_length=300, description="The pattern in words.")


class WebhookTrigger(BaseModel):
    """Fires on an HTTP POST to a secret URL whose body is signed with HMAC-SHA256."""

    model_config = ConfigDict(frozen=True)

    kind: Literal["webhook"] = Field(default="webhook", description="Trigger kind.")
    token: str = Field(
        default="", max_length=64, repr=False, description="Secret URL path token (set on create)."
    )
    secret: str = Field(
        default="", max_length=128, repr=False, description="HMAC signing secret (set on create)."
    )


class ManualTrigger(BaseModel):
    """Fires only when someone asks (``workflow.run_now``)."""

    model_config = ConfigDict(frozen=True)

    kind: Literal["manual"] = Field(default="manual", description="Trigger kind.")


Trigger = Annotated[
    CronTrigger | RateTrigger | EventTrigger | WebhookTrigger | ManualTrigger,
    Field(discriminator="kind"),
]


class Retry(BaseModel):
    """How a failed step is tried again: ``attempts`` in all, waits growing by ``multiplier``."""

    model_config = ConfigDict(frozen=True)

    attempts: int = Field(default=1, ge=1, le=10, description="Tries in all (1 = no retry).")
    backoff_seconds: float = Field(
        default=30.0, ge=0, le=3600, description="Wait before the second try."
    )
    multiplier: float = Field(
        default=2.0, ge=1, le=10, description="Each wait is this times the last."
    )

    def delay(self, attempt: int) -> float:
        """Seconds to wait before try number ``attempt`` (2, 3, ...).

        Args:
            attempt: the try about to start, counted from 1.
        """
        return 0.0 if attempt <= 1 else self.backoff_seconds * self.multiplier ** (attempt - 2)


class StepBase(BaseModel):
    """What every step has: an id, retries, a timeout and what to say when it fails."""

    model_config = ConfigDict(frozen=True)

    id: str = Field(pattern=STEP_ID, description="Step id, unique in the workflow (``find``).")
    retry: Retry = Field(default_factory=Retry, description="Retries with backoff.")
    timeout_seconds: int = Field(default=900, ge=1, le=86_400, description="Longest one try runs.")
    on_failure: str | None = Field(
        default=None, max_length=500, description="Notice posted to the channel when it fails."
    )


class ToolStep(StepBase):
    """Calls a registered tool; a tool that changes things is approved per run."""

    kind: Literal["tool"] = Field(default="tool", description="Step kind.")
    tool: str = Field(description="Registered tool name, e.g. ``ec2.stop_instances``.")
    args: dict[str, Any] = Field(
        default_factory=dict, description="Arguments, may hold references."
    )


class ConditionStep(StepBase):
    """Goes on only when a test on an earlier output holds; otherwise the run ends here."""

    kind: Literal["condition"] = Field(default="condition", description="Step kind.")
    ref: str = Field(description="Reference tested, e.g. ``{steps.find.output.count}``.")
    op: Literal["exists", "empty", "not_empty", "eq", "ne", "gt", "lt", "contains"] = Field(
        default="not_empty", description="The test."
    )
    value: Any = Field(
        default=None, description="What ``eq``/``ne``/``gt``/``lt``/``contains`` compare to."
    )


class ForEachStep(StepBase):
    """Calls one tool once per element of an earlier list output (``{item}`` is the element)."""

    kind: Literal["for_each"] = Field(default="for_each", description="Step kind.")
    items: str = Field(description="Reference to a list, e.g. ``{steps.find.output.ids}``.")
    tool: str = Field(description="Registered tool called per element.")
    args: dict[str, Any] = Field(default_factory=dict, description="Arguments; ``{item}`` allowed.")
    where: dict[str, Any] = Field(
        default_factory=dict, description="Only elements whose fields equal these values."
    )
    limit: int = Field(default=100, ge=1, le=1000, description="Most elements handled per run.")


class WaitStep(StepBase):
    """Waits a while before the next step (a durable sleep on the engine)."""

    kind: Literal["wait"] = Field(default="wait", description="Step kind.")
    seconds: int = Field(ge=1, le=7 * 86_400, description="How long to wait.")


class NotifyStep(StepBase):
    """Posts a message built from a template to a Slack channel."""

    kind: Literal["notify"] = Field(default="notify", description="Step kind.")
    template: str = Field(max_length=2000, description="Message text with ``{...}`` references.")
    channel: str | None = Field(
        default=None, max_length=80, description="Channel; the workflow's channel when empty."
    )


class ApprovalStep(StepBase):
    """Waits until someone approves going on, or gives up when the wait expires."""

    kind: Literal["approval"] = Field(default="approval", description="Step kind.")
    prompt: str = Field(max_length=500, description="What the approver is asked.")
    approvers: list[str] = Field(
        default_factory=list, description="Who may approve (empty: policy)."
    )
    expires_after_minutes: int = Field(
        default=24 * 60, ge=1, le=14 * 24 * 60, description="How long the wait lasts."
    )


Step = Annotated[
    ToolStep | ConditionStep | ForEachStep | WaitStep | NotifyStep | ApprovalStep,
    Field(discriminator="kind"),
]


class WorkflowSpec(BaseModel):
    """A workflow: what starts it, what it does, where it reports and who stands behind it."""

    model_config = ConfigDict(frozen=True)

    schema_version: Literal[1] = Field(default=1, description="Spec shape version.")
    name: str = Field(
        pattern=NAME, max_length=60, description="Unique name, e.g. ``nightly-db-snapshot``."
    )
    description: str = Field(default="", max_length=500, description="The request in words.")
    trigger: Trigger = Field(description="What starts a run.")
    steps: list[Step] = Field(min_length=1, max_length=30, description="What a run does, in order.")
    channel: str | None = Field(
        default=None, max_length=80, description="Slack channel runs report to (``#ops``)."
    )
    created_by: str = Field(default="", max_length=200, description="Who asked for it.")
    approved_by: str | None = Field(default=None, max_length=200, description="Who approved it.")
    version: int = Field(default=1, ge=1, description="Revision, raised by every update.")

    @model_validator(mode="after")
    def _steps_fit(self) -> WorkflowSpec:
        seen: set[str] = set()
        for step in self.steps:
            if step.id in seen:
                raise ValueError(f"two steps are called '{step.id}'")
            for path in step_references(step):
                _check_reference(path, step, seen)
            seen.add(step.id)
        return self

    def step(self, step_id: str) -> Step:
        """The step called ``step_id``.

        Args:
            step_id: a step id.
        """
        return next(s for s in self.steps if s.id == step_id)


def step_references(step: StepBase) -> list[str]:
    """Every reference a step makes (its arguments, tested value, items and template).

    Args:
        step: any step.
    """
    values: list[Any] = []
    if isinstance(step, ToolStep | ForEachStep):
        values.append(step.args)
    if isinstance(step, ConditionStep):
        values.append(step.ref)
    if isinstance(step, ForEachStep):
        values.append(step.items)
    if isinstance(step, NotifyStep):
        values.append(step.template)
    if step.on_failure:
        values.append(step.on_failure)
    return [path for value in values for path in references(value)]


def _check_reference(path: str, step: StepBase, earlier: set[str]) -> None:
    parts = path.split(".")
    if parts[0] not in ROOTS:
        raise ValueError(f"step '{step.id}': {{{path}}} must start with one of {', '.join(ROOTS)}")
    if parts[0] == "item" and not isinstance(step, ForEachStep):
        raise ValueError(f"step '{step.id}': {{item}} is only known inside a for-each step")
    if parts[0] != "steps":
        return
    if len(parts) < 3 or parts[2] not in ("output", "error", "status"):
        raise ValueError(f"step '{step.id}': write {{steps.<id>.output...}}, not {{{path}}}")
    if parts[1] not in earlier:
        raise ValueError(
            f"step '{step.id}': {{{path}}} refers to '{parts[1]}', which is not an earlier step"
        )
