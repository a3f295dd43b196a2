"""Who may act on an incident: members of its channel (every page of conversations.members on
the fake Slack) or approvers; when Slack will not list the members, approvers only."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from slack_sdk import WebClient

from approvals.policy import ApprovalPolicy
from bot.alert_actions import approvers, channel_members
from core.settings import Settings
from tests.fakes.slack_server import FakeSlack
from tests.slack.harness import BOT_TOKEN, slack
from tools.alerts.incident_access import IncidentGuard
from tools.alerts.models import IncidentRow

__all__ = ["slack"]
NOW = datetime(2027, 1, 5, 10, 0, tzinfo=UTC)


def _incident(channel: str | None) -> IncidentRow:
    return IncidentRow(id=7, status="open", severity="error", title="t", fingerprint="f",
                       first_seen=NOW, last_seen=NOW, channel=channel)  # fmt: skip


def test_members_are_read_across_pages(slack: FakeSlack) -> None:
    slack.members["C0ALERTS"] = [f"U{n:04d}" for n in range(2500)]
    client = WebClient(token=BOT_TOKEN, base_url=slack.api_url)
    found = channel_members(client, "C0ALERTS")
    assert found is not None and len(found) == 2500 and "U2499" in found
    assert len(slack.calls_of("conversations.members")) == 3
    assert channel_members(client, "C0NOPE") is None  # channel_not_found: unknown


def test_members_and_approvers_may_act_and_nobody_else() -> None:
    guard = IncidentGuard(lambda channel: {"U0ALICE"}, lambda: {"U0BOB"})
    incident = _incident("C0ALERTS")
    assert guard.refusal("U0ALICE", incident) is None
    assert guard.refusal("U0BOB", incident) is None
    refusal = guard.refusal("U0EVE", incident)
    assert refusal == "Only members of <#C0ALERTS> or approvers may act on alert incident #7."


def test_when_members_are_unknown_only_approvers_may_act() -> None:
    guard = IncidentGuard(lambda channel: None, lambda: {"U0BOB"})
    assert guard.refusal("U0BOB", _incident("C0ALERTS")) is None
    assert guard.refusal("U0ALICE", _incident("C0ALERTS")) is not None
    assert "the incident's channel" in (guard.refusal("U0ALICE", _incident(None)) or "")


def test_approvers_are_the_configured_groups_members(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, data_dir=tmp_path, approvers_group="platform",  # type: ignore[call-arg]
                        approver_groups={"platform": ["U0BOB"], "dba": ["U0DAN"]})  # fmt: skip
    assert approvers(settings, ApprovalPolicy(settings)) == {"U0BOB", "U0DAN"}
    bare = Settings(_env_file=None, data_dir=tmp_path)  # type: ignore[call-arg]
    assert approvers(bare, ApprovalPolicy(bare)) == set()
