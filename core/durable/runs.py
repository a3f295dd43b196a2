"""Runs of durable workflows: start one under an id, read its status, message it, list them.

Everything here talks to the launched engine (``core.durable.launch``). A run id is the
idempotency key of a start: starting an id that exists is refused with ``RunExists``, which is
how replicas that race to start the same run end up with exactly one.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Literal, ParamSpec, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from core.durable.registry import DurableWorkflow

if TYPE_CHECKING:
    from dbos import WorkflowStatus

P = ParamSpec("P")
R = TypeVar("R")

RunState = Literal[
    "PENDING",
    "ENQUEUED",
    "DELAYED",
    "SUCCESS",
    "ERROR",
    "CANCELLED",
    "MAX_RECOVERY_ATTEMPTS_EXCEEDED",
]
FINISHED: frozenset[str] = frozenset(
    {"SUCCESS", "ERROR", "CANCELLED", "MAX_RECOVERY_ATTEMPTS_EXCEEDED"}
)


class RunExists(Exception):
    """A run with this id was started already (by this replica or another)."""

    def __init__(self, run_id: str, state: str) -> None:
        """Say which run, and what state it is in.

        Args:
            run_id: the id asked for.
            state: the existing run's state.
        """
        super().__init__(f"run {run_id} exists already ({state})")
        self.run_id = run_id
        self.state = state


class RunStatus(BaseModel):
    """Where one run stands, as the engine recorded it."""

    model_config = ConfigDict(frozen=True)

    run_id: str = Field(description="The run's id (its workflow id).")
    workflow: str = Field(description="Name of the durable workflow it runs.")
    state: RunState = Field(description="PENDING while it runs or waits; SUCCESS/ERROR at the end.")
    executor_id: str | None = Field(description="The replica that runs (or last ran) it.")
    app_version: str | None = Field(description="Application version it was started under.")
    created_at: datetime | None = Field(description="When it was started (engine's record).")
    output: Any = Field(default=None, description="What it returned, once SUCCESS.")
    error: str | None = Field(default=None, description="What it raised, once ERROR.")

    @property
    def finished(self) -> bool:
        """True once the run can change no more."""
        return self.state in FINISHED


def _status(raw: WorkflowStatus) -> RunStatus:
    created = raw.created_at
    return RunStatus(
        run_id=raw.workflow_id,
        workflow=raw.name,
        state=raw.status,
        executor_id=raw.executor_id,
        app_version=raw.app_version,
        created_at=None if created is None else datetime.fromtimestamp(created / 1000, UTC),
        output=raw.output,
        error=None if raw.error is None else str(raw.error),
    )


def start_run(
    workflow: DurableWorkflow[P, R], run_id: str, *args: P.args, **kwargs: P.kwargs
) -> str:
    """Start ``workflow(*args, **kwargs)`` in the background as run ``run_id``.

    Args:
        workflow: a declared durable workflow.
        run_id: the run's id; at most one run ever has it.
        *args: the workflow's positional arguments (JSON- or pickle-serialisable).
        **kwargs: its keyword arguments.

    Raises:
        RunExists: a run with this id was started before.
    """
    from dbos import DBOS, SetWorkflowID, error

    try:
        with SetWorkflowID(run_id, workflow_id_reuse_policy="reject"):
            DBOS.start_workflow(workflow.bind(), *args, **kwargs)
    except error.DBOSWorkflowIDInUseError as refused:
        raise RunExists(run_id, refused.workflow_status) from refused
    return run_id


def run_status(run_id: str) -> RunStatus | None:
    """The run's status, or None when no run has this id.

    Args:
        run_id: the run's id.
    """
    from dbos import DBOS

    raw = DBOS.get_workflow_status(run_id)
    return None if raw is None else _status(raw)


def wait_for_run(run_id: str, timeout_seconds: float, poll_seconds: float = 0.05) -> RunStatus:
    """Wait until the run has finished and return its final status.

    Args:
        run_id: the run's id.
        timeout_seconds: how long to wait at most.
        poll_seconds: time between two reads of its status.

    Raises:
        TimeoutError: it had not finished (or did not exist) in time.
    """
    deadline = time.monotonic() + timeout_seconds
    while True:
        status = run_status(run_id)
        if status is not None and status.finished:
            return status
        if time.monotonic() >= deadline:
            state = "missing" if status is None else status.state
            raise TimeoutError(f"run {run_id} not finished after {timeout_seconds}s ({state})")
        time.sleep(poll_seconds)


def send(run_id: str, message: Any, topic: str, idempotency_key: str | None = None) -> None:
    """Deliver ``message`` on ``topic`` to the run, which takes it with ``receive``.

    A message sent before the run waits is kept until it does.

    Args:
        run_id: the receiving run.
        message: the payload (e.g. an approval decision).
        topic: the channel the run listens on.
        idempotency_key: when given, sending again with the same key delivers nothing more.
    """
    from dbos import DBOS

    DBOS.send(run_id, message, topic, idempotency_key=idempotency_key)


def receive(topic: str, timeout_seconds: float) -> Any:
    """Inside a workflow: wait durably for the next message on ``topic`` (None on timeout).

    The wait survives restarts: a recovered run waits again for what is left of the timeout,
    and a message that arrived meanwhile is returned at once.

    Args:
        topic: the channel to listen on.
        timeout_seconds: how long to wait at most.
    """
    from dbos import DBOS

    return DBOS.recv(topic, timeout_seconds=timeout_seconds)


def sleep(seconds: float) -> None:
    """Inside a workflow: sleep durably (a recovered run sleeps only what is left).

    The end of the sleep is checkpointed when it begins, so a run recovered after a crash
    does not start the sleep over.

    Args:
        seconds: how long.
    """
    from dbos import DBOS

    DBOS.sleep(seconds)


def list_runs(
    *,
    workflow: str | None = None,
    state: RunState | None = None,
    prefix: str | None = None,
    limit: int = 100,
) -> list[RunStatus]:
    """Runs, newest first, filtered by workflow name, state and id prefix.

    Args:
        workflow: only runs of this workflow.
        state: only runs in this state.
        prefix: only runs whose id starts with this.
        limit: at most this many.
    """
    from dbos import DBOS

    raws = DBOS.list_workflows(
        name=workflow,
        status=state,
        workflow_id_prefix=prefix,
        limit=limit,
        sort_desc=True,
        load_input=False,
    )
    return [_status(raw) for raw in raws]


def current_run_id() -> str | None:
    """Inside a workflow or step: the id of the run it belongs to (None elsewhere)."""
    from dbos import DBOS

    run_id: str | None = DBOS.workflow_id
    return run_id
