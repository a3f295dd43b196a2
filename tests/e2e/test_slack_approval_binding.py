"""A click approves only the request it names, from that request's workspace and card.

Every request here goes over HTTP with a real v0 signature; "nothing ran" is read from moto
(the instance's state) and from the approval rows and audit log, never from a mock.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from approvals.models import ApprovalState
from approvals.render import APPROVE_ACTION, REJECT_ACTION
from core.aws import AwsClients
from tests.fakes.slack_server import Call
from tests.slack.harness import (
    Stack,
    as_org_wide,
    button_click,
    event_body,
    eventually,
    mention,
    org_wide_click,
    sandbox_aws,
    slack,
    stack,
)

__all__ = ["sandbox_aws", "slack", "stack"]
ALICE, BOB, CAROL = "U0ALICE", "U0BOB", "U0CAROL"


def _ask(stack: Stack, body: dict[str, Any]) -> str:
    """Post a request for a change; returns the approval id on the card posted in its thread."""
    ts = body["event"]["ts"]
    stack.post_event(body)
    [card] = stack.slack.wait_for(
        "chat.postMessage",
        lambda c: c.params.get("thread_ts") == ts and "actions" in json.dumps(c.params["blocks"]),
    )
    approval_id = next(
        b["elements"][0]["value"] for b in card.params["blocks"] if b["type"] == "actions"
    )
    eventually(lambda: stack.runtime.cloudfabric.approvals.get(approval_id).card_ts)
    return str(approval_id)


def _ask_in(stack: Stack, text: str, channel: str, ts: str, user: str = ALICE) -> str:
    return _ask(stack, mention(text, event_id=f"Ev{ts}", channel=channel, ts=ts, user=user))


def _state(aws: AwsClients, name: str) -> str:
    ec2 = aws.client("ec2", "us-east-1")
    found = ec2.describe_instances(Filters=[{"Name": "tag:Name", "Values": [name]}])
    return str(found["Reservations"][0]["Instances"][0]["State"]["Name"])


def _refusal_to(stack: Stack, user: str, count: int = 1) -> Call:
    """The ``count``-th message shown only to ``user``."""
    shown = stack.slack.wait_for("chat.postEphemeral", lambda c: c.params["user"] == user, count)
    return shown[count - 1]


def _nothing_ran(stack: Stack, aws: AwsClients, approvals: dict[str, str]) -> None:
    """Every request is still pending, no audit entry says approved, and moto agrees."""
    service = stack.runtime.cloudfabric.approvals
    for approval_id, instance in approvals.items():
        assert service.get(approval_id).state == ApprovalState.PENDING
        actions = [entry.action for entry in stack.runtime.cloudfabric.audit.entries(approval_id)]
        assert "approved" not in actions and "succeeded" not in actions
        assert _state(aws, instance) == "running"


@pytest.mark.parametrize("value", ["", None, {"id": "x"}, "not an id!", "x" * 300])
def test_a_click_naming_no_approval_approves_nothing_in_any_conversation(
    stack: Stack, sandbox_aws: AwsClients, value: Any
) -> None:
    first = _ask_in(stack, "stop web-1", "C20", "2000.1")
    second = _ask_in(stack, "stop web-2", "C21", "2100.1", user=CAROL)
    click = button_click(APPROVE_ACTION, "", user=BOB, channel="C21")
    if value is None:
        del click["actions"][0]["value"]
    else:
        click["actions"][0]["value"] = value

    assert stack.post_interaction(click).status_code == 200

    assert "nothing was decided" in _refusal_to(stack, BOB).params["text"]
    _nothing_ran(stack, sandbox_aws, {first: "web-1", second: "web-2"})
    assert not stack.slack.calls_of("chat.update")


def test_an_empty_reject_click_opens_no_modal_and_rejects_nothing(
    stack: Stack, sandbox_aws: AwsClients
) -> None:
    approval_id = _ask_in(stack, "stop web-1", "C22", "2200.1")

    stack.post_interaction(button_click(REJECT_ACTION, "", user=BOB, channel="C22"))

    assert "names no approval request" in _refusal_to(stack, BOB).params["text"]
    assert not stack.slack.calls_of("views.open")
    _nothing_ran(stack, sandbox_aws, {approval_id: "web-1"})


def test_a_click_from_another_workspace_approves_nothing(
    stack: Stack, sandbox_aws: AwsClients
) -> None:
    approval_id = _ask_in(stack, "stop web-1", "C5", "2300.1")

    for count, channel in enumerate(("C5", "C999"), start=1):
        click = button_click(APPROVE_ACTION, approval_id, user=BOB, channel=channel, team="T999")
        assert stack.post_interaction(click).status_code == 200
        assert "another workspace" in _refusal_to(stack, BOB, count).params["text"]

    _nothing_ran(stack, sandbox_aws, {approval_id: "web-1"})
    entries = stack.runtime.cloudfabric.audit.entries(approval_id)
    refusals = [json.loads(e.detail_json)["refusal"] for e in entries if e.action == "refused"]
    assert refusals == ["WrongWorkspace"] * 2


def test_a_click_in_another_channel_is_refused_and_the_card_itself_works(
    stack: Stack, sandbox_aws: AwsClients
) -> None:
    approval_id = _ask_in(stack, "reboot web-2", "C24", "2400.1")

    stack.post_interaction(button_click(APPROVE_ACTION, approval_id, user=BOB, channel="C999"))

    refusal = _refusal_to(stack, BOB)
    assert "only be decided on its card in <#C24>" in refusal.params["text"]
    _nothing_ran(stack, sandbox_aws, {approval_id: "web-2"})

    stack.post_interaction(button_click(APPROVE_ACTION, approval_id, user=BOB, channel="C24"))
    audit = stack.runtime.cloudfabric.audit
    eventually(lambda: "succeeded" in [e.action for e in audit.entries(approval_id)])
    actions = [e.action for e in audit.entries(approval_id)]
    assert stack.runtime.cloudfabric.approvals.get(approval_id).state == ApprovalState.SUCCEEDED
    assert actions.count("approved") == 1 and actions.count("succeeded") == 1


def test_an_org_wide_install_binds_to_its_enterprise(stack: Stack, sandbox_aws: AwsClients) -> None:
    body = as_org_wide(mention("stop batch-worker", event_id="EvO1", channel="C25", ts="2500.1"))
    approval_id = _ask(stack, body)
    assert stack.runtime.cloudfabric.approvals.get(approval_id).workspace_id == "E111"

    other = org_wide_click(APPROVE_ACTION, approval_id, user=BOB, channel="C25", enterprise="E9")
    stack.post_interaction(other)
    assert "another workspace" in _refusal_to(stack, BOB).params["text"]
    _nothing_ran(stack, sandbox_aws, {approval_id: "batch-worker"})

    stack.post_interaction(org_wide_click(APPROVE_ACTION, approval_id, user=BOB, channel="C25"))
    service = stack.runtime.cloudfabric.approvals
    eventually(lambda: service.get(approval_id).state == ApprovalState.SUCCEEDED)
    assert _state(sandbox_aws, "batch-worker") in ("stopping", "stopped")


def test_app_home_lists_only_its_workspace_requests(stack: Stack) -> None:
    ours = _ask_in(stack, "reboot web-1", "C26", "2600.1")
    elsewhere = mention("reboot web-2", event_id="EvW2", channel="C27", ts="2700.1", user=ALICE)
    theirs = _ask(stack, {**elsewhere, "team_id": "T222"})
    home = event_body(
        "events_app_home_opened_home_tab.json", event_id="EvW3", channel="D1", ts="1.1", user=BOB
    )

    stack.post_event(home)

    [published] = stack.slack.wait_for("views.publish", lambda c: c.params["user_id"] == BOB)
    shown = json.dumps(published.params["view"])
    assert ours in shown and theirs not in shown
