"""Running a workflow's steps in order, recording each step's output, timing and error.

``Runner`` owns the order and the record; *how* one step runs is a ``StepExecutor``: the
default runs it here and now, and a durable engine can wrap each step (a checkpointed step,
a durable sleep) by passing its own. Steps whose tool changes things never run here: the
runner builds the tool's plan and files it with the approvals service (``ApprovalFiler``,
which ``approvals.service.ApprovalService`` satisfies), as the workflow's creator, and the run
waits (``waiting_approval``). Whoever hears the decision (the approval executor runs the plan
once) calls ``resume`` with the outcome, and the run goes on from the next step. A change
whose plan says it is in place already (``AlreadyDone``: a lifecycle rule applied every day)
files nothing; its step succeeds with that sentence.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, NoReturn

from pydantic import BaseModel, ValidationError

from tools.context import ToolContext
from tools.errors import AlreadyDone, InvalidInput, ToolError
from tools.registry import Registry, ToolSpec
from tools.scope import check_args, check_plan, keep_in_scope, scoped_context
from tools.workflows.conditions import holds
from tools.workflows.items import step_outcome
from tools.workflows.refs import UnknownReference, render, resolve
from tools.workflows.run_lines import RunLines, ShowRun
from tools.workflows.service import WorkflowStore
from tools.workflows.spec import (
    ApprovalStep,
    ConditionStep,
    ForEachStep,
    NotifyStep,
    Step,
    ToolStep,
    WaitStep,
    WorkflowSpec,
)
from tools.workflows.stepping import (
    ApprovalFiler,
    InProcess,
    StepExecutor,
    StepRecord,
    Stop,
    step_records,
)
from tools.workflows.store import WorkflowRun

log = logging.getLogger(__name__)
Notify = Callable[[str, str], None]
"""Posts ``text`` to ``channel`` (the composition root passes the Slack outbox)."""


class Runner:
    """Executes a workflow's runs step by step and records them."""

    def __init__(
        self,
        registry: Registry,
        store: WorkflowStore,
        context_for: Callable[[str], ToolContext],
        notify: Notify,
        approvals: ApprovalFiler | None = None,
        executor: StepExecutor | None = None,
        show_run: ShowRun | None = None,
    ) -> None:
        """Wire the runner.

        Args:
            registry: the tools steps call.
            store: workflows and runs.
            context_for: the tool context acting for a user (steps act as the creator).
            notify: posts a message to a channel.
            approvals: files approval requests for steps that change things.
            executor: runs each step (in-process by default).
            show_run: shows each run's status line in its workflow's thread, when given.
        """
        self.registry, self.store, self.context_for = registry, store, context_for
        self.notify, self.approvals = notify, approvals
        self.executor: StepExecutor = executor or InProcess()
        self.lines = RunLines(store, show_run) if show_run is not None else None

    def fire(
        self, name: str, fire_time: datetime, trigger: dict[str, Any] | None = None
    ) -> WorkflowRun:
        """Start a run of the workflow ``name`` for ``fire_time`` and run it as far as it goes.

        Args:
            name: an active workflow.
            fire_time: when it was due.
            trigger: the event or request that started it.
        """
        return self.run(self.open(name, fire_time, trigger))

    def open(self, name: str, fire_time: datetime, trigger: dict[str, Any] | None = None) -> int:
        """Add a pending run of the active workflow ``name`` for ``fire_time``; its id.

        Args:
            name: an active workflow.
            fire_time: when it was due.
            trigger: the event or request that started it.

        Raises:
            InvalidInput: the workflow is paused.
        """
        row = self.store.get(name)
        if row.status != "active":
            raise InvalidInput(f"{name} is {row.status}; resume it first.")
        return self.store.add_run(row, fire_time, trigger).id or 0

    def run(self, run_id: int) -> WorkflowRun:
        """Run (or go on with) the run ``run_id`` from its first unfinished step.

        Args:
            run_id: a run in ``pending``, ``running`` or ``waiting_approval``.
        """
        run = self.store.run(run_id)
        spec = self._spec(run)
        records = {r.id: r for r in step_records(run)}
        run.status, run.started_at = "running", run.started_at or self.store.clock.now()
        self._report(self.store.save_run(run), spec)
        scope = self._scope(run, spec, records)
        try:
            for step in spec.steps:
                done = records.get(step.id)
                if done is not None and done.status in ("succeeded", "skipped"):
                    continue
                records[step.id] = self._step(run, spec, step, scope)
                scope["steps"][step.id] = records[step.id].model_dump(mode="json")
                self._save(run, records)
            run.status = "succeeded"
        except Stop as stop:
            if stop.record is not None:
                records[stop.record.id] = stop.record
            run.status, run.error = stop.status, stop.error
            if stop.status == "succeeded":
                _skip_rest(spec, records)
        if run.status != "waiting_approval":
            run.finished_at = self.store.clock.now()
        self._save(run, records)
        final = self.store.run(run_id)
        self._report(final, spec)
        return final

    def items_decided(self, run_id: int, step_id: str) -> tuple[Any, bool] | None:
        """The outcome of for-each step ``step_id`` once every item's approval is decided.

        None while any item waits, or when the step waits no more (resumed already).

        Args:
            run_id: the waiting run.
            step_id: its for-each step.
        """
        record = {r.id: r for r in step_records(self.store.run(run_id))}.get(step_id)
        if record is None or record.status != "waiting_approval" or self.approvals is None:
            return None
        return step_outcome([self.approvals.get(key) for key in record.approvals])

    def resume(self, run_id: int, step_id: str, output: Any, succeeded: bool) -> WorkflowRun:
        """Record the decided outcome of a step that waited for approval, and go on.

        Args:
            run_id: the waiting run.
            step_id: the step that waited.
            output: the executed plan's result (JSON), or the reason it did not run.
            succeeded: whether the approved plan ran and succeeded.
        """
        run = self.store.run(run_id)
        records = {r.id: r for r in step_records(run)}
        record = records[step_id]
        record.status = "succeeded" if succeeded else "failed"
        record.output = output if succeeded else None
        record.error = None if succeeded else str(output)
        record.finished_at = self.store.clock.now()
        self._save(run, records)
        if not succeeded:  # a declined approval step ends the run; a failed change fails it
            ended = "cancelled" if record.kind == "approval" else "failed"
            run.status, run.error = ended, f"step {step_id}: {record.error}"
            run.finished_at = record.finished_at
            self._report(self.store.save_run(run), self._spec(run))
            return run
        return self.run(run_id)

    # -- one step ---------------------------------------------------------------------------

    def _step(
        self, run: WorkflowRun, spec: WorkflowSpec, step: Step, scope: dict[str, Any]
    ) -> StepRecord:
        record = StepRecord(id=step.id, kind=step.kind, status="running")
        record.started_at = self.store.clock.now()
        began = time.monotonic()
        try:
            self._body(run, spec, step, scope, record)
        except Stop as stop:
            record.finished_at, record.seconds = self.store.clock.now(), time.monotonic() - began
            stop.record = record
            raise
        record.finished_at, record.seconds = self.store.clock.now(), time.monotonic() - began
        return record

    def _body(
        self,
        run: WorkflowRun,
        spec: WorkflowSpec,
        step: Step,
        scope: dict[str, Any],
        record: StepRecord,
    ) -> None:
        if isinstance(step, ConditionStep):
            record.output = holds(step, scope)
            record.status = "succeeded"
            if not record.output:
                raise Stop("succeeded")
        elif isinstance(step, WaitStep):
            self.executor.wait(run.id or 0, step.id, step.seconds)
            record.status = "succeeded"
        elif isinstance(step, NotifyStep):
            text = render(step.template, scope)
            channel = step.channel or spec.channel or ""
            self._attempts(run, step, record, lambda: self.notify(channel, text), spec, scope)
            record.output = {"channel": channel, "text": text}
        elif isinstance(step, ApprovalStep):
            prompt = render(step.prompt, scope)
            args = {"workflow": spec.name, "run_id": run.id, "step": step.id, "prompt": prompt}
            self._call(run, spec, step, GO_ON, args, record, scope)
        elif isinstance(step, ToolStep):
            args = self._resolved(step, step.args, scope, spec, record)
            record.output = self._call(run, spec, step, step.tool, args, record, scope)
        else:
            self._for_each(run, spec, step, scope, record)
        if record.status == "running":
            record.status = "succeeded"

    def _for_each(
        self,
        run: WorkflowRun,
        spec: WorkflowSpec,
        step: ForEachStep,
        scope: dict[str, Any],
        record: StepRecord,
    ) -> None:
        items = self._resolved(step, step.items, scope, spec, record)
        chosen = [
            item
            for item in (items if isinstance(items, list) else [])
            if all(isinstance(item, dict) and item.get(k) == v for k, v in step.where.items())
        ][: step.limit]
        outputs = []
        for index, item in enumerate(chosen):
            args = self._resolved(step, step.args, {**scope, "item": item}, spec, record)
            outputs.append(self._call(run, spec, step, step.tool, args, record, scope, index))
        record.output = {"done": len(outputs), "outputs": outputs}
        if record.approvals:
            record.status = "waiting_approval"
            raise Stop("waiting_approval")

    def _call(
        self,
        run: WorkflowRun,
        spec: WorkflowSpec,
        step: ToolStep | ForEachStep | ApprovalStep,
        tool_name: str,
        args: Any,
        record: StepRecord,
        scope: dict[str, Any],
        index: int | None = None,
    ) -> Any:
        tool = self.registry.get(tool_name)
        try:
            parsed = tool.args_model.model_validate(args)
        except ValidationError as error:
            self._fail(spec, step, record, scope, f"{tool_name}: {error.errors()[0]['msg']}")
        conversation = self.store.by_id(run.workflow_id).conversation_id
        ctx = scoped_context(self.context_for(spec.created_by or "workflow"), conversation)
        if tool.mutating:
            return self._file(run, spec, step, tool_name, ctx, parsed, record, scope, index)
        result = self._attempts(run, step, record, lambda: _read(tool, ctx, parsed), spec, scope)
        return result.model_dump(mode="json") if isinstance(result, BaseModel) else result

    def _file(
        self,
        run: WorkflowRun,
        spec: WorkflowSpec,
        step: ToolStep | ForEachStep | ApprovalStep,
        tool_name: str,
        ctx: ToolContext,
        parsed: BaseModel,
        record: StepRecord,
        scope: dict[str, Any],
        index: int | None,
    ) -> Any:
        """Build the plan of a change and file it for approval; nothing runs here."""
        tool = self.registry.get(tool_name)
        if self.approvals is None or tool.preview is None:
            self._fail(spec, step, record, scope, f"{tool_name} changes things and needs approval")
        assert tool.preview is not None and self.approvals is not None
        try:
            plan = tool.preview(ctx, parsed)
            if ctx.scope is not None:  # the workflow's channel is scoped to some accounts
                check_plan(ctx.scope, plan.changes)
        except AlreadyDone as done:  # the change is in place: nothing to approve, the step is done
            return {"already_done": str(done)}
        except ToolError as error:  # "Nothing to stop: …": the step fails with the reason
            self._fail(spec, step, record, scope, str(error))
        plan = plan.model_copy(
            update={"notes": [*plan.notes, f"Workflow {spec.name}, run {run.id}, step {step.id}."]}
        )
        key = approval_key(run.id or 0, step.id, index)
        conversation = self.store.by_id(run.workflow_id).conversation_id
        workspace = conversation.split(":", 1)[0] if conversation else None
        wait = step.expires_after_minutes if isinstance(step, ApprovalStep) else None
        longest = timedelta(minutes=wait) if wait else None
        request = self.approvals.request(
            plan, spec.created_by, conversation, key, workspace, longest
        )
        record.approvals.append(str(request.id))
        run.approval_id = str(request.id)
        if index is None:
            record.status = "waiting_approval"
            raise Stop("waiting_approval")
        return {"approval": str(request.id)}

    def _attempts(
        self,
        run: WorkflowRun,
        step: Step,
        record: StepRecord,
        call: Callable[[], Any],
        spec: WorkflowSpec,
        scope: dict[str, Any],
    ) -> Any:
        last = ""
        for attempt in range(1, step.retry.attempts + 1):
            record.attempts = attempt
            if attempt > 1:
                self.executor.wait(run.id or 0, step.id, step.retry.delay(attempt))
            try:
                return self.executor.execute(run.id or 0, step.id, attempt, call)
            except ToolError as error:
                last = str(error)
            except Exception as error:  # a step's failure is recorded, never raised
                log.exception("workflow %s step %s failed", spec.name, step.id)
                last = f"{type(error).__name__}: {error}"
        return self._fail(spec, step, record, scope, last)

    def _resolved(
        self, step: Step, value: Any, scope: dict[str, Any], spec: WorkflowSpec, record: StepRecord
    ) -> Any:
        try:
            return resolve(value, scope)
        except UnknownReference as error:
            self._fail(spec, step, record, scope, str(error))

    def _fail(
        self, spec: WorkflowSpec, step: Step, record: StepRecord, scope: dict[str, Any], why: str
    ) -> NoReturn:
        record.status, record.error = "failed", why
        if step.on_failure and spec.channel:
            notice = render(step.on_failure, {**scope, "run": {**scope["run"], "error": why}})
            try:
                self.notify(step_channel(step, spec), notice)
            except Exception:  # the notice is best effort; the run's record says it all
                log.exception("workflow %s: failure notice not posted", spec.name)
        raise Stop("failed", f"step {step.id}: {why}")

    # -- bookkeeping ------------------------------------------------------------------------

    def _spec(self, run: WorkflowRun) -> WorkflowSpec:
        return self.store.spec(self.store.by_id(run.workflow_id))

    def _scope(
        self, run: WorkflowRun, spec: WorkflowSpec, records: dict[str, StepRecord]
    ) -> dict[str, Any]:
        return {
            "workflow": {"name": spec.name, "channel": spec.channel},
            "event": json.loads(run.trigger_json or "{}"),
            "run": {"id": run.id, "fire_time": run.fire_time.isoformat()},
            "steps": {k: r.model_dump(mode="json") for k, r in records.items()},
        }

    def _report(self, run: WorkflowRun, spec: WorkflowSpec) -> None:
        """Show where ``run`` stands in its workflow's thread (when a surface is wired)."""
        if self.lines is not None:
            self.lines.report(run, spec)

    def _save(self, run: WorkflowRun, records: dict[str, StepRecord]) -> None:
        run.steps_json = json.dumps([r.model_dump(mode="json") for r in records.values()])
        self.store.save_run(run)


