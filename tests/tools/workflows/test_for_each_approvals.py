"""A for-each step that changes things files one approval per item, and the run goes on only
once every item is decided: approved ones ran, rejected ones are reported as declined."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from bot.app import CloudFabric
from core.aws import AwsClients
from core.recurrence import Recurrence
from tests.estate import state_of
from tools.workflows.durable import resume_decided
from tools.workflows.runner import Runner
from tools.workflows.service import WorkflowStore
from tools.workflows.spec import ForEachStep, NotifyStep, ToolStep, WorkflowSpec
from tools.workflows.stepping import step_records

FIRE = datetime(2027, 1, 4, 19, 0, tzinfo=UTC)


def stop_each_dev_instance(app: CloudFabric) -> str:
    """A workflow stopping each dev instance on its own approval, then saying what happened."""
    spec = WorkflowSpec(
        name="stop-dev-each",
        trigger={"kind": "cron", "recurrence": Recurrence(kind="cron", cron="0 19 * * 1-5")},
        channel="#dev",
        created_by="alice",
        steps=[
            ToolStep(id="find", tool="ec2.list_instances", args={"tags": {"env": "dev"}}),
            ForEachStep(
                id="stop",
                items="{steps.find.output.instances}",
                tool="ec2.stop_instances",
                args={"targets": ["{item.instance_id}"]},
            ),
            NotifyStep(
                id="tell",
                template="stopped {steps.stop.output.done}, declined {steps.stop.output.declined}",
            ),
        ],
    )
    WorkflowStore(app.db, app.clock).create(spec, approved_by="bob")
    return spec.name


def target_of(app: CloudFabric, approval_id: str) -> str:
    """The instance the request ``approval_id`` would stop."""
    (target,) = json.loads(app.approvals.get(approval_id).plan_json)["args"]["targets"]
    return str(target["instance_id"])


def decide(app: CloudFabric, runner: Runner, approval_id: str, approve: bool) -> None:
    """Decide one item's request as Bob, and tell the run (what the app's subscription does)."""
    decision = app.approvals.approve if approve else app.approvals.reject
    final = decision(approval_id, "bob")
    resume_decided(runner, final.origin_key, final.state, final.result_json, final.error)


def test_the_run_waits_for_every_item_then_reports_done_and_declined(
    app: CloudFabric, dev_estate: dict[str, str], aws: AwsClients
) -> None:
    posted: list[tuple[str, str]] = []
    store = WorkflowStore(app.db, app.clock)
    runner = Runner(
        app.registry, store, app.context_for, lambda c, t: posted.append((c, t)), app.approvals
    )
    run = runner.fire(stop_each_dev_instance(app), FIRE)
    assert run.status == "waiting_approval"
    stop = {r.id: r for r in step_records(run)}["stop"]
    assert len(stop.approvals) == 2  # one card per dev instance
    targets = {target_of(app, key): key for key in stop.approvals}
    assert set(targets) == {dev_estate["dev-1"], dev_estate["dev-2"]}

    decide(app, runner, targets[dev_estate["dev-1"]], approve=True)
    waiting = store.run(run.id or 0)
    assert waiting.status == "waiting_approval" and not posted  # dev-2 is still undecided
    assert state_of(aws, dev_estate["dev-1"]) in ("stopping", "stopped")

    decide(app, runner, targets[dev_estate["dev-2"]], approve=False)
    done = store.run(run.id or 0)
    assert done.status == "succeeded", done.error
    assert state_of(aws, dev_estate["dev-2"]) == "running"
    assert posted == [("#dev", "stopped 1, declined 1")]
    outcome = {r.id: r for r in step_records(done)}["stop"].output
    statuses = {target_of(app, item["approval"]): item["status"] for item in outcome["outputs"]}
    assert statuses == {dev_estate["dev-1"]: "done", dev_estate["dev-2"]: "declined"}


def test_a_late_duplicate_decision_does_not_run_the_rest_twice(
    app: CloudFabric, dev_estate: dict[str, str]
) -> None:
    posted: list[tuple[str, str]] = []
    store = WorkflowStore(app.db, app.clock)
    runner = Runner(
        app.registry, store, app.context_for, lambda c, t: posted.append((c, t)), app.approvals
    )
    run = runner.fire(stop_each_dev_instance(app), FIRE)
    keys = {r.id: r for r in step_records(run)}["stop"].approvals
    for key in keys:
        decide(app, runner, key, approve=False)
    final = app.approvals.get(keys[0])
    resume_decided(runner, final.origin_key, final.state, final.result_json, final.error)
    assert posted == [("#dev", "stopped 0, declined 2")]  # told once
