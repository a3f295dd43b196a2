"""Workflow runs on the durable engine: each step a checkpoint, each fire time started once.

``workflows.run`` (a durable workflow) adds the run row in a checkpointed step, then lets the
``Runner`` go through the steps with ``DurableSteps``: every try of a tool or notify step is
the durable step ``workflows.step`` and every wait a durable sleep. A replica killed between
two steps resumes the run at the next one; the steps already done return their checkpointed
output and act no more. ``workflows.resume`` goes on after a step's approval was decided.

Replays must call the engine's steps in the order of the first execution, so before going on a
workflow puts the run row back as it was when the durable run began (empty for a new run, the
snapshot taken at the start for a resume): the runner then takes the same path again, with
the checkpoints standing in for the work already done.

Runs of a schedule get the id ``wf-<workflow>-<fire time>``: every replica's ticker asks for
the same id and the engine refuses all but the first start. The workflow functions reach the
process's runner through ``bind`` (the composition root binds it once, before the engine
launches), as the engine itself is one per process.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any, cast

from core import durable
from core.clock import as_utc, parse_instant
from core.durable import RunExists, Schedule, run_id_for
from tools.errors import InvalidInput, ToolError
from tools.workflows.runner import Runner, waiting_step
from tools.workflows.service import WorkflowStore
from tools.workflows.spec import CronTrigger, RateTrigger
from tools.workflows.stepping import InProcess
from tools.workflows.store import WorkflowRun

log = logging.getLogger(__name__)

_lock = threading.Lock()
_bound: list[Runner] = []


def bind(runner: Runner) -> None:
    """Make ``runner`` the one the durable workflows of this process use.

    Args:
        runner: the composition root's runner (its executor should be ``DurableSteps``).
    """
    with _lock:
        _bound[:] = [runner]


def bound() -> Runner:
    """The runner bound with ``bind``.

    Raises:
        RuntimeError: none was bound in this process.
    """
    with _lock:
        if not _bound:
            raise RuntimeError("no workflow runner is bound to the durable engine")
        return _bound[0]


@durable.step("workflows.step")
def _checkpointed(run_id: int, step_id: str, attempt: int, call: Callable[[], Any]) -> Any:
    """One try of one step of one run; its output is checkpointed when it returns."""
    return call()


class DurableSteps:
    """A ``StepExecutor`` that checkpoints each try and sleeps durably inside a durable run.

    Outside a durable run (a plain ``Runner.run``) it behaves like ``InProcess``.
    """

    def __init__(self, timeout_seconds: float = 900.0) -> None:
        """Set the longest a try may take.

        Args:
            timeout_seconds: the bound of one try.
        """
        self.inline = InProcess(timeout_seconds)

    def execute(self, run_id: int, step_id: str, attempt: int, call: Callable[[], Any]) -> Any:
        """Run ``call`` as the durable step ``workflows.step`` (see ``StepExecutor``)."""

        def bounded() -> Any:
            return self.inline.execute(run_id, step_id, attempt, call)

        if durable.current_run_id() is None:
            return bounded()
        return _checkpointed(run_id, step_id, attempt, bounded)

    def wait(self, run_id: int, step_id: str, seconds: float) -> None:
        """Sleep durably: a recovered run sleeps only what is left (see ``StepExecutor``)."""
        if durable.current_run_id() is None:
            self.inline.wait(run_id, step_id, seconds)
        else:
            durable.sleep(seconds)


@durable.step("workflows.open")
def _open(name: str, fire_iso: str, trigger: dict[str, Any] | None) -> int | None:
    """Add the run row (once per durable run); None when the workflow is no longer active."""
    try:
        return bound().open(name, parse_instant(fire_iso), trigger)
    except InvalidInput as refused:
        log.info("workflow %s not run for %s: %s", name, fire_iso, refused)
        return None


@durable.step("workflows.snapshot")
def _snapshot(run_id: int) -> tuple[str, str]:
    """The run's step records and status as the durable run begins."""
    run = bound().store.run(run_id)
    return run.steps_json, run.status


def _rewind(store: WorkflowStore, run_id: int, steps_json: str, status: str) -> None:
    """Put the run row back as it was when the durable run began (see the module docstring)."""
    run = store.run(run_id)
    run.steps_json, run.status, run.error, run.finished_at = steps_json, status, None, None
    store.save_run(run)


@durable.workflow("workflows.run")
def run_workflow(name: str, fire_iso: str, trigger: dict[str, Any] | None = None) -> int | None:
    """Run the workflow ``name`` for the fire time ``fire_iso``; the run row's id.

    Args:
        name: the workflow (a schedule's id is its workflow's name).
        fire_iso: the fire time, ISO 8601.
        trigger: the event or request that started it.
    """
    runner = bound()
    run_id = _open(name, fire_iso, trigger)
    if run_id is None:
        return None
    _rewind(runner.store, run_id, "[]", "pending")
    return Runner.run(runner, run_id).id


@durable.workflow("workflows.resume")
def resume_workflow(run_id: int, step_id: str, output: Any, succeeded: bool) -> int:
    """Record a decided approval step's outcome and go on with the run; the run row's id.

    Args:
        run_id: the run that waited.
        step_id: the step that waited.
        output: the executed plan's result, or why it did not run.
        succeeded: whether the approved plan ran and succeeded.
    """
    runner = bound()
    steps_json, status = _snapshot(run_id)
    _rewind(runner.store, run_id, steps_json, status)
    Runner.resume(runner, run_id, step_id, output, succeeded)
    return run_id


