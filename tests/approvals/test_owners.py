"""Owners as approvers: the targets' owner tag names a Slack user group (by handle), a user id or
an email (``users.lookupByEmail``); with two owners each must approve, the card counts each, and
racing clicks still run the action once (SQLite and PostgreSQL). Slack is the local fake."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from approvals.errors import ApprovalRefused, NotAnApprover, SelfApproval
from approvals.models import ApprovalRequest, ApprovalState
from bot.app import CloudFabric, create_app
from bot.slack.identity import SlackDirectory, SlackUserGroups
from bot.slack.transport import web_client
from core.aws import AwsClients
from core.clock import Clock
from core.settings import Settings
from tests.estate import launch, state_of
from tests.fakes.slack_server import FakeSlack
from tests.slack.harness import slack
from tools.actions.ec2_power import REBOOT, STOP, build_plan
from tools.ec2.models import PowerArgs
from tools.policy.explain import explain_decision, explanation_lines

__all__ = ["slack"]
S = ApprovalState
PAYMENTS = ["U0PAT", "U0PIA"]
DATA = ["U0DAN", "U0DEB"]
POLICY = """\
rules:
  - name: owners-stop
    match: {tool: [ec2.stop_instances]}
    approvers: [owner]
  - name: owners-reboot
    match: {tool: [ec2.reboot_instances]}
    approvers: [owner]
    owner_unresolved: refuse
  - name: default
    default: true
    approvers: ["*"]
