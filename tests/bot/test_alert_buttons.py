"""The state buttons of an incident's thread, clicked through signed Slack requests: a channel
member acknowledges, silences and resolves (CloudFabric's own state, audited, the root edited);
a silenced incident's repeats are counted without being shown; a button naming no incident is
answered with a clear message and changes nothing; Investigate on an alert no playbook covers
says so in the thread, and nobody outside the channel may investigate."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from approvals.models import ApprovalRequest
from core.aws import AwsClients
from tests.bot.test_alert_threads import CHANNEL, _event, _post
from tests.fakes.slack_server import Call, FakeSlack
from tests.slack.harness import (
    Stack,
    button_click,
    running_stack,
    sandbox_aws,
    slack,
    slack_settings,
)
from tests.tools.alerts.support import EB_KEY, FIXTURES
from tools.alerts.models import IncidentRow
from tools.alerts.timeline import events

__all__ = ["sandbox_aws", "slack"]
MEMBER = "U0ALICE"


@pytest.fixture
def stack(tmp_path: Path, sandbox_aws: AwsClients, slack: FakeSlack) -> Iterator[Stack]:
    slack.members[CHANNEL] = ["U0BOT", MEMBER]
    settings = slack_settings(
        tmp_path / "cf",
        slack,
        alerts_channel=CHANNEL,
        alerts_eventbridge_api_key=SecretStr(EB_KEY),
        slack_outbox_poll_seconds=0.05,
        slack_outbox_channel_interval_seconds=0.0,
    )
    yield from running_stack(settings, sandbox_aws, slack)


def _incident(stack: Stack) -> IncidentRow:
    with stack.runtime.cloudfabric.db.session() as session:
        (incident,) = session.query(IncidentRow).all()
    return incident


def _blocks(call: Call) -> str:
    return json.dumps(call.params.get("blocks"))


def _click(stack: Stack, action: str, value: str, user: str = MEMBER) -> Any:
    answer = stack.post_interaction(button_click(action, value, user=user, channel=CHANNEL))
    assert answer.status_code == 200
    return answer


def _opened(stack: Stack, slack: FakeSlack) -> IncidentRow:
    assert _post(stack, _event("e-1", "ALARM", "2027-01-05T10:00:00.000+0000")).status_code == 200
    slack.wait_for("chat.postMessage", lambda call: _is_root(call))
    return _incident(stack)


def test_a_member_acknowledges_silences_and_resolves_each_audited_and_shown(
    stack: Stack, slack: FakeSlack
) -> None:
    incident = _opened(stack, slack)
    _click(stack, "alert_acknowledge", str(incident.id))
    slack.wait_for("chat.update", lambda call: f"Acknowledged by <@{MEMBER}>" in _blocks(call))
    _click(stack, "alert_silence_1h", str(incident.id))
    slack.wait_for("chat.update", lambda call: "Repeats silenced until" in _blocks(call))
    _click(stack, "alert_resolve", str(incident.id))
    resolved = slack.wait_for("chat.update", lambda call: "Resolved by" in _blocks(call))
    assert "alert_resolve" not in _blocks(resolved[-1])

    after = _incident(stack)
    assert (after.status, after.acknowledged_by, after.resolved_by) == ("resolved", MEMBER, MEMBER)
    assert after.silenced_until is not None and after.acknowledged_at is not None
    audit = stack.runtime.cloudfabric.audit.entries()
    ours = [(e.actor, e.action) for e in audit if e.action.startswith("alert_")]
    assert ours == [
        (MEMBER, "alert_acknowledged"),
        (MEMBER, "alert_silenced"),
        (MEMBER, "alert_resolved"),
    ]
    moments = events(stack.runtime.cloudfabric.db, incident.id or 0)
    fired = [m for m in moments if m.kind == "fired"]
    assert len(fired) == 1 and fired[0].at.isoformat().startswith("2027-01-05T10:00")
    kinds = [(m.kind, m.actor) for m in moments if m.kind != "fired"]  # the alarm's own time
    assert kinds == [
        ("acknowledged", MEMBER),
        ("silenced", MEMBER),
        ("resolved", MEMBER),
    ]
    assert slack.calls_of("chat.postEphemeral") == []


def test_a_silenced_incident_counts_its_repeats_without_showing_them(
    stack: Stack, slack: FakeSlack
) -> None:
    incident = _opened(stack, slack)
    _click(stack, "alert_silence_1h", str(incident.id))
    slack.wait_for("chat.update", lambda call: "Repeats silenced until" in _blocks(call))
    edits = len(slack.calls_of("chat.update"))
    for number in range(2, 5):
        at = f"2027-01-05T10:0{number}:00.000+0000"
        assert _post(stack, _event(f"e-{number}", "ALARM", at)).status_code == 200
    assert _incident(stack).count == 4
    time.sleep(1.0)  # the outbox polls every 0.05 s: a shown repeat would be sent by now
    assert len(slack.calls_of("chat.update")) == edits  # no edit, no ping
    assert len([c for c in slack.calls_of("chat.postMessage") if not _is_chart_line(c)]) == 1


@pytest.mark.parametrize("value", ["", "abc", "-3", "999999"])
def test_a_button_naming_no_incident_is_answered_and_changes_nothing(
    stack: Stack, slack: FakeSlack, value: str
) -> None:
    incident = _opened(stack, slack)
    _click(stack, "alert_resolve", value)
    (told,) = slack.wait_for("chat.postEphemeral")
    said = json.dumps(told.params)
    assert "names no incident" in said or "There is no alert incident #999999" in said
    assert _incident(stack).status == "open" and incident.status == "open"


def test_investigating_an_alert_no_playbook_covers_says_so_in_the_thread(
    stack: Stack, slack: FakeSlack
) -> None:
    health = json.loads((FIXTURES / "aws-eventbridge" / "health_event_test_alert.json").read_text())
    assert _post(stack, health).status_code == 200
    slack.wait_for("chat.postMessage", lambda call: _is_root(call))
    incident = _incident(stack)
    _click(stack, "alert_investigate", str(incident.id))
    [said] = slack.wait_for("chat.postMessage", lambda c: "no playbook" in _blocks(c))
    assert "There is no playbook for this alert yet" in _blocks(said)
    assert said.params["channel"] == CHANNEL and said.params.get("thread_ts")
    with stack.runtime.cloudfabric.db.session() as session:
        assert session.query(ApprovalRequest).count() == 0


def test_an_outsider_cannot_investigate(stack: Stack, slack: FakeSlack) -> None:
    incident = _opened(stack, slack)
    _click(stack, "alert_investigate", str(incident.id), user="U0STRANGER")
    (told,) = slack.wait_for("chat.postEphemeral")
    assert told.params["user"] == "U0STRANGER" and "Only members of" in json.dumps(told.params)
    threaded = [
        c for c in slack.calls_of("chat.postMessage")
        if c.params.get("thread_ts") and not _is_chart_line(c)
    ]  # fmt: skip
    assert threaded == []


def _is_root(call: Call) -> bool:
    """A top-level message in the alerts channel (a thread's root)."""
    return call.params["channel"] == CHANNEL and not call.params.get("thread_ts")


def _is_chart_line(call: Call) -> bool:
    """The line under a root saying why it has no metric chart."""
    return "No metric chart" in str(call.params.get("text"))
