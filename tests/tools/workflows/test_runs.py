"""Workflows through the approval gate, and their runs: read steps run and are recorded, steps
that change things wait for an approval filed as the workflow's creator, failures are noticed."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from approvals.errors import SelfApproval
from bot.app import CloudFabric
from core.aws import AwsClients
from tests.estate import state_of
from tests.tools.workflows.conftest import create_through_approval
from tools.errors import InvalidInput, NotFound
from tools.workflows.models import CreateArgs, NameArgs
from tools.workflows.preview import preview_create, preview_status
from tools.workflows.runner import Runner
from tools.workflows.service import WorkflowStore
from tools.workflows.spec import NotifyStep, Retry, ToolStep, WorkflowSpec
from tools.workflows.stepping import StepRecord, step_records

FIRE = datetime(2027, 1, 4, 19, 0, tzinfo=UTC)


class Posted(list[tuple[str, str]]):
    def __call__(self, channel: str, text: str) -> None:
        self.append((channel, text))


class Counting:
    """A step executor that records every try (what a durable engine would checkpoint)."""

    def __init__(self) -> None:
        self.tries: list[tuple[str, int]] = []
        self.waits: list[float] = []

    def execute(self, run_id: int, step_id: str, attempt: int, call: Any) -> Any:
        self.tries.append((step_id, attempt))
        return call()

    def wait(self, run_id: int, step_id: str, seconds: float) -> None:
        self.waits.append(seconds)


def runner_for(app: CloudFabric, posted: Posted, executor: Any = None) -> Runner:
    store = WorkflowStore(app.db, app.clock)
    return Runner(app.registry, store, app.context_for, posted, app.approvals, executor)


def test_created_only_after_someone_else_approves(app: CloudFabric) -> None:
    request = "every monday at 9 post last week's cost by service to #finops"
    plan = preview_create(app.context_for("alice"), CreateArgs(request=request))
    filed = app.approvals.request(plan, "alice")
    store = WorkflowStore(app.db, app.clock)
    assert store.all() == []
    with pytest.raises(SelfApproval):
        app.approvals.approve(filed.id, "alice")
    app.approvals.approve(filed.id, "bob")
    (row,) = store.all()
    assert (row.name, row.status, row.created_by, row.channel) == (
        "cost-report",
        "active",
        "alice",
        "#finops",
    )
    assert store.spec(row).trigger.recurrence.cron == "0 9 * * 1"  # type: ignore[union-attr]


def test_a_stop_step_waits_for_approval_filed_as_the_creator(
    app: CloudFabric, dev_estate: dict[str, str], aws: AwsClients
) -> None:
    (name,) = create_through_approval(
        app, "every weekday at 7pm stop the instances tagged env=dev and tell #dev"
    )
    posted = Posted()
    runner = runner_for(app, posted)
    run = runner.fire(name, FIRE)

    assert run.status == "waiting_approval" and run.approval_id
    records = {r.id: r for r in step_records(run)}
    assert records["find"].status == "succeeded"
    found = {i["instance_id"] for i in records["find"].output["instances"]}
    assert found == {dev_estate["dev-1"], dev_estate["dev-2"]}
    assert records["stop"].status == "waiting_approval"
    assert state_of(aws, dev_estate["dev-1"]) == "running"  # nothing changed yet

    approval = app.approvals.store.get(run.approval_id)
    assert approval.requester == "alice" and approval.tool == "ec2.stop_instances"
    planned = json.loads(approval.plan_json)["args"]["targets"]
    assert {t["instance_id"] for t in planned} == found
    final = app.approvals.approve(run.approval_id, "bob")
    assert final.state == "SUCCEEDED"
    assert state_of(aws, dev_estate["dev-1"]) in ("stopping", "stopped")
    assert state_of(aws, dev_estate["prod-1"]) == "running"

    done = runner.resume(run.id or 0, "stop", json.loads(final.result_json or "{}"), True)
    assert done.status == "succeeded" and done.finished_at is not None
    assert posted and posted[-1][0] == "#dev" and dev_estate["dev-1"] in posted[-1][1]
    assert [r.status for r in step_records(done)] == ["succeeded"] * 4


def test_a_false_condition_ends_the_run_and_skips_the_rest(app: CloudFabric) -> None:
    (name,) = create_through_approval(
        app, "every weekday at 7pm stop the instances tagged env=nothing and tell #dev"
    )
    posted = Posted()
    run = runner_for(app, posted).fire(name, FIRE)
    assert run.status == "succeeded" and posted == []
    statuses = {r.id: (r.status, r.output) for r in step_records(run)}
    assert statuses["any"] == ("succeeded", False)
    assert statuses["stop"][0] == statuses["tell"][0] == "skipped"


def test_a_failing_step_retries_with_backoff_then_posts_its_failure_notice(
    app: CloudFabric,
) -> None:
    spec = WorkflowSpec(
        name="broken-describe",
        trigger={"kind": "manual"},
        channel="#ops",
        created_by="alice",
        steps=[
            ToolStep(
                id="look",
                tool="ec2.describe_instance",
                args={"target": "no-such-box"},
                retry=Retry(attempts=3, backoff_seconds=10, multiplier=3),
                on_failure=":x: {workflow.name} could not look: {run.error}",
            ),
            NotifyStep(id="tell", template="never said"),
        ],
    )
    WorkflowStore(app.db, app.clock).create(spec, approved_by="bob")
    posted, executor = Posted(), Counting()
    run = runner_for(app, posted, executor).fire("broken-describe", FIRE)
    assert run.status == "failed" and "step look" in (run.error or "")
    assert executor.tries == [("look", 1), ("look", 2), ("look", 3)]
    assert executor.waits == [10, 30]
    look = step_records(run)[0]
    assert (look.status, look.attempts) == ("failed", 3) and look.error
    assert posted == [("#ops", f":x: broken-describe could not look: {look.error}")]


def test_paused_workflows_do_not_run_and_unknown_ones_are_named(app: CloudFabric) -> None:
    (name,) = create_through_approval(
        app, "every day at 6am compare IPAM with the VPCs and post new conflicts in #network"
    )
    ctx = app.context_for("alice")
    plan = preview_status("workflow.pause")(ctx, NameArgs(name=name))
    app.approvals.approve(app.approvals.request(plan, "alice").id, "bob")
    with pytest.raises(InvalidInput, match="paused"):
        runner_for(app, Posted()).fire(name, FIRE)
    with pytest.raises(InvalidInput, match="nothing to pause"):
        preview_status("workflow.pause")(ctx, NameArgs(name=name))
    with pytest.raises(NotFound, match=f"Workflows: {name}"):
        WorkflowStore(app.db, app.clock).get("nightly-nothing")


def test_runs_and_step_records_are_kept(app: CloudFabric) -> None:
    (name,) = create_through_approval(
        app, "every friday at 10am audit the security groups and post findings to #security"
    )
    runner = runner_for(app, Posted())
    first = runner.fire(name, FIRE)
    second = runner.fire(name, FIRE.replace(day=11))
    runs = WorkflowStore(app.db, app.clock).runs(name)
    assert [r.id for r in runs] == [second.id, first.id]
    record = step_records(runs[0])[0]
    assert isinstance(record, StepRecord) and record.id == "audit"
    assert record.started_at is not None and record.seconds is not None
    assert runs[0].fire_time == FIRE.replace(day=11)


def test_a_change_that_cannot_be_planned_fails_its_step_with_the_reason(
    app: CloudFabric, dev_estate: dict[str, str], aws: AwsClients
) -> None:
    (name,) = create_through_approval(
        app, "every weekday at 7pm stop the instances tagged env=dev and tell #dev"
    )
    ec2 = aws.client("ec2", "us-east-1")
    ec2.stop_instances(InstanceIds=[dev_estate["dev-1"], dev_estate["dev-2"]])
    run = runner_for(app, Posted()).fire(name, FIRE)

    assert run.status == "failed" and not run.approval_id
    records = {r.id: r for r in step_records(run)}
    assert records["stop"].status == "failed" and "stop" in (records["stop"].error or "")
    assert [a.tool for a in app.approvals.find()] == ["workflow.create"]  # no stop was filed


def test_pause_resume_and_delete_change_the_status_once_approved(app: CloudFabric) -> None:
    (name,) = create_through_approval(app, "every monday at 9 post last week's cost to #finops")
    store = WorkflowStore(app.db, app.clock)
    ctx = app.context_for("alice")
    for tool, status, said in [
        ("workflow.pause", "paused", "is paused"),
        ("workflow.resume", "active", "is active again"),
        ("workflow.delete", "deleted", "is deleted"),
    ]:
        filed = app.approvals.request(preview_status(tool)(ctx, NameArgs(name=name)), "alice")
        done = app.approvals.approve(filed.id, "bob")
        assert done.state == "SUCCEEDED"
        assert json.loads(done.result_json or "{}")["summary"] == f"{name} {said}."
        if status == "deleted":
            with pytest.raises(NotFound):
                store.get(name)
        else:
            assert store.get(name).status == status