"""


@pytest.fixture(params=["sqlite", "postgres"])
def app(
    request: pytest.FixtureRequest,
    settings: Settings,
    aws: AwsClients,
    slack: FakeSlack,
    tmp_path: Path,
) -> Iterator[CloudFabric]:
    """CloudFabric whose owners are looked up in the fake Slack, on SQLite and PostgreSQL."""
    slack.handles.update({"S0PAY": "payments-team", "S0DATA": "data-team"})
    slack.usergroups.update({"S0PAY": PAYMENTS, "S0DATA": DATA})
    slack.emails["erin@example.com"] = "U0ERIN"
    policy = tmp_path / "policy.yaml"
    policy.write_text(POLICY, encoding="utf-8")
    update: dict[str, object] = {
        "approval_policy_file": policy, "slack_bot_token": "xoxb-1",
        "slack_api_url": slack.api_url,
    }  # fmt: skip
    if request.param == "postgres":
        update["database_url"] = request.getfixturevalue("own_postgres_url")
    configured = settings.model_copy(update=update)
    client = web_client(configured)
    clock = Clock()
    built = create_app(
        configured, aws=aws, clock=clock, group_members=SlackUserGroups(client),
        directory=SlackDirectory(client, clock),
    )  # fmt: skip
    yield built
    built.close()


@pytest.fixture
def estate(aws: AwsClients) -> dict[str, str]:
    return {
        "web-1": launch(aws, "web-1", owner="@payments-team"),
        "etl-1": launch(aws, "etl-1", owner="@data-team"),
        "web-2": launch(aws, "web-2", owner="erin@example.com"),
        "web-3": launch(aws, "web-3", owner="nobody@example.com"),
    }


def ask(app: CloudFabric, *targets: str, action=STOP, requester: str = "U0PAT") -> ApprovalRequest:
    plan = build_plan(app.context_for(requester), action, PowerArgs(targets=list(targets)))
    return app.approvals.request(plan, requester, conversation_id="test:c:1")


def test_explain_names_each_owner_group(app: CloudFabric, estate) -> None:
    plan = build_plan(app.context_for("U0REQ"), STOP, PowerArgs(targets=["web-1", "etl-1"]))
    policy = app.approvals.policy
    decision = policy.decide(policy.facts(plan, "U0REQ"))
    explained = explain_decision("stop web-1 and etl-1", plan, decision)  # what explain shows
    text = "\n".join(explanation_lines(explained))
    assert "Rule: owners-stop" in text
    assert "Who may approve: each owner: 1 of payments-team, 1 of data-team" in text
    assert "owner tag 'owner': @payments-team = @S0PAY, @data-team = @S0DATA" in text
    assert "the targets have 2 owners: each must approve (1 each)" in text


def test_an_email_owner_is_the_slack_user_with_that_email(
    app: CloudFabric, estate, slack: FakeSlack
) -> None:
    request = ask(app, "web-2")
    with pytest.raises(NotAnApprover):
        app.approvals.approve(request.id, "U0DAN")
    assert app.approvals.approve(request.id, "U0ERIN").state == S.SUCCEEDED
    ask(app, "web-1", "web-2", action=REBOOT, requester="U0DAN")
    assert len(slack.calls_of("users.lookupByEmail")) == 1  # the lookup is cached


def test_two_owners_must_both_approve_and_the_card_counts_each(
    app: CloudFabric, estate, aws: AwsClients
) -> None:
    request = ask(app, "web-1", "etl-1", requester="U0PAT")
    assert "payments-team: 0 of 1 · data-team: 0 of 1" in app.cards(request).text
    with pytest.raises(SelfApproval):
        app.approvals.approve(request.id, "U0PAT")  # the requester never counts
    with pytest.raises(NotAnApprover, match="the owners of its targets must"):
        app.approvals.approve(request.id, "U0ERIN")

    partial = app.approvals.approve(request.id, "U0PIA")
    assert partial.state == S.PENDING
    assert "payments-team: 1 of 1 (U0PIA) · data-team: 0 of 1" in app.cards(partial).text
    assert state_of(aws, estate["web-1"]) == "running"

    done = app.approvals.approve(request.id, "U0DEB")
    assert done.state == S.SUCCEEDED and done.decided_by == "U0DEB"
    assert "payments-team: 1 of 1 (U0PIA) · data-team: 1 of 1 (U0DEB)" in app.cards(done).text
    assert state_of(aws, estate["etl-1"]) in ("stopping", "stopped")


def test_a_second_approval_from_the_same_owner_does_not_complete_it(
    app: CloudFabric, estate
) -> None:
    request = ask(app, "web-1", "etl-1", requester="U0DAN")
    assert app.approvals.approve(request.id, "U0PAT").state == S.PENDING
    assert app.approvals.approve(request.id, "U0PIA").state == S.PENDING  # payments again
    assert app.approvals.approve(request.id, "U0DEB").state == S.SUCCEEDED


def test_racing_clicks_of_both_owners_run_it_exactly_once(
    app: CloudFabric, estate, aws: AwsClients
) -> None:
    request = ask(app, "web-1", "etl-1", requester="U0ERIN")
    people = [*PAYMENTS, *DATA, "U0ERIN"]

    def click(n: int) -> str:
        try:
            return app.approvals.approve(request.id, people[n % len(people)]).state
        except ApprovalRefused as refusal:
            return type(refusal).__name__

    with ThreadPoolExecutor(max_workers=30) as pool:
        outcomes = list(pool.map(click, range(30)))

    assert outcomes.count("SUCCEEDED") == 1
    assert set(outcomes) <= {"SUCCEEDED", "PENDING", "SelfApproval", "AlreadyDecided",
                             "AlreadyApprovedByYou"}  # fmt: skip
    final = app.approvals.get(request.id)
    assert final.state == S.SUCCEEDED
    assert any(v in PAYMENTS for v in final.approvers_so_far)
    assert any(v in DATA for v in final.approvers_so_far)
    assert [e.action for e in app.audit.entries(request.id)].count("succeeded") == 1
    assert state_of(aws, estate["web-1"]) in ("stopping", "stopped")


def test_an_owner_nobody_has_falls_back_to_the_other_owner(app: CloudFabric, estate) -> None:
    request = ask(app, "web-1", "web-3", requester="U0DAN")  # rule owners-stop: fallback
    decision = app.approvals.policy.decision_of(request)
    assert decision.approvers == ["@S0PAY"] and decision.owner_groups == []
    assert any("no Slack user has the email nobody@example.com" in w for w in decision.why)
    assert app.approvals.approve(request.id, "U0PIA").state == S.SUCCEEDED


def test_an_owner_nobody_has_is_refused_where_the_rule_says_so(
    app: CloudFabric, estate, aws: AwsClients
) -> None:
    with pytest.raises(ApprovalRefused) as refused:
        ask(app, "web-1", "web-3", action=REBOOT, requester="U0DAN")
    said = str(refused.value)
    assert "no Slack user has the email nobody@example.com (users_not_found)" in said
    assert "rule 'owners-reboot' refuses rather than guess" in said
    assert app.approvals.find() == []  # nothing filed
