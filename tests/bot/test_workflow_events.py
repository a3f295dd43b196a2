"""Event triggers over HTTP: an EventBridge event accepted by the alert intake starts one run of
each active workflow whose pattern matches it (a CloudTrail call included); the same event
again starts none, and a refused, unmatched or paused one starts nothing."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from core.aws import AwsClients
from core.durable import list_runs, wait_for_run
from tests.bot.workflow_stack import (
    ALICE,
    START,
    WorkflowStack,
    create_approved,
    thread_of,
    workflow_stack,
)
from tests.conftest import SHARED
from tests.slack.harness import sandbox_aws
from tools.workflows.service import WorkflowStore
from tools.workflows.spec import EventTrigger, NotifyStep, WorkflowSpec

__all__ = ["sandbox_aws"]
KEY = "eventbridge-test-key"
EVENTS = SHARED / "fixtures" / "aws-eventbridge"
TERMINATED = {
    "source": ["aws.ec2"],
    "detail-type": ["EC2 Instance State-change Notification"],
    "detail": {"state": ["terminated"]},
}
PUT_OBJECT = {
    "detail-type": ["AWS API Call via CloudTrail"],
    "detail": {"eventName": ["PutObject"]},
}


@pytest.fixture(scope="module")
def stack(
    tmp_path_factory: pytest.TempPathFactory, sandbox_aws: AwsClients
) -> Iterator[WorkflowStack]:
    folder = tmp_path_factory.mktemp("events")
    yield from workflow_stack(folder, sandbox_aws, "events-test", alerts_eventbridge_api_key=KEY)


def _waiting(stack: WorkflowStack, name: str, pattern: dict[str, Any], template: str) -> None:
    stack.clock.instant = START
    spec = WorkflowSpec(
        name=name,
        trigger=EventTrigger(pattern=pattern),
        channel="C0OPS",
        created_by=ALICE,
        steps=[NotifyStep(id="tell", template=template)],
    )
    create_approved(stack, spec, thread_of("C0EV", f"{len(name)}.7"))


def _event(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(Path(EVENTS / name).read_text(encoding="utf-8"))
    return loaded


def _post(stack: WorkflowStack, event: dict[str, Any], key: str = KEY) -> Any:
    return stack.http.post("/alerts/eventbridge", json=event, headers={"x-api-key": key})


def _runs(name: str) -> list[str]:
    return [run.run_id for run in list_runs(prefix=f"wf-{name}-event-")]


def test_a_matching_event_starts_one_run_and_a_redelivery_none(stack: WorkflowStack) -> None:
    _waiting(stack, "on-terminate", TERMINATED, "{event.detail.state} in {event.region}")
    terminated = _event("ec2_instance_state_change_terminated.json")

    first = _post(stack, terminated)
    again = _post(stack, terminated)

    assert (first.status_code, again.status_code) == (200, 200)
    [run_id] = _runs("on-terminate")  # recorded before the answer, once
    assert wait_for_run(run_id, 20).state == "SUCCESS"
    [notice] = stack.slack.wait_for("chat.postMessage", lambda c: c.params["channel"] == "C0OPS")
    assert notice.params["text"] == "terminated in us-west-1"


def test_a_cloudtrail_call_starts_the_workflow_waiting_for_it(stack: WorkflowStack) -> None:
    said = "{event.detail.eventName} by {event.detail.userIdentity.userName}"
    _waiting(stack, "on-put", PUT_OBJECT, said)

    answer = _post(stack, _event("api_call_via_cloudtrail_s3_putobject.json"))

    assert answer.status_code == 200  # stored as an info alert, and handed to the workflows
    [run_id] = _runs("on-put")
    assert wait_for_run(run_id, 20).state == "SUCCESS"
    stack.slack.wait_for("chat.postMessage", lambda c: c.params["text"] == "PutObject by username")


def test_refused_unmatched_and_paused_events_start_nothing(stack: WorkflowStack) -> None:
    _waiting(stack, "on-terminate-2", TERMINATED, "gone")
    terminated = _event("ec2_instance_state_change_terminated.json")
    terminated["id"] = "another-termination"

    assert _post(stack, terminated, key="wrong").status_code == 401
    assert _post(stack, _event("ec2_instance_state_change_pending.json")).status_code == 200
    WorkflowStore(stack.app.db, stack.app.clock).set_status("on-terminate-2", "paused")
    assert _post(stack, terminated).status_code == 200

    assert _runs("on-terminate-2") == []
