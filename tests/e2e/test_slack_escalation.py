"""Slack end to end: nobody decides a card, so its thread mentions the escalation chain at half
the TTL and tells the requester and the escalation target at expiry, each once."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine

from approvals.models import ApprovalState
from core.aws import AwsClients
from core.clock import Clock
from tests.fakes.slack_server import FakeSlack
from tests.slack.harness import (
    Stack,
    eventually,
    mention,
    running_stack,
    sandbox_aws,
    slack,
    slack_settings,
)

__all__ = ["sandbox_aws", "slack"]
pytestmark = pytest.mark.time_sensitive
ALICE = "U0ALICE"
POLICY = """\
rules:
  - name: stops
    match: {tool: [ec2.stop_instances]}
    approvers: [U0BOB]
    ttl_minutes: 40
    escalation: [U0LEAD]
  - name: default
    default: true
    approvers: ["*"]
"""


@pytest.fixture
def stack(tmp_path: Path, sandbox_aws: AwsClients, slack: FakeSlack) -> Iterator[Stack]:
    policy = tmp_path / "policy.yaml"
    policy.write_text(POLICY, encoding="utf-8")
    settings = slack_settings(tmp_path / "cf", slack, approval_policy_file=policy)
    yield from running_stack(settings, sandbox_aws, slack)


def _in_thread(stack: Stack, ts: str, words: str) -> list[str]:
    return [
        str(c.params.get("text"))
        for c in stack.slack.calls_of("chat.postMessage")
        if c.params.get("thread_ts") == ts and words in str(c.params.get("text"))
    ]


def test_the_thread_mentions_the_chain_then_tells_requester_and_target(stack: Stack) -> None:
    approvals = stack.runtime.cloudfabric.approvals
    with time_machine.travel(Clock().now(), tick=True) as traveller:
        ask = mention("stop batch-worker", event_id="Ev1", channel="C40", ts="40.1", user=ALICE)
        stack.post_event(ask)
        request = eventually(lambda: approvals.latest("T111:C40:40.1"))
        eventually(lambda: approvals.get(request.id).card_ts)

        traveller.shift(timedelta(minutes=19))
        approvals.sweep()
        assert _in_thread(stack, "40.1", "nobody has decided") == []
        traveller.shift(timedelta(minutes=1, seconds=1))
        approvals.sweep()
        approvals.sweep()
        [escalated] = eventually(lambda: _in_thread(stack, "40.1", "nobody has decided"))
        assert escalated.startswith(":rotating_light: <@U0LEAD> — nobody has decided")

        traveller.shift(timedelta(minutes=20))
        approvals.sweep()
        approvals.sweep()
        [expired] = eventually(lambda: _in_thread(stack, "40.1", "expired at"))
    assert expired.startswith(f":alarm_clock: <@{ALICE}> <@U0LEAD> — this request expired")
    assert approvals.get(request.id).state == ApprovalState.EXPIRED
