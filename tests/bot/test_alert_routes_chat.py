"""Routing and chat silences through the whole app: an EC2 alarm opens its thread in the
channel its route names (not the fallback); a member of that channel silences it by mentioning
the bot (a signed Slack request), after which its repeats are stored but post nothing; someone
outside the channel is refused; lifting the silence lets the next repeat edit the thread."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import SecretStr
from sqlmodel import col, select

from approvals.audit import AuditLog
from core.aws import AwsClients
from core.settings import AlertRoute
from tests.bot.test_alert_threads import _event, _owned_instance, _post
from tests.fakes.slack_server import Call, FakeSlack
from tests.slack.harness import Stack, mention, running_stack, sandbox_aws, slack, slack_settings
from tests.tools.alerts.support import EB_KEY
from tools.alerts.models import AlertRow
from tools.alerts.silences import SilenceRow

__all__ = ["sandbox_aws", "slack"]
EC2_CHANNEL, FALLBACK = "C0EC2", "C0ALERTS"
ALICE, BOB = "U0ALICE", "U0BOB"


@pytest.fixture
def stack(tmp_path: Path, sandbox_aws: AwsClients, slack: FakeSlack) -> Iterator[Stack]:
    slack.members[EC2_CHANNEL] = ["U0BOT", ALICE]
    slack.members[FALLBACK] = ["U0BOT"]
    settings = slack_settings(
        tmp_path / "cf",
        slack,
        alerts_channel=FALLBACK,
        alerts_routes=[AlertRoute(name="ec2", services=["AWS/EC2"], channel=EC2_CHANNEL)],
        alerts_eventbridge_api_key=SecretStr(EB_KEY),
        slack_outbox_poll_seconds=0.05,
        slack_outbox_channel_interval_seconds=0.0,
    )
    yield from running_stack(settings, sandbox_aws, slack)


def _said(call: Call) -> str:
    return json.dumps(call.params.get("blocks")) + str(call.params.get("text"))


def _ask(stack: Stack, slack: FakeSlack, text: str, user: str, n: int) -> str:
    """Mention the bot in the EC2 channel; the reply in that message's thread."""
    ts = f"1767600000.00{n:04d}"
    body = mention(text, event_id=f"Ev{n}", channel=EC2_CHANNEL, ts=ts, user=user)
    assert stack.post_event(body).status_code == 200
    (reply,) = slack.wait_for(
        "chat.postMessage", lambda call: call.params.get("thread_ts") == ts, timeout=60
    )
    return _said(reply)


def test_a_routed_thread_is_silenced_from_chat_by_a_member_and_lifted(
    stack: Stack, slack: FakeSlack
) -> None:
    _owned_instance(stack)
    assert _post(stack, _event("e-1", "ALARM", "2027-01-05T10:00:00.000+0000")).status_code == 200
    (root,) = slack.wait_for("chat.postMessage", lambda c: c.params["channel"] == EC2_CHANNEL)
    assert not [c for c in slack.calls_of("chat.postMessage") if c.params["channel"] == FALLBACK]

    refused = _ask(stack, slack, "silence batch-worker cpu alerts for 2 hours", BOB, 1)
    assert f"Only members of <#{EC2_CHANNEL}> or approvers" in refused
    said = _ask(stack, slack, "silence batch-worker cpu alerts for 2 hours", ALICE, 2)
    assert "Silenced" in said and "batch-worker" in said
    db = stack.runtime.cloudfabric.db
    with db.session() as session:
        (silence,) = session.exec(select(SilenceRow))

    edits_before = len(slack.calls_of("chat.update"))
    assert _post(stack, _event("e-2", "ALARM", "2027-01-05T10:05:00.000+0000")).status_code == 200
    with db.session() as session:
        repeat = session.exec(select(AlertRow).order_by(col(AlertRow.id).desc())).first()
    assert repeat is not None and repeat.silence_id == silence.id  # stored, marked, grouped

    lifted = _ask(stack, slack, f"lift silence {silence.id}", ALICE, 3)
    assert "Silence lifted" in lifted
    assert len(slack.calls_of("chat.update")) == edits_before  # the silenced repeat edited nothing
    assert _post(stack, _event("e-3", "ALARM", "2027-01-05T10:10:00.000+0000")).status_code == 200
    edited = slack.wait_for("chat.update", lambda c: "*Alerts*\\n3 " in _said(c))
    assert edited[-1].params["ts"] == root.response["ts"]

    actions = [(e.actor, e.action) for e in AuditLog(db).entries()]
    assert (ALICE, "alert_silence_created") in actions
    assert (ALICE, "alert_silence_lifted") in actions
    assert all(actor != BOB for actor, _ in actions)
