"""How one step of a workflow run runs (``StepExecutor``: here and now by default, or wrapped by
a durable engine), how a change step files its approval (``ApprovalFiler``), and what each step
leaves on record (``StepRecord``)."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as StepTimeout
from datetime import datetime, timedelta
from typing import Any, Protocol

from pydantic import BaseModel, Field

from tools.errors import ToolError
from tools.plan import ActionPlan
from tools.workflows.store import WorkflowRun


class StepRecord(BaseModel):
    """What one step of a run did."""

    id: str = Field(description="The step's id.")
    kind: str = Field(description="The step's kind.")
    status: str = Field(description="succeeded, failed, skipped or waiting_approval.")
    attempts: int = Field(default=0, description="Tries made.")
    started_at: datetime | None = Field(default=None, description="When the first try began.")
    finished_at: datetime | None = Field(default=None, description="When it ended.")
    seconds: float | None = Field(default=None, description="Time spent, in seconds.")
    output: Any = Field(default=None, description="What it returned (JSON).")
    error: str | None = Field(default=None, description="Why it failed.")
    approvals: list[str] = Field(default_factory=list, description="Approval requests filed.")


class StepExecutor(Protocol):
    """Runs one try of one step; a durable engine wraps this to checkpoint each step."""

    def execute(self, run_id: int, step_id: str, attempt: int, call: Callable[[], Any]) -> Any:
        """Run ``call`` (one try of step ``step_id`` of run ``run_id``) and return its output.

        Args:
            run_id: the run.
            step_id: the step.
            attempt: 1, 2, ...
            call: the work.
        """

    def wait(self, run_id: int, step_id: str, seconds: float) -> None:
        """Wait ``seconds`` (a durable sleep on an engine).

        Args:
            run_id: the run.
            step_id: the wait step (or the step backing off).
            seconds: how long.
        """


class ApprovalFiler(Protocol):
    """Files an approval request for a plan (``ApprovalService.request`` fits)."""

    def request(
        self,
        plan: ActionPlan,
        requester: str,
        conversation_id: str | None = None,
        origin_key: str | None = None,
        workspace: str | None = None,
        longest_wait: timedelta | None = None,
    ) -> Any:
        """Store a pending request; the result has an ``id``.

        Args:
            plan: the plan the approver sees.
            requester: who asked (the workflow's creator).
            conversation_id: where to report back (the workflow's thread).
            origin_key: idempotency key (run and step), so a retried run files once.
            workspace: the workspace decisions are honoured from (the workflow's).
            longest_wait: when it expires at the latest (an approval step's wait).
        """

    def get(self, approval_id: str) -> Any:
        """The request ``approval_id`` (its ``state``, ``result_json`` and ``error``).

        Args:
            approval_id: the request's id.
        """


class InProcess:
    """The default executor: runs each try here, bounded by the step's timeout."""

    def __init__(self, timeout_seconds: float = 900.0) -> None:
        """Set the longest a try may take.

        Args:
            timeout_seconds: the bound used when a step gives none.
        """
        self.timeout_seconds = timeout_seconds

    def execute(self, run_id: int, step_id: str, attempt: int, call: Callable[[], Any]) -> Any:
        """Run ``call`` now (see ``StepExecutor``)."""
        pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"wf-{run_id}-{step_id}")
        try:
            return pool.submit(call).result(timeout=self.timeout_seconds)
        except StepTimeout as error:
            raise ToolError(f"step {step_id} took longer than {self.timeout_seconds:g}s") from error
        finally:
            pool.shutdown(wait=False)

    def wait(self, run_id: int, step_id: str, seconds: float) -> None:
        """Sleep in this thread (see ``StepExecutor``)."""
        time.sleep(seconds)


class Stop(Exception):
    """The run stops here (a failed step, an approval wait or a false condition)."""

    def __init__(self, status: str, error: str | None = None) -> None:
        """Say how the run ends."""
        super().__init__(status)
        self.status, self.error = status, error
        self.record: StepRecord | None = None


def step_records(run: WorkflowRun) -> list[StepRecord]:
    """The step records of a run.

    Args:
        run: a run row.
    """
    return [StepRecord.model_validate(r) for r in json.loads(run.steps_json or "[]")]
