"""Workflows on the durable engine, in process: the ticker fires each scheduled workflow once per
fire time on a moved clock, ``workflow.run_now`` starts a durable run, paused workflows do not
fire, and a decided approval step lets its run go on.

One app launches the engine for the whole module (DBOS is one per process); each test uses
workflows of its own names and sets the clock before creating them.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from moto import mock_aws

from bot.app import CloudFabric, create_app
from core.aws import AwsClients
from core.durable import list_runs, run_id_for, run_status, wait_for_run
from core.recurrence import Recurrence
from core.settings import Settings
from tests.core.durable.effects import SetClock
from tests.estate import launch
from tools.errors import InvalidInput
from tools.workflows.handlers import RUNNER_KEY
from tools.workflows.models import CreateArgs, NameArgs
from tools.workflows.preview import preview_create, preview_run_now
from tools.workflows.service import WorkflowStore
from tools.workflows.spec import NotifyStep, ToolStep, WorkflowSpec
from tools.workflows.stepping import step_records

START = datetime(2027, 3, 1, 1, 58, tzinfo=UTC)


@pytest.fixture(scope="module")
def clock() -> SetClock:
    """The app's clock; tests move it."""
    return SetClock(START)


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory, clock: SetClock) -> Iterator[CloudFabric]:
    """An app over moto with the durable engine enabled (its own ticker thread idle)."""
    folder: Path = tmp_path_factory.mktemp("wfrun")
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        data_dir=folder / "cf",
        aws_mode="sandbox",
        model_provider="offline",
        durable_enabled=True,
        durable_executor_id="wfrun-test",
        durable_poll_seconds=0.05,
        durable_tick_seconds=3600,  # the tests tick themselves
        durable_heartbeat_seconds=3600,
    )
    with mock_aws():
        aws = AwsClients(settings, sandbox=True)
        launch(aws, "dev-1", env="dev")
        launch(aws, "qa-1", env="qa")
        built = create_app(settings, aws=aws, clock=clock)
        built.start_background()
        yield built
        built.close()


def scheduled(app: CloudFabric, name: str, cron: str = "*/5 * * * *") -> WorkflowSpec:
    """Store an active workflow ``name`` on ``cron`` that lists dev instances and says so."""
    spec = WorkflowSpec(
        name=name,
        trigger={"kind": "cron", "recurrence": Recurrence(kind="cron", cron=cron)},
        channel="#ops",
        created_by="alice",
        steps=[
            ToolStep(id="find", tool="ec2.list_instances", args={"tags": {"env": "dev"}}),
            NotifyStep(id="tell", template="dev: {steps.find.output.filters}"),
        ],
    )
    WorkflowStore(app.db, app.clock).create(spec, approved_by="bob")
    return spec


def runs_of(name: str) -> list[str]:
    """Ids of the durable runs of workflow ``name``."""
    return sorted(run.run_id for run in list_runs(prefix=f"wf-{name}-"))


def test_the_ticker_fires_once_per_fire_time_and_records_step_outputs(
    app: CloudFabric, clock: SetClock
) -> None:
    clock.instant = START
    scheduled(app, "dev-count")
    assert app.ticker is not None
    clock.instant = START + timedelta(minutes=2)  # 02:00 is due
    first = [f for f in app.ticker.tick() if f.schedule_id == "dev-count"]
    again = [f for f in app.ticker.tick() if f.schedule_id == "dev-count"]  # same instant
    clock.instant = START + timedelta(minutes=7)  # 02:05 is due
    second = [f for f in app.ticker.tick() if f.schedule_id == "dev-count"]

    assert [f.run_id for f in first] == ["wf-dev-count-2027-03-01T02:00:00Z"]
    assert again == []
    assert [f.run_id for f in second] == ["wf-dev-count-2027-03-01T02:05:00Z"]
    assert runs_of("dev-count") == [first[0].run_id, second[0].run_id]
    for fired in (*first, *second):
        assert wait_for_run(fired.run_id, 10).state == "SUCCESS"
    store = WorkflowStore(app.db, app.clock)
    runs = store.runs("dev-count")
    assert [run.status for run in runs] == ["succeeded", "succeeded"]
    assert {run.fire_time.replace(tzinfo=UTC) for run in runs} == {
        f.fire_at for f in (*first, *second)
    }
    find, tell = step_records(runs[0])
    assert find.status == "succeeded"
    assert [i["name"] for i in find.output["instances"]] == ["dev-1"]
    assert tell.output == {"channel": "#ops", "text": f"dev: {find.output['filters']}"}