APPROVAL_KEY_PREFIX = "workflow-run"
"""Start of the ``origin_key`` of every approval a run files."""


GO_ON = "workflow.go_on"
"""The tool whose approval lets a run go on past an approval step."""


def approval_key(run_id: int, step_id: str, index: int | None = None) -> str:
    """The idempotency key of the approval step ``step_id`` of run ``run_id`` files.

    Args:
        run_id: the run.
        step_id: the step.
        index: the item, for a step that files one approval per item.
    """
    key = f"{APPROVAL_KEY_PREFIX}:{run_id}:{step_id}"
    return key if index is None else f"{key}:{index}"


def waiting_step(origin_key: str | None) -> tuple[int, str, int | None] | None:
    """The run, step and item (None for a single-approval step) a request's key names.

    None for a key no workflow step filed.

    Args:
        origin_key: an approval request's idempotency key.
    """
    parts = (origin_key or "").split(":")
    if len(parts) not in (3, 4) or parts[0] != APPROVAL_KEY_PREFIX or not parts[1].isdigit():
        return None
    if len(parts) == 4 and not parts[3].isdigit():
        return None
    return int(parts[1]), parts[2], int(parts[3]) if len(parts) == 4 else None


def step_channel(step: Step, spec: WorkflowSpec) -> str:
    """Where a step's messages go: its own channel, else the workflow's.

    Args:
        step: any step.
        spec: its workflow.
    """
    own = step.channel if isinstance(step, NotifyStep) else None
    return own or spec.channel or ""


def _skip_rest(spec: WorkflowSpec, records: dict[str, StepRecord]) -> None:
    for step in spec.steps:
        records.setdefault(step.id, StepRecord(id=step.id, kind=step.kind, status="skipped"))


def _read(tool: ToolSpec, ctx: ToolContext, parsed: BaseModel) -> Any:
    """Run a read-only step's tool; in a scoped channel (``tools.scope``) arguments naming
    another account are refused and the result keeps only what the channel may see."""
    if ctx.scope is None:
        return tool.handler(ctx, parsed)
    check_args(ctx.scope, parsed.model_dump(mode="json"))
    return keep_in_scope(ctx.scope, tool.handler(ctx, parsed).model_dump(mode="json"))
