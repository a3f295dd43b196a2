"""Slack user groups resolve to user ids for the approval policy."""

from __future__ import annotations

from pathlib import Path

from approvals.policy import ApprovalPolicy
from bot.slack.identity import SlackUserGroups
from bot.slack.transport import web_client
from core.settings import Settings
from tests.fakes.slack_server import FakeSlack
from tests.slack.harness import slack

__all__ = ["slack"]


def _groups(slack: FakeSlack, tmp_path: Path) -> SlackUserGroups:
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None, data_dir=tmp_path, slack_bot_token="xoxb-1", slack_api_url=slack.api_url
    )
    return SlackUserGroups(web_client(settings))


def test_usergroup_members_are_cached(slack: FakeSlack, tmp_path: Path) -> None:
    slack.usergroups["S0OPS"] = ["U1", "U2"]
    groups = _groups(slack, tmp_path)
    assert groups("S0OPS") == {"U1", "U2"}
    assert groups("S0OPS") == {"U1", "U2"}
    assert len(slack.calls_of("usergroups.users.list")) == 1


def test_names_that_are_not_usergroup_ids_are_left_to_settings(
    slack: FakeSlack, tmp_path: Path
) -> None:
    groups = _groups(slack, tmp_path)
    assert groups("platform") == set()
    assert not slack.calls
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        data_dir=tmp_path,
        approver_groups={"platform": ["U9"]},
        approval_policy={"high": ["@platform"]},
    )
    ApprovalPolicy(settings, groups).check("U9", "U1", "high")


def test_failed_lookup_resolves_to_nobody(slack: FakeSlack, tmp_path: Path) -> None:
    slack.fail("usergroups.users.list", "missing_scope")
    assert _groups(slack, tmp_path)("S0OPS") == set()