def test_a_paused_workflow_does_not_fire_and_fires_again_once_resumed(
    app: CloudFabric, clock: SetClock
) -> None:
    clock.instant = START.replace(minute=5)
    scheduled(app, "paused-count", cron="0 * * * *")
    store = WorkflowStore(app.db, app.clock)
    store.set_status("paused-count", "paused")
    assert app.ticker is not None
    clock.instant = START.replace(hour=3, minute=1)  # 03:00 is due
    assert [f for f in app.ticker.tick() if f.schedule_id == "paused-count"] == []
    assert runs_of("paused-count") == []

    store.set_status("paused-count", "active")
    fired = [f for f in app.ticker.tick() if f.schedule_id == "paused-count"]
    assert [f.run_id for f in fired] == ["wf-paused-count-2027-03-01T03:00:00Z"]

    store.set_status("paused-count", "deleted")
    clock.instant = START.replace(hour=4, minute=1)
    assert [f for f in app.ticker.tick() if f.schedule_id == "paused-count"] == []
    wait_for_run(fired[0].run_id, 10)


def test_run_now_through_the_tool_starts_a_durable_run_that_succeeds(
    app: CloudFabric, clock: SetClock
) -> None:
    scheduled(app, "count-now", cron="0 9 * * 1")
    plan = preview_run_now(app.context_for("alice"), NameArgs(name="count-now"))
    filed = app.approvals.request(plan, "alice")
    final = app.approvals.approve(filed.id, "bob")

    assert final.state == "SUCCEEDED", final
    durable_id = run_id_for("count-now", clock.now())
    status = run_status(durable_id)
    assert status is not None and status.state == "SUCCESS"
    (run,) = WorkflowStore(app.db, app.clock).runs("count-now")
    assert status.output == run.id and run.status == "succeeded"
    assert [r.status for r in step_records(run)] == ["succeeded", "succeeded"]


def test_run_now_of_a_paused_workflow_says_so(app: CloudFabric) -> None:
    scheduled(app, "count-paused", cron="0 9 * * 1")
    WorkflowStore(app.db, app.clock).set_status("count-paused", "paused")
    runner = app.extras[RUNNER_KEY]
    with pytest.raises(InvalidInput, match="paused"):
        runner.fire("count-paused", app.clock.now())  # type: ignore[attr-defined]
    assert runs_of("count-paused") == []


def stopping(app: CloudFabric, name: str, env: str) -> None:
    """Store a manual workflow ``name`` that stops the ``env`` instances (after approval)."""
    request = f"every weekday at 7pm stop the instances tagged env={env} and tell #dev"
    plan = preview_create(app.context_for("alice"), CreateArgs(request=request))
    data = {**plan.args["specs"][0], "name": name, "trigger": {"kind": "manual"}}
    WorkflowStore(app.db, app.clock).create(WorkflowSpec.model_validate(data), approved_by="bob")


def test_an_approved_step_resumes_its_durable_run_to_the_end(app: CloudFabric) -> None:
    stopping(app, "stop-approved", "dev")
    runner = app.extras[RUNNER_KEY]
    run = runner.fire("stop-approved", app.clock.now())  # type: ignore[attr-defined]
    assert run.status == "waiting_approval" and run.approval_id

    assert app.approvals.approve(run.approval_id, "bob").state == "SUCCEEDED"

    assert wait_for_run(f"wf-resume-{run.id}-stop", 10).state == "SUCCESS"
    done = WorkflowStore(app.db, app.clock).run(run.id or 0)
    assert done.status == "succeeded"
    assert [r.status for r in step_records(done)] == ["succeeded"] * 4


def test_a_rejected_step_fails_its_run(app: CloudFabric) -> None:
    stopping(app, "stop-rejected", "qa")
    runner = app.extras[RUNNER_KEY]
    run = runner.fire("stop-rejected", app.clock.now())  # type: ignore[attr-defined]
    assert run.status == "waiting_approval" and run.approval_id

    assert app.approvals.reject(run.approval_id, "bob").state == "REJECTED"

    assert wait_for_run(f"wf-resume-{run.id}-stop", 10).state == "SUCCESS"
    done = WorkflowStore(app.db, app.clock).run(run.id or 0)
    assert done.status == "failed" and "rejected" in (done.error or "")
