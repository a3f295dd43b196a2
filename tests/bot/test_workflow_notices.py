"""Workflow runs in Slack: a scheduled notice reaches its channel (the name resolved to its id
through every page of conversations.list), a channel that cannot take it fails the step with
what to do, and each run has one line in the thread the workflow was made in, edited as the
run goes on. App Home lists the runs.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta

import pytest

from approvals.render import APPROVE_ACTION
from core.aws import AwsClients
from core.durable import wait_for_run
from tests.bot.workflow_stack import (
    BOB,
    START,
    WorkflowStack,
    create_approved,
    every_five_minutes,
    thread_of,
    workflow_stack,
)
from tests.fakes.slack_server import Call
from tests.slack.harness import button_click, event_body, eventually, sandbox_aws
from tools.workflows.service import WorkflowStore
from tools.workflows.spec import ToolStep
from tools.workflows.stepping import step_records

__all__ = ["sandbox_aws"]


@pytest.fixture(scope="module")
def stack(
    tmp_path_factory: pytest.TempPathFactory, sandbox_aws: AwsClients
) -> Iterator[WorkflowStack]:
    yield from workflow_stack(tmp_path_factory.mktemp("notices"), sandbox_aws, "notices-test")


def _fire(stack: WorkflowStack, name: str, minutes: int) -> str:
    """Move the clock ``minutes`` past the start, tick, and wait for ``name``'s run to end."""
    stack.clock.instant = START + timedelta(minutes=minutes)
    assert stack.app.ticker is not None
    [fired] = [f for f in stack.app.ticker.tick() if f.schedule_id == name]
    assert wait_for_run(fired.run_id, 20).state == "SUCCESS"
    return fired.run_id


def _lines(stack: WorkflowStack, channel: str, ts: str) -> tuple[Call, list[Call]]:
    """The run line posted in the thread and the edits of it, once the run's final edit is
    sent (edits go through the outbox)."""
    [posted] = stack.slack.wait_for(
        "chat.postMessage",
        lambda c: c.params.get("channel") == channel and c.params.get("thread_ts") == ts,
    )
    line_ts = posted.response["ts"]
    stack.slack.wait_for(
        "chat.update",
        lambda c: c.params.get("ts") == line_ts and c.params["text"].startswith((":x:", ":white")),
    )
    edits = [c for c in stack.slack.calls_of("chat.update") if c.params.get("ts") == line_ts]
    return posted, edits


def test_a_scheduled_notice_reaches_the_channel_and_the_run_line_progresses(
    stack: WorkflowStack,
) -> None:
    stack.clock.instant = START
    spec = every_five_minutes("ops-hello", "#ops", "hello from {workflow.name}, run {run.id}")
    create_approved(stack, spec, thread_of("C0WF1", "100.1"))
    row = WorkflowStore(stack.app.db, stack.app.clock).get("ops-hello")
    assert (row.conversation_id, row.approved_by) == (thread_of("C0WF1", "100.1"), BOB)

    _fire(stack, "ops-hello", 2)

    [run] = WorkflowStore(stack.app.db, stack.app.clock).runs("ops-hello")
    [notice] = stack.slack.wait_for("chat.postMessage", lambda c: c.params["channel"] == "C0OPS")
    assert notice.params["text"] == f"hello from ops-hello, run {run.id}"
    pages = stack.slack.calls_of("conversations.list")
    assert len(pages) == 2 and pages[1].params["cursor"] == "200"
    posted, edits = _lines(stack, "C0WF1", "100.1")
    assert f"Run {run.id} of *ops-hello* is running" in posted.params["text"]
    assert [e.params["text"] for e in edits] == [
        f":white_check_mark: Run {run.id} of *ops-hello* succeeded (due 2027-03-01 02:00 UTC, "
        "took 0.0 s)."
    ]

    _fire(stack, "ops-hello", 7)  # the names are cached: no second read of the list
    stack.slack.wait_for("chat.postMessage", lambda c: c.params["channel"] == "C0OPS", count=2)
    assert len(stack.slack.calls_of("conversations.list")) == 2


