"""Slack end to end: ``/cloudfabric break-glass <id> -- <why>`` runs a pending request without
approval for the break-glass group, once, flagged in the audit, with a review card for the
approvers; anyone else, or a command without a justification, is refused and nothing runs."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from approvals.models import ApprovalState
from core.aws import AwsClients
from tests.fakes.slack_server import FakeSlack
from tests.slack.harness import (
    Stack,
    eventually,
    mention,
    running_stack,
    sandbox_aws,
    slack,
    slack_settings,
    slash_command,
)

__all__ = ["sandbox_aws", "slack"]
ALICE, ERIN, MALLORY = "U0ALICE", "U0ERIN", "U0MALLORY"
POLICY = """\
rules:
  - name: stops-need-two
    match: {tool: [ec2.stop_instances]}
    approvers: ["@S0PLAT"]
    count: 2
  - name: default
    default: true
    approvers: ["*"]
"""


@pytest.fixture
def stack(tmp_path: Path, sandbox_aws: AwsClients, slack: FakeSlack) -> Iterator[Stack]:
    slack.usergroups.update({"S0GLASS": [ERIN], "S0PLAT": ["U0BOB", "U0CAROL"]})
    policy = tmp_path / "policy.yaml"
    policy.write_text(POLICY, encoding="utf-8")
    settings = slack_settings(
        tmp_path / "cf", slack, approval_policy_file=policy, break_glass_group="S0GLASS"
    )
    yield from running_stack(settings, sandbox_aws, slack)


def _ask(stack: Stack, text: str, channel: str, ts: str) -> str:
    stack.post_event(mention(text, event_id=f"Ev{ts}", channel=channel, ts=ts, user=ALICE))
    approvals = stack.runtime.cloudfabric.approvals
    request = eventually(lambda: approvals.latest(f"T111:{channel}:{ts}"))
    eventually(lambda: approvals.get(request.id).card_ts)
    return str(request.id)


def _told(stack: Stack, user: str, count: int = 1) -> str:
    shown = stack.slack.wait_for("chat.postEphemeral", lambda c: c.params["user"] == user, count)
    return str(shown[count - 1].params["text"])


def _state(aws: AwsClients, name: str) -> str:
    ec2 = aws.client("ec2", "us-east-1")
    found = ec2.describe_instances(Filters=[{"Name": "tag:Name", "Values": [name]}])
    return str(found["Reservations"][0]["Instances"][0]["State"]["Name"])


def test_outside_the_group_or_without_a_justification_is_refused(
    stack: Stack, sandbox_aws: AwsClients
) -> None:
    approval_id = _ask(stack, "stop web-2", "C50", "50.1")

    stack.post_command(
        slash_command(f"break-glass {approval_id} -- it is urgent", user=MALLORY, channel="C50")
    )
    assert "only members of @S0GLASS may break glass; nothing was run" in _told(stack, MALLORY)
    stack.post_command(slash_command(f"break-glass {approval_id}", user=ERIN, channel="C50"))
    assert "Usage: `/cloudfabric break-glass <approval id> -- <why>`" in _told(stack, ERIN)
    stack.post_command(slash_command(f"break-glass {approval_id} --  ", user=ERIN, channel="C50"))
    assert "Break-glass needs a justification" in _told(stack, ERIN, 2)

    approvals = stack.runtime.cloudfabric.approvals
    assert approvals.get(approval_id).state == ApprovalState.PENDING
    assert _state(sandbox_aws, "web-2") == "running"
    refused = [e for e in stack.runtime.cloudfabric.audit.entries(approval_id) if e.actor != ALICE]
    assert [e.action for e in refused] == ["refused", "refused"]  # the usage never reached it


def test_a_member_breaks_glass_it_runs_once_is_flagged_and_reviewed(
    stack: Stack, sandbox_aws: AwsClients
) -> None:
    approval_id = _ask(stack, "stop batch-worker", "C51", "51.1")
    why = "checkout is down, the batch run is eating the database"

    stack.post_command(
        slash_command(f"break-glass {approval_id} -- {why}", user=ERIN, channel="C51")
    )

    assert f"You broke glass on `{approval_id}`" in _told(stack, ERIN)
    cloudfabric = stack.runtime.cloudfabric
    final = cloudfabric.approvals.get(approval_id)
    assert (final.state, final.decided_by, final.break_glass) == (
        ApprovalState.SUCCEEDED,
        ERIN,
        why,
    )
    assert _state(sandbox_aws, "batch-worker") in ("stopping", "stopped")
    entries = cloudfabric.audit.entries(approval_id)
    [flag] = [e for e in entries if e.action == "break-glass"]
    assert (flag.actor, json.loads(flag.detail_json)["justification"]) == (ERIN, why)
    assert json.loads(flag.detail_json)["break_glass"] is True
    assert [e.action for e in entries].count("succeeded") == 1

    [review] = stack.slack.wait_for(
        "chat.postMessage", lambda c: "Break-glass review" in str(c.params.get("text"))
    )
    assert review.params["thread_ts"] == "51.1"
    assert f"<@{ERIN}> ran this without approval" in review.params["text"]
    assert why in review.params["text"] and "<!subteam^S0PLAT>" in review.params["text"]
    stack.slack.wait_for(
        "chat.update", lambda c: "Run under break-glass by U0ERIN" in str(c.params.get("blocks"))
    )

    stack.post_command(
        slash_command(f"break-glass {approval_id} -- {why}", user=ERIN, channel="C51")
    )
    assert "already approved by U0ERIN and has run" in _told(stack, ERIN, 2)
    assert [e.action for e in cloudfabric.audit.entries(approval_id)].count("succeeded") == 1
