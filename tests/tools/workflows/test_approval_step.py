"""An approval step asked for in words: each run files a go-on request that expires at the
step's wait (or the policy's TTL, whichever is sooner), goes on once someone else approves it,
and stops (cancelled, nothing else done) when it is rejected or expires. No model can file one."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from langchain_core.messages import AIMessage

from agents.tool_node import ToolRunner
from bot.app import CloudFabric
from tools.workflows.durable import resume_decided
from tools.workflows.runner import Runner
from tools.workflows.service import WorkflowStore
from tools.workflows.stepping import step_records
from tools.workflows.words import Reading, read_workflow

FIRE = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
ASKED = "every monday at 9 post last week's cost by service to #finops after someone approves"


@pytest.fixture
def frozen() -> Iterator[time_machine.Coordinates]:
    with time_machine.travel(FIRE, tick=False) as clock:
        yield clock


def runner_of(app: CloudFabric, posted: list[tuple[str, str]]) -> Runner:
    store = WorkflowStore(app.db, app.clock)
    notify = lambda channel, text: posted.append((channel, text))  # noqa: E731
    return Runner(app.registry, store, app.context_for, notify, app.approvals)


def waiting_run(app: CloudFabric, runner: Runner, words: str) -> tuple[int, str]:
    """Store the workflow ``words`` ask for and fire it; the run and its go-on request."""
    reading = read_workflow(words, created_by="alice")
    assert isinstance(reading, Reading)
    (spec,) = reading.specs
    WorkflowStore(app.db, app.clock).create(spec, approved_by="bob")
    run = runner.fire(spec.name, FIRE)
    assert run.status == "waiting_approval" and run.approval_id
    return run.id or 0, run.approval_id


def tell(app: CloudFabric, runner: Runner, approval_id: str) -> None:
    """What the app's approval subscription does once the request is final."""
    final = app.approvals.get(approval_id)
    resume_decided(runner, final.origin_key, final.state, final.result_json, final.error)


@pytest.mark.parametrize(
    ("words", "wait"),
    [
        (ASKED, 24 * 60),
        (ASKED + ", and wait up to 2 hours", 120),
        ("every day at 6am compare IPAM with the VPCs in #network, ask for approval first", 1440),
        ("every day at 6am compare IPAM with the VPCs in #network, wait 30 minutes", None),
    ],
)
def test_words_ask_for_an_approval_step_with_its_wait(words: str, wait: int | None) -> None:
    reading = read_workflow(words, created_by="alice")
    assert isinstance(reading, Reading)
    steps = reading.specs[0].steps
    asks = [step for step in steps if step.kind == "approval"]
    if wait is None:
        assert asks == []  # "wait for the ok" alone is not asking for approval
        return
    assert steps[0].kind == "approval" and steps[0].expires_after_minutes == wait  # type: ignore[union-attr]


def test_the_run_goes_on_once_someone_else_approves(
    app: CloudFabric, frozen: time_machine.Coordinates
) -> None:
    posted: list[tuple[str, str]] = []
    runner = runner_of(app, posted)
    run_id, approval_id = waiting_run(app, runner, ASKED + ", and wait up to 30 minutes")
    request = app.approvals.get(approval_id)
    assert request.tool == "workflow.go_on" and request.requester == "alice"
    assert request.expires_at == FIRE + timedelta(minutes=30)  # sooner than the policy's TTL
    assert posted == []  # nothing done before the decision

    app.approvals.approve(approval_id, "bob")
    tell(app, runner, approval_id)

    run = WorkflowStore(app.db, app.clock).run(run_id)
    assert run.status == "succeeded", run.error
    assert [r.status for r in step_records(run)] == ["succeeded", "succeeded", "succeeded"]
    assert [channel for channel, _ in posted] == ["#finops"]


@pytest.mark.parametrize("decision", ["reject", "expire"])
def test_a_rejected_or_expired_approval_stops_the_run_and_nothing_else_is_done(
    app: CloudFabric, frozen: time_machine.Coordinates, decision: str
) -> None:
    posted: list[tuple[str, str]] = []
    runner = runner_of(app, posted)
    run_id, approval_id = waiting_run(app, runner, ASKED + ", and wait up to 30 minutes")
    if decision == "reject":
        app.approvals.reject(approval_id, "bob", "not this week")
    else:
        frozen.move_to(FIRE + timedelta(minutes=29, seconds=59))
        assert app.approvals.expire_due() == []
        frozen.move_to(FIRE + timedelta(minutes=30))
        assert app.approvals.expire_due() == [approval_id]
    tell(app, runner, approval_id)

    run = WorkflowStore(app.db, app.clock).run(run_id)
    assert run.status == "cancelled" and run.error is not None and run.error.startswith("step ask")
    assert posted == []  # the cost report was never posted
    assert [r.status for r in step_records(run)] == ["failed"]


def test_no_model_can_file_a_go_on_request(app: CloudFabric) -> None:
    assert "workflow.go_on" not in {spec.name for spec in app.registry.all()}
    runner = ToolRunner(app.registry, app.approvals, app.context_for)
    args = {"workflow": "cost-report", "run_id": 1, "step": "ask", "prompt": "go on?"}
    call = {"name": "workflow_go_on", "args": args, "id": "call-1"}
    replies, awaiting = runner.run(AIMessage(content="", tool_calls=[call]), "mallory", "T1:C1:9")
    assert awaiting == [] and "I have no tool" in str(replies[0].content)
    assert app.approvals.find(None, limit=10) == []
