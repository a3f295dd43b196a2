"""A Slack-facing CloudFabric with the durable engine on, for the workflow tests of this package.

The stack is the one the Slack tests use (``tests.slack.harness``): the real app and HTTP app
over the seeded sandbox, talking to the local Slack server that records Web API calls, with
requests signed by the real v0 scheme. Its clock is a ``SetClock`` the tests move, so signed
requests carry the clock's time. One stack (one durable engine) per test module.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from bot.app import CloudFabric
from bot.http import create_http_app
from bot.slack.runtime import SlackRuntime, build_runtime
from core.aws import AwsClients
from core.recurrence import Recurrence
from tests.core.durable.effects import SetClock
from tests.fakes.slack_server import TEAM_ID, FakeSlack
from tests.slack.harness import eventually, sign, slack_settings
from tools.plan import ActionPlan
from tools.workflows.spec import NotifyStep, WorkflowSpec

START = datetime(2027, 3, 1, 1, 58, tzinfo=UTC)
ALICE, BOB = "U0ALICE", "U0BOB"
OPS = {"id": "C0OPS", "name": "ops", "is_member": True}
OUTSIDE = {"id": "C0PRIV", "name": "private-ops", "is_member": False}


@dataclass
class WorkflowStack:
    """The running stack, its HTTP client, the local Slack server and the clock."""

    runtime: SlackRuntime
    http: TestClient
    slack: FakeSlack
    clock: SetClock

    @property
    def app(self) -> CloudFabric:
        """The services."""
        return self.runtime.cloudfabric

    def post_signed(self, body: dict[str, Any], interaction: bool = False) -> Any:
        """POST a Slack body signed at the clock's time (an event, or an interaction payload)."""
        from urllib.parse import urlencode

        if interaction:
            raw = urlencode({"payload": json.dumps(body)}).encode()
            kind = "application/x-www-form-urlencoded"
        else:
            raw, kind = json.dumps(body).encode(), "application/json"
        headers = {**sign(raw, at=int(self.clock.timestamp())), "Content-Type": kind}
        return self.http.post("/slack/events", content=raw, headers=headers)


def workflow_stack(
    folder: Path, aws: AwsClients, executor_id: str, **overrides: Any
) -> Iterator[WorkflowStack]:
    """Start the stack (background work and the durable engine on); close it afterwards.

    Args:
        folder: a temp folder.
        aws: the sandbox's clients.
        executor_id: the durable executor id (one per module).
        **overrides: other settings.
    """
    slack = FakeSlack().start()
    filler = [{"id": f"C{n:04d}X", "name": f"team-{n}", "is_member": True} for n in range(230)]
    slack.channels = [*filler, OPS, OUTSIDE]  # more than one page of conversations.list
    clock = SetClock(START)
    settings = slack_settings(
        folder / "cf",
        slack,
        durable_enabled=True,
        durable_executor_id=executor_id,
        durable_poll_seconds=0.05,
        durable_tick_seconds=3600,  # the tests tick themselves
        durable_heartbeat_seconds=3600,
        slack_outbox_channel_interval_seconds=0,  # the clock stands still: no pacing to wait on
        slack_outbox_poll_seconds=0.05,
        **overrides,
    )
    runtime = build_runtime(settings, aws=aws, clock=clock)
    runtime.cloudfabric.start_background()
    with TestClient(create_http_app(runtime)) as http:
        eventually(lambda: runtime.surface.identity.known)
        yield WorkflowStack(runtime, http, slack, clock)
    runtime.close()
    slack.stop()


def thread_of(channel: str, ts: str) -> str:
    """The conversation id of a Slack thread in the test workspace."""
    return f"{TEAM_ID}:{channel}:{ts}"


def create_approved(stack: WorkflowStack, spec: WorkflowSpec, conversation: str) -> None:
    """File ``workflow.create`` for ``spec`` as Alice in ``conversation``; Bob approves it."""
    plan = ActionPlan(
        tool="workflow.create",
        args={"specs": [spec.model_dump(mode="json")]},
        summary=f"Create workflow {spec.name}.",
        risk="low",
    )
    approvals = stack.app.approvals
    filed = approvals.request(plan, ALICE, conversation, workspace=TEAM_ID)
    assert approvals.approve(filed.id, BOB).state == "SUCCEEDED"


def every_five_minutes(name: str, channel: str, template: str) -> WorkflowSpec:
    """A workflow that posts ``template`` to ``channel`` every five minutes."""
    return WorkflowSpec(
        name=name,
        trigger={"kind": "cron", "recurrence": Recurrence(kind="cron", cron="*/5 * * * *")},
        channel=channel,
        created_by=ALICE,
        steps=[NotifyStep(id="tell", template=template)],
    )
