"""Slack end to end: approval cards with buttons, decided by real block_actions payloads."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from sqlalchemy import update
from sqlmodel import col

from approvals.models import ApprovalRequest, ApprovalState
from approvals.render import APPROVE_ACTION, REJECT_ACTION
from bot.slack.render import REASON_ACTION, REASON_BLOCK, REJECT_VIEW
from core.aws import AwsClients
from core.clock import Clock
from tests.fakes.slack_server import Call
from tests.slack.harness import (
    Stack,
    button_click,
    eventually,
    mention,
    sandbox_aws,
    slack,
    stack,
    view_submission,
)

__all__ = ["sandbox_aws", "slack", "stack"]
ALICE, BOB = "U0ALICE", "U0BOB"


def _buttons(call: Call) -> list[dict[str, Any]]:
    return [
        element
        for block in call.params.get("blocks", [])
        if block["type"] == "actions"
        for element in block["elements"]
    ]


def _ask_for(stack: Stack, text: str, channel: str, ts: str) -> str:
    """Alice asks for a change; returns the approval id of the card posted in the thread."""
    stack.post_event(mention(text, event_id=f"Ev{ts}", channel=channel, ts=ts, user=ALICE))
    [card] = stack.slack.wait_for(
        "chat.postMessage", lambda c: c.params.get("thread_ts") == ts and bool(_buttons(c))
    )
    approve = next(b for b in _buttons(card) if b["action_id"] == APPROVE_ACTION)
    approval_id = str(approve["value"])
    approvals = stack.runtime.cloudfabric.approvals
    eventually(lambda: approvals.get(approval_id).card_ts)
    return approval_id


def _instance_state(aws: AwsClients, name: str) -> str:
    ec2 = aws.client("ec2", "us-east-1")
    found = ec2.describe_instances(Filters=[{"Name": "tag:Name", "Values": [name]}])
    return str(found["Reservations"][0]["Instances"][0]["State"]["Name"])


def test_approval_by_another_user_executes_once_and_updates_the_card(
    stack: Stack, sandbox_aws: AwsClients
) -> None:
    approval_id = _ask_for(stack, "stop batch-worker", "C10", "1000.1")
    approvals = stack.runtime.cloudfabric.approvals
    request = approvals.get(approval_id)
    assert (request.card_channel, request.requester) == ("C10", ALICE)
    assert _instance_state(sandbox_aws, "batch-worker") == "running"

    response = stack.post_interaction(
        button_click(APPROVE_ACTION, approval_id, user=BOB, channel="C10")
    )

    assert response.status_code == 200
    [update] = stack.slack.wait_for("chat.update", lambda c: c.params.get("ts") == request.card_ts)
    assert not _buttons(update)
    assert f"Approved by {BOB}" in json.dumps(update.params["blocks"])
    assert _instance_state(sandbox_aws, "batch-worker") in ("stopping", "stopped")
    assert approvals.get(approval_id).state == ApprovalState.SUCCEEDED
    stack.slack.wait_for("chat.postMessage", lambda c: "Done" in str(c.params.get("text")))

    stack.post_interaction(button_click(APPROVE_ACTION, approval_id, user="U0CAROL", channel="C10"))
    [again] = stack.slack.wait_for("chat.postEphemeral", lambda c: c.params["user"] == "U0CAROL")
    assert "already approved" in again.params["text"]
    actions = [e.action for e in stack.runtime.cloudfabric.audit.entries(approval_id)]
    assert actions.count("approved") == 1 and actions.count("succeeded") == 1


def test_self_approval_click_gets_an_ephemeral_refusal(
    stack: Stack, sandbox_aws: AwsClients
) -> None:
    approval_id = _ask_for(stack, "stop web-1", "C11", "1100.1")

    stack.post_interaction(button_click(APPROVE_ACTION, approval_id, user=ALICE, channel="C11"))

    [refusal] = stack.slack.wait_for("chat.postEphemeral", lambda c: c.params["user"] == ALICE)
    assert refusal.params["channel"] == "C11"
    assert "cannot approve it yourself" in refusal.params["text"]
    assert stack.runtime.cloudfabric.approvals.get(approval_id).state == ApprovalState.PENDING
    assert _instance_state(sandbox_aws, "web-1") == "running"
    assert not stack.slack.calls_of("chat.update")


def test_reject_opens_a_modal_and_the_reason_lands_on_the_card(
    stack: Stack, sandbox_aws: AwsClients
) -> None:
    approval_id = _ask_for(stack, "stop web-2", "C12", "1200.1")

    stack.post_interaction(button_click(REJECT_ACTION, approval_id, user=BOB, channel="C12"))

    [opened] = stack.slack.wait_for("views.open")
    view = opened.params["view"]
    assert view["callback_id"] == REJECT_VIEW
    assert opened.params["trigger_id"] == "4916855695380.xxx.yyy"
    values = {REASON_BLOCK: {REASON_ACTION: {"type": "plain_text_input", "value": "peak hours"}}}
    submission = view_submission(REJECT_VIEW, view["private_metadata"], values, user=BOB)
    assert stack.post_interaction(submission).status_code == 200

    card_ts = stack.runtime.cloudfabric.approvals.get(approval_id).card_ts
    [update] = stack.slack.wait_for("chat.update", lambda c: c.params.get("ts") == card_ts)
    assert f"Rejected by {BOB}" in json.dumps(update.params["blocks"])
    assert "peak hours" in json.dumps(update.params["blocks"])
    request = stack.runtime.cloudfabric.approvals.get(approval_id)
    assert (request.state, request.reason) == (ApprovalState.REJECTED, "peak hours")
    assert _instance_state(sandbox_aws, "web-2") == "running"


def test_click_on_unknown_approval_is_refused_and_changes_nothing(stack: Stack) -> None:
    stack.post_interaction(button_click(APPROVE_ACTION, "no-such-id", user=BOB, channel="C13"))

    [refusal] = stack.slack.wait_for("chat.postEphemeral")
    assert "no approval request" in refusal.params["text"]
    assert not stack.slack.calls_of("chat.update")


def test_expired_request_updates_its_card_and_a_late_click_is_refused(
    stack: Stack, sandbox_aws: AwsClients
) -> None:
    approval_id = _ask_for(stack, "reboot web-1", "C14", "1400.1")
    approvals = stack.runtime.cloudfabric.approvals
    with stack.runtime.cloudfabric.db.session() as session:
        session.execute(
            update(ApprovalRequest)
            .where(col(ApprovalRequest.id) == approval_id)
            .values(expires_at=Clock().now() - timedelta(minutes=1))
        )

    assert approvals.expire_due() == [approval_id]

    card_ts = approvals.get(approval_id).card_ts
    [card] = stack.slack.wait_for("chat.update", lambda c: c.params.get("ts") == card_ts)
    assert "Expired" in json.dumps(card.params["blocks"]) and not _buttons(card)
    stack.slack.wait_for(
        "chat.postMessage",
        lambda c: c.params.get("thread_ts") == "1400.1" and "expired" in str(c.params.get("text")),
    )
    stack.post_interaction(button_click(APPROVE_ACTION, approval_id, user=BOB, channel="C14"))
    [refusal] = stack.slack.wait_for("chat.postEphemeral", lambda c: c.params["user"] == BOB)
    assert "expired" in refusal.params["text"]
    assert approvals.get(approval_id).state == ApprovalState.EXPIRED