@pytest.mark.parametrize(
    ("channel", "says"),
    [
        ("#private-ops", "CloudFabric is not in #private-ops. Invite it there (`/invite "),
        ("#nowhere", "Slack has no channel #nowhere that CloudFabric can see."),
    ],
)
def test_a_channel_that_cannot_take_the_notice_fails_the_step_and_the_thread_is_told(
    stack: WorkflowStack, channel: str, says: str
) -> None:
    stack.clock.instant = START
    name = f"to-{channel.strip('#')}"
    thread_ts = f"200.{len(channel)}"
    create_approved(stack, every_five_minutes(name, channel, "hi"), thread_of("C0WF2", thread_ts))

    _fire(stack, name, 12)

    [run] = WorkflowStore(stack.app.db, stack.app.clock).runs(name)
    [tell] = step_records(run)
    assert run.status == "failed" and tell.status == "failed"
    assert tell.error is not None and tell.error.startswith(says)
    assert run.error == f"step tell: {tell.error}"
    _, edits = _lines(stack, "C0WF2", thread_ts)
    assert edits[-1].params["text"].startswith(f":x: Run {run.id} of *{name}* failed")
    assert f"step tell: {says}" in edits[-1].params["text"]


def test_app_home_lists_the_workflow_runs(stack: WorkflowStack) -> None:
    stack.clock.instant = START
    create_approved(stack, every_five_minutes("home-runs", "#ops", "hi"), thread_of("C0WF3", "3.1"))
    _fire(stack, "home-runs", 17)
    body = event_body(
        "events_app_home_opened_home_tab.json", event_id="EvHome1", channel="D1", ts="1.1"
    )
    body["event"]["user"] = BOB
    stack.post_signed(body)

    [home] = stack.slack.wait_for("views.publish", lambda c: c.params["user_id"] == BOB)
    texts = [str(block) for block in home.params["view"]["blocks"]]
    assert any("Workflow runs" in text for text in texts)
    assert any("of *home-runs* succeeded" in text for text in texts)


def test_a_change_step_shows_its_card_in_the_thread_at_once_and_a_click_lets_the_run_go_on(
    stack: WorkflowStack, sandbox_aws: AwsClients
) -> None:
    stack.clock.instant = START
    told = every_five_minutes("stop-batch", "#ops", "batch-worker stopped")
    stop = ToolStep(id="stop", tool="ec2.stop_instances", args={"targets": ["batch-worker"]})
    spec = told.model_copy(update={"steps": [stop, *told.steps]})
    create_approved(stack, spec, thread_of("C0WF3", "300.1"))

    _fire(stack, "stop-batch", 17)

    [run] = WorkflowStore(stack.app.db, stack.app.clock).runs("stop-batch")
    assert run.status == "waiting_approval" and run.approval_id
    [card] = stack.slack.wait_for(  # posted by the run itself, not by the sweep a while later
        "chat.postMessage",
        lambda c: (
            c.params.get("thread_ts") == "300.1"
            and "blocks" in c.params
            and run.approval_id in json.dumps(c.params["blocks"])
        ),
    )
    assert card.params["channel"] == "C0WF3"
    click = button_click(APPROVE_ACTION, run.approval_id, user=BOB, channel="C0WF3")
    assert stack.post_signed(click, interaction=True).status_code == 200

    def finished() -> bool:
        return WorkflowStore(stack.app.db, stack.app.clock).run(run.id or 0).status == "succeeded"

    eventually(finished, timeout=20)
    ec2 = sandbox_aws.client("ec2", "us-east-1")
    named = [{"Name": "tag:Name", "Values": ["batch-worker"]}]
    [reservation] = ec2.describe_instances(Filters=named)["Reservations"]
    assert reservation["Instances"][0]["State"]["Name"] in ("stopping", "stopped")
