"""Which workflows an event starts, the run id that keeps a redelivered event to one run, and
EventBridge events carried in SNS messages."""

from __future__ import annotations

import json

from core.clock import Clock
from core.db import Database
from tools.workflows.event_runs import event_in, event_run_id, triggered_by
from tools.workflows.service import WorkflowStore
from tools.workflows.spec import EventTrigger, NotifyStep, WorkflowSpec

STOPPED = {"source": "aws.ec2", "detail-type": "EC2 Instance State-change Notification"}


def _spec(name: str, trigger: object) -> WorkflowSpec:
    return WorkflowSpec.model_validate(
        {
            "name": name,
            "trigger": trigger,
            "created_by": "U0ALICE",
            "steps": [NotifyStep(id="tell", template="x").model_dump()],
        }
    )


def test_only_active_workflows_whose_pattern_matches_are_started(db: Database) -> None:
    store = WorkflowStore(db, Clock())
    stopped = EventTrigger(pattern={"detail": {"state": ["stopped"]}}).model_dump()
    store.create(_spec("on-stop", stopped), "U0BOB")
    store.create(_spec("on-stop-paused", stopped), "U0BOB")
    store.set_status("on-stop-paused", "paused")
    store.create(_spec("manual", {"kind": "manual"}), "U0BOB")

    assert triggered_by(store, {**STOPPED, "detail": {"state": "stopped"}}) == ["on-stop"]
    assert triggered_by(store, {**STOPPED, "detail": {"state": "running"}}) == []


def test_a_run_id_names_the_workflow_and_the_event_not_its_delivery() -> None:
    event = {**STOPPED, "id": "e-1", "detail": {}}
    assert event_run_id("a", event) == event_run_id("a", dict(event))
    assert event_run_id("a", event) != event_run_id("b", event)
    assert event_run_id("a", event) != event_run_id("a", {**event, "id": "e-2"})
    unnamed = {**STOPPED, "detail": {"state": "stopped"}}
    assert event_run_id("a", unnamed) == event_run_id("a", json.loads(json.dumps(unnamed)))
    assert event_run_id("a", unnamed).startswith("wf-a-event-")


def test_an_sns_message_carries_an_event_only_when_it_is_one() -> None:
    event = {**STOPPED, "detail": {"state": "stopped"}}
    assert event_in(json.dumps(event)) == event
    assert event_in("CPU above 80% on web-1") is None
    assert event_in('{"AlarmName": "cpu-high"}') is None  # a CloudWatch alarm, not an event
    assert event_in("{not json") is None
