"""Slack end to end on the sandbox: propose -> refine -> Deploy button -> approve -> deployed.

Nothing is scripted: the offline model understands the request and the follow-up in the
thread, signed ``block_actions`` payloads drive the Deploy button and the approval card, and
the executor deploys into moto.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

from approvals.models import ApprovalState
from approvals.render import APPROVE_ACTION
from core.aws import AwsClients
from tests.fakes.slack_server import Call, FakeSlack, fixture
from tests.slack.harness import (
    Stack,
    button_click,
    eventually,
    mention,
    sandbox_aws,
    slack,
    slack_settings,
    thread_reply,
)
from tools.architecture.render import DEPLOY_ACTION

__all__ = ["sandbox_aws", "slack"]
ALICE, BOB = "U0ALICE", "U0BOB"
ASK = "We need a web app with a Postgres database in eu-west-1 for prod, about 2k requests/s."
THREAD = "2000.1"


@pytest.fixture
def stack(tmp_path: Path, sandbox_aws: AwsClients, slack: FakeSlack) -> Iterator[Stack]:
    """A Slack stack on the sandbox with the offline model."""
    from fastapi.testclient import TestClient

    from bot.http import create_http_app
    from bot.slack.runtime import build_runtime

    settings = slack_settings(tmp_path / "cf", slack, architecture_poll_seconds=0.01)
    runtime = build_runtime(settings, aws=sandbox_aws)
    with TestClient(create_http_app(runtime)) as http:
        eventually(lambda: runtime.surface.identity.known)
        yield Stack(runtime, http, slack)
    runtime.close()


def _buttons(call: Call) -> list[dict[str, Any]]:
    return [
        e for b in call.params.get("blocks", []) if b["type"] == "actions" for e in b["elements"]
    ]


def _proposal(stack: Stack, version: int) -> Call:
    [card] = stack.slack.wait_for(
        "chat.postMessage",
        lambda c: (
            c.params.get("thread_ts") == THREAD
            and f"prod-web v{version}:" in json.dumps(c.params.get("blocks"))
        ),
        timeout=60,
    )
    return card


def _deploy_click(value: str) -> dict[str, Any]:
    body = copy.deepcopy(fixture("interactive_block_actions_button_with_message.json"))
    body["user"]["id"] = ALICE
    body["team"]["id"] = "T111"
    body["channel"]["id"] = body["container"]["channel_id"] = "C20"
    body["message"]["thread_ts"] = THREAD
    body["actions"][0].update(
        action_id=DEPLOY_ACTION, value=value, block_id=f"architecture:{value}"
    )
    return body


def test_propose_refine_approve_deploy_through_signed_slack_requests(
    stack: Stack, sandbox_aws: AwsClients
) -> None:
    stack.post_event(mention(ASK, event_id="EvA1", channel="C20", ts=THREAD, user=ALICE))
    first = _proposal(stack, 1)
    text = json.dumps(first.params["blocks"])
    assert "eu-west-1-prod" in text and "a month" in text and "Sizing:" in text
    assert [b["value"] for b in _buttons(first)] == ["prod-web:1"]
    uploads = eventually(
        lambda: len(stack.slack.calls_of("files.completeUploadExternal")) >= 3 or None, 60
    )
    assert uploads

    reply = thread_reply(
        "cheaper please", event_id="EvA2", channel="C20", ts="2000.2", thread_ts=THREAD, user=ALICE
    )
    stack.post_event(reply)
    second = _proposal(stack, 2)
    assert "Gave up" in json.dumps(
        second.params["blocks"]
    ) and "NAT per-az -> single" in json.dumps(second.params["blocks"])

    stack.post_interaction(_deploy_click("prod-web:2"))
    [card] = stack.slack.wait_for(
        "chat.postMessage",
        lambda c: (
            c.params.get("thread_ts") == THREAD
            and any(b["action_id"] == APPROVE_ACTION for b in _buttons(c))
        ),
        timeout=60,
    )
    approval_id = next(b["value"] for b in _buttons(card) if b["action_id"] == APPROVE_ACTION)
    approvals = stack.runtime.cloudfabric.approvals
    assert approvals.get(approval_id).requester == ALICE
    assert "Create stack cf-prod-web in eu-west-1 with prod-web v2" in card.params["text"]
    cfn = boto3.client("cloudformation", "eu-west-1")
    assert [s for s in cfn.describe_stacks()["Stacks"] if s["StackName"] == "cf-prod-web"] == []
    eventually(lambda: approvals.get(approval_id).card_ts)

    stack.post_interaction(button_click(APPROVE_ACTION, approval_id, user=BOB, channel="C20"))

    card_ts = approvals.get(approval_id).card_ts
    [updated] = stack.slack.wait_for(
        "chat.update", lambda c: c.params.get("ts") == card_ts, timeout=60
    )
    shown = json.dumps(updated.params["blocks"])
    assert f"Approved by {BOB}" in shown and "CREATE_COMPLETE" in shown
    assert approvals.get(approval_id).state == ApprovalState.SUCCEEDED
    progress = [
        c
        for c in stack.slack.calls_of("chat.postMessage")
        if c.params.get("thread_ts") == THREAD and "resources done" in str(c.params.get("text"))
    ]
    assert len(progress) == 1, "one progress message in the thread, then edited in place"
    [stack_now] = [s for s in cfn.describe_stacks()["Stacks"] if s["StackName"] == "cf-prod-web"]
    assert stack_now["StackStatus"] == "CREATE_COMPLETE"
    ec2 = boto3.client("ec2", "eu-west-1")
    instances = [
        i
        for r in ec2.describe_instances(
            Filters=[{"Name": "tag:cloudfabric:architecture", "Values": ["prod-web"]}]
        )["Reservations"]
        for i in r["Instances"]
    ]
    assert {i["InstanceType"] for i in instances} == {"t3.large"} and len(instances) == 6

    body = copy.deepcopy(fixture("events_app_home_opened_home_tab.json"))
    body["event_id"], body["event"]["user"] = "EvA9", BOB
    stack.post_event(body)
    [home] = stack.slack.wait_for("views.publish", lambda c: c.params["user_id"] == BOB)
    assert "Architectures" in json.dumps(home.params["view"]) and "deployed v2" in json.dumps(
        home.params["view"]
    )