class DurableRunner(Runner):
    """A ``Runner`` whose runs are durable runs: ``fire`` and ``resume`` start them on the engine.

    Steps run through ``DurableSteps``; bind it (``bind``) before the engine launches.
    """

    wait_seconds: float = 30.0
    """How long ``fire`` waits for the run to finish before returning it as it stands."""

    def fire(
        self, name: str, fire_time: datetime, trigger: dict[str, Any] | None = None
    ) -> WorkflowRun:
        """Start the durable run ``wf-<name>-<fire time>`` and return its run row.

        Starting an id that exists (a second click at the same instant) returns that run.

        Args:
            name: an active workflow.
            fire_time: when it is due (the clock's now for a run asked for now).
            trigger: the event or request that started it.

        Raises:
            InvalidInput: the workflow is paused.
            ToolError: the durable run failed before recording its run row.
        """
        row = self.store.get(name)
        if row.status != "active":
            raise InvalidInput(f"{name} is {row.status}; resume it first.")
        run_id = run_id_for(name, fire_time)
        try:
            durable.start_run(run_workflow, run_id, name, fire_time.isoformat(), trigger)
        except RunExists:
            log.info("run %s was started already", run_id)
        try:
            status = durable.wait_for_run(run_id, self.wait_seconds)
        except TimeoutError:
            return self._row_for(name, fire_time)
        if status.state != "SUCCESS":
            raise ToolError(f"Run {run_id} ended {status.state.lower()}: {status.error}")
        if status.output is None:
            raise InvalidInput(f"{name} was not active when its run began.")
        return self.store.run(int(status.output))

    def start(self, name: str, run_id: str, trigger: dict[str, Any]) -> bool:
        """Start the durable run ``run_id`` of ``name`` due now (not waited for).

        The engine has recorded the run when this returns, so a crash afterwards loses
        nothing: the run is recovered like any other.

        Args:
            name: an active workflow.
            run_id: the run's id (a delivery's, see ``hooks.delivery_run_id``).
            trigger: the event the steps read as ``{event...}``.

        Returns:
            False when a run with that id was started already (nothing new started).
        """
        fire_iso = self.store.clock.now().isoformat()
        try:
            durable.start_run(run_workflow, run_id, name, fire_iso, trigger)
        except RunExists:
            log.info("run %s was started already", run_id)
            return False
        return True

    def resume(self, run_id: int, step_id: str, output: Any, succeeded: bool) -> WorkflowRun:
        """Start the durable run that records the decided step and goes on (not waited for).

        Args:
            run_id: the waiting run.
            step_id: the step that waited.
            output: the executed plan's result (JSON), or the reason it did not run.
            succeeded: whether the approved plan ran and succeeded.
        """
        durable_id = f"wf-resume-{run_id}-{step_id}"
        try:
            durable.start_run(resume_workflow, durable_id, run_id, step_id, output, succeeded)
        except RunExists:
            log.info("run %s was resumed already", run_id)
        return self.store.run(run_id)

    def _row_for(self, name: str, fire_time: datetime) -> WorkflowRun:
        """The run row of ``name`` for ``fire_time``, once its durable run has added it."""
        for _ in range(100):
            for run in self.store.runs(name, limit=50):
                if as_utc(run.fire_time) == as_utc(fire_time):
                    return run
            time.sleep(0.05)
        raise ToolError(f"The run of {name} for {fire_time.isoformat()} has not begun yet.")


def schedules(store: WorkflowStore) -> list[Schedule]:
    """One schedule per active workflow with a cron or rate trigger, read now.

    The ticker calls this on every tick, so pausing or deleting a workflow stops its runs
    from the next tick on.

    Args:
        store: the workflows.
    """
    found = []
    workflow = cast("durable.DurableWorkflow[[str, str], Any]", run_workflow)
    for row in store.all():
        if row.status != "active":
            continue
        trigger = store.spec(row).trigger
        if isinstance(trigger, CronTrigger | RateTrigger):
            found.append(Schedule(row.name, trigger.recurrence, row.created_at, workflow))
    return found


def resume_decided(
    runner: Runner, origin_key: str | None, state: str, result_json: str | None, error: str | None
) -> bool:
    """Go on with the run whose approval step was decided; False when the key is no run's.

    Args:
        runner: the runner to resume on.
        origin_key: the decided request's idempotency key.
        state: its final state (``SUCCEEDED`` means the plan ran and succeeded).
        result_json: the executed plan's result.
        error: why it failed, when it did.
    """
    waiting = waiting_step(origin_key)
    if waiting is None:
        return False
    run_id, step_id, item = waiting
    if item is not None:  # one of a for-each step's approvals: go on once all are decided
        decided = runner.items_decided(run_id, step_id)
        if decided is not None:
            runner.resume(run_id, step_id, *decided)
        return True
    succeeded = state == "SUCCEEDED"
    output: Any = json.loads(result_json) if succeeded and result_json else None
    if not succeeded:
        output = error or f"The approval ended {state.lower()}."
    runner.resume(run_id, step_id, output, succeeded)
    return True
