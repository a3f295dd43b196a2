"""Slack user groups resolve to user ids for the approval policy."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import time_machine

from approvals.policy import ApprovalPolicy
from bot.slack.identity import SlackDirectory, SlackUserGroups
from bot.slack.transport import web_client
from core.clock import Clock
from core.settings import Settings
from tests.fakes.slack_server import FakeSlack
from tests.slack.harness import slack
from tools.policy.owners import resolve_owner

__all__ = ["slack"]
START = datetime(2027, 3, 1, tzinfo=UTC)


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


def _directory(slack: FakeSlack, tmp_path: Path, clock: Clock) -> SlackDirectory:
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None, data_dir=tmp_path, slack_bot_token="xoxb-1", slack_api_url=slack.api_url
    )
    return SlackDirectory(web_client(settings), clock, ttl_seconds=600)


def test_emails_resolve_to_users_and_the_answer_is_kept_for_the_ttl(
    slack: FakeSlack, tmp_path: Path
) -> None:
    slack.emails["erin@example.com"] = "U0ERIN"
    with time_machine.travel(START, tick=False) as traveller:
        directory = _directory(slack, tmp_path, Clock())  # the clock time-machine moves
        assert directory.user_by_email("Erin@example.com") == "U0ERIN"
        assert directory.user_by_email("nobody@example.com") is None  # users_not_found
        traveller.shift(timedelta(minutes=9))
        assert directory.user_by_email("erin@example.com") == "U0ERIN"
        assert directory.user_by_email("nobody@example.com") is None
        assert len(slack.calls_of("users.lookupByEmail")) == 2
        traveller.shift(timedelta(minutes=2))  # past the TTL: asked again
        assert directory.user_by_email("erin@example.com") == "U0ERIN"
        assert len(slack.calls_of("users.lookupByEmail")) == 3


def test_handles_resolve_to_user_group_ids(slack: FakeSlack, tmp_path: Path) -> None:
    slack.handles["S0PAY"] = "payments-team"
    directory = _directory(slack, tmp_path, Clock())
    assert directory.usergroup_by_handle("payments-team") == "S0PAY"
    assert directory.usergroup_by_handle("nobody-team") is None


def test_a_missing_scope_leaves_the_owner_unresolved_and_says_so(
    slack: FakeSlack, tmp_path: Path
) -> None:
    slack.fail("users.lookupByEmail", "missing_scope")
    owner = resolve_owner("erin@example.com", _directory(slack, tmp_path, Clock()))
    assert owner.principal is None
    assert owner.problem == (
        "the owner 'erin@example.com' could not be looked up: Slack users.lookupByEmail "
        "failed: missing_scope (add the scope to the Slack app)"
    )
