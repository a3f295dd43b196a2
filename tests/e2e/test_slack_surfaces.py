"""Slack end to end: slash command, App Home, user-group approvers, health and metrics."""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from agents.reply import Reply
from approvals.models import ApprovalState
from approvals.render import APPROVE_ACTION, REJECT_ACTION
from bot.slack.render import REJECT_VIEW
from bot.slack.transport import Thread
from core.aws import AwsClients
from tests.conftest import POSTGRES_ADMIN_URL, need_service
from tests.fakes.slack_server import FakeSlack
from tests.slack.harness import (
    Stack,
    button_click,
    event_body,
    eventually,
    mention,
    running_stack,
    sandbox_aws,
    slack,
    slack_settings,
    slash_command,
    stack,
    thread_reply,
    view_submission,
)
from tools import blocks

__all__ = ["sandbox_aws", "slack", "stack"]


def _open_home(stack: Stack, user: str, event_id: str) -> dict:
    body = event_body(
        "events_app_home_opened_home_tab.json", event_id=event_id, channel="D1", ts="1.1"
    )
    body["event"]["user"] = user
    stack.post_event(body)
    [published] = stack.slack.wait_for("views.publish", lambda c: c.params["user_id"] == user)
    return published.params["view"]


def _card_of(stack: Stack, thread_ts: str) -> str:
    [card] = stack.slack.wait_for(
        "chat.postMessage",
        lambda c: (
            c.params.get("thread_ts") == thread_ts
            and "actions" in json.dumps(c.params.get("blocks"))
        ),
    )
    approval_id = next(
        b["elements"][0]["value"] for b in card.params["blocks"] if b["type"] == "actions"
    )
    # A click is honoured on the card's channel, known once the app has read Slack's answer.
    approvals = stack.runtime.cloudfabric.approvals
    eventually(lambda: approvals.get(approval_id).card_channel)
    return str(approval_id)


def test_slash_command_starts_a_thread_that_continues(stack: Stack) -> None:
    response = stack.post_command(
        slash_command("what instances are running in us-east-1?", user="U0ANN", channel="C30")
    )

    assert response.status_code == 200
    [question] = stack.slack.wait_for(
        "chat.postMessage", lambda c: c.params["channel"] == "C30" and not c.params.get("thread_ts")
    )
    assert "<@U0ANN> asked" in question.params["text"]
    [answer] = stack.slack.wait_for("chat.postMessage", lambda c: bool(c.params.get("thread_ts")))
    assert "batch-worker" in answer.params["text"]
    thread_ts = answer.params["thread_ts"]
    stack.post_event(
        thread_reply(
            "tell me about web-2", event_id="EvS1", channel="C30", ts="3000.2", thread_ts=thread_ts
        )
    )
    answers = stack.slack.wait_for(
        "chat.postMessage", lambda c: c.params.get("thread_ts") == thread_ts, 2
    )
    assert "web-2" in answers[1].params["text"]


def test_slash_command_help_is_ephemeral(stack: Stack) -> None:
    stack.post_command(slash_command("help", user="U0ANN", channel="C31"))

    [shown] = stack.slack.wait_for("chat.postEphemeral")
    assert shown.params["user"] == "U0ANN" and "what I can do" in shown.params["text"]
    assert not stack.slack.calls_of("chat.postMessage")


def test_app_home_shows_pending_approvals_and_approving_there_executes(stack: Stack) -> None:
    stack.post_event(
        mention("stop batch-worker", event_id="EvH1", channel="C32", ts="3200.1", user="U0ANN")
    )
    approval_id = _card_of(stack, "3200.1")
    eventually(lambda: stack.runtime.cloudfabric.approvals.get(approval_id).card_ts)

    requester_home = json.dumps(_open_home(stack, "U0ANN", "EvH2"))
    approver_home = _open_home(stack, "U0BEN", "EvH3")

    assert approval_id in requester_home and "Your pending requests" in requester_home
    buttons = [e for b in approver_home["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert [b["value"] for b in buttons if b["action_id"] == APPROVE_ACTION] == [approval_id]
    click = button_click(APPROVE_ACTION, approval_id, user="U0BEN", channel="C32")
    del click["channel"]
    click["container"] = {"type": "view", "view_id": "V1"}
    stack.post_interaction(click)

    stack.slack.wait_for("chat.update")
    refreshed = stack.slack.wait_for("views.publish", lambda c: c.params["user_id"] == "U0BEN", 2)[
        -1
    ]
    assert stack.runtime.cloudfabric.approvals.get(approval_id).state == ApprovalState.SUCCEEDED
    assert "Recent executions" in json.dumps(refreshed.params["view"])
    assert approval_id in json.dumps(refreshed.params["view"])


def test_app_home_lists_an_interrupted_execution_among_recent_executions(stack: Stack) -> None:
    stack.post_event(
        mention("stop web-2", event_id="EvH4", channel="C33", ts="3300.1", user="U0ANN")
    )
    approval_id = _card_of(stack, "3300.1")
    approvals = stack.runtime.cloudfabric.approvals
    # Approved, then claimed by a replica that died before its lease ran out: the sweep reports it.
    approved, executing = ApprovalState.APPROVED, ApprovalState.EXECUTING
    approvals.store.transition(approval_id, ApprovalState.PENDING, approved, decided_by="U0BEN")
    gone = approvals.clock.now() - timedelta(seconds=1)
    approvals.store.transition(approval_id, approved, executing, owner="x", lease_expires_at=gone)
    assert [r.id for r in approvals.recover()] == [approval_id]
    assert approvals.get(approval_id).state == ApprovalState.INTERRUPTED

    home = _open_home(stack, "U0ANN", "EvH5")

    executions = json.dumps(home["blocks"]).split("Recent executions", 1)[1]
    assert approval_id in executions and "INTERRUPTED" in executions


@pytest.fixture
def group_stack(tmp_path: Path, sandbox_aws: AwsClients, slack: FakeSlack) -> Iterator[Stack]:
    slack.usergroups["S0PLATFORM"] = ["U0BEN"]
    policy = {"medium": ["@S0PLATFORM"]}
    settings = slack_settings(tmp_path / "cf", slack, approval_policy=policy)
    yield from running_stack(settings, sandbox_aws, slack)


def test_slack_user_group_decides_who_may_approve(group_stack: Stack) -> None:
    stack = group_stack
    stack.post_event(
        mention("reboot web-1", event_id="EvG1", channel="C33", ts="3300.1", user="U0ANN")
    )
    approval_id = _card_of(stack, "3300.1")

    stack.post_interaction(button_click(APPROVE_ACTION, approval_id, user="U0CARL", channel="C33"))
    [refusal] = stack.slack.wait_for("chat.postEphemeral")
    assert "not allowed" in refusal.params["text"]
    assert stack.runtime.cloudfabric.approvals.get(approval_id).state == ApprovalState.PENDING

    stack.post_interaction(button_click(APPROVE_ACTION, approval_id, user="U0BEN", channel="C33"))
    eventually(
        lambda: (
            stack.runtime.cloudfabric.approvals.get(approval_id).state == ApprovalState.SUCCEEDED
        )
    )
    lookups = stack.slack.calls_of("usergroups.users.list")
    assert lookups and lookups[0].params["usergroup"] == "S0PLATFORM"


def test_health_readiness_and_metrics(stack: Stack) -> None:
    stack.post_event(mention("help", event_id="EvM1", channel="C34", ts="3400.1"))
    stack.slack.wait_for("chat.postMessage")

    assert stack.http.get("/healthz").json() == {"status": "ok"}
    ready = stack.http.get("/readyz")
    assert (ready.status_code, ready.json()["status"]) == (200, "ready")
    metrics = stack.http.get("/metrics").text
    assert 'cloudfabric_slack_requests_total{kind="event:app_mention"} 1.0' in metrics
    assert "cloudfabric_http_request_seconds_bucket" in metrics


@pytest.mark.postgres
def test_readyz_is_503_when_the_database_is_down(
    tmp_path: Path, sandbox_aws: AwsClients, slack: FakeSlack
) -> None:
    need_service("PostgreSQL", "127.0.0.1", 5432)
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    name = f"cf_slack_{uuid.uuid4().hex[:8]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    settings = slack_settings(tmp_path / "cf", slack, database_url=url)
    running = running_stack(settings, sandbox_aws, slack)
    stack = next(running)
    try:
        assert stack.http.get("/readyz").status_code == 200
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))

        response = stack.http.get("/readyz")

        assert response.status_code == 503
        assert response.json()["problems"] == ["database unreachable"]
        assert stack.http.get("/healthz").status_code == 200
    finally:
        next(running, None)
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_files_of_a_reply_are_uploaded_into_the_thread(stack: Stack, tmp_path: Path) -> None:
    chart = tmp_path / "chart.png"
    chart.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    reply = Reply(blocks=[blocks.text("Here is the chart.")], files=[chart])

    stack.runtime.surface.transport.post_reply(Thread("T111", "C50", "5000.1"), reply)

    [done] = stack.slack.wait_for("files.completeUploadExternal")
    assert (done.params["channel_id"], done.params["thread_ts"]) == ("C50", "5000.1")
    assert stack.slack.uploads == [chart.read_bytes()]
    [text] = stack.slack.calls_of("chat.postMessage")
    assert text.params["thread_ts"] == "5000.1"


def test_an_unexpected_failure_tells_the_user_a_reference(
    stack: Stack, caplog: pytest.LogCaptureFixture
) -> None:
    stack.post_event(
        mention("stop web-2", event_id="EvX1", channel="C51", ts="5100.1", user="U0BOB")
    )
    approval_id = _card_of(stack, "5100.1")
    eventually(lambda: stack.runtime.cloudfabric.approvals.get(approval_id).card_ts)
    with stack.runtime.cloudfabric.db.session() as session:  # a stored plan nobody can read
        session.execute(
            text("UPDATE approval_request SET plan_json = '{' WHERE id = :id"), {"id": approval_id}
        )
    metadata = json.dumps({"approval_id": approval_id, "channel": "C51", "user": "U0ANN"})
    with caplog.at_level(logging.ERROR):
        submission = view_submission(REJECT_VIEW, metadata, {}, user="U0ANN")
        assert stack.post_interaction(submission).status_code == 200
        [dm] = stack.slack.wait_for("chat.postMessage", lambda c: c.params["channel"] == "U0ANN")
    reference = dm.params["text"].split("reference ")[1].rstrip(").")
    assert any(reference in r.getMessage() for r in caplog.records)


@pytest.fixture
def channel_stack(tmp_path: Path, sandbox_aws: AwsClients, slack: FakeSlack) -> Iterator[Stack]:
    settings = slack_settings(tmp_path / "cf", slack, slack_approval_channel="C0APPROVE")
    yield from running_stack(settings, sandbox_aws, slack)


def test_cards_go_to_the_approval_channel_when_one_is_set(channel_stack: Stack) -> None:
    stack = channel_stack
    stack.post_event(
        mention("stop web-2", event_id="EvK1", channel="C52", ts="5200.1", user="U0ANN")
    )

    [card] = stack.slack.wait_for("chat.postMessage", lambda c: c.params["channel"] == "C0APPROVE")
    assert not card.params.get("thread_ts")
    [note] = stack.slack.wait_for(
        "chat.postMessage", lambda c: c.params.get("thread_ts") == "5200.1"
    )
    assert "<#C0APPROVE>" in note.params["text"]
    approval_id = next(
        b["elements"][0]["value"] for b in card.params["blocks"] if b["type"] == "actions"
    )
    eventually(lambda: stack.runtime.cloudfabric.approvals.get(approval_id).card_ts)
    reject = button_click(REJECT_ACTION, approval_id, user="U0ANN", channel="C0APPROVE")
    stack.post_interaction(reject)
    [opened] = stack.slack.wait_for("views.open")
    metadata = opened.params["view"]["private_metadata"]
    stack.post_interaction(view_submission(REJECT_VIEW, metadata, {}, user="U0ANN"))

    [update] = stack.slack.wait_for("chat.update")
    assert update.params["channel"] == "C0APPROVE"
    assert "Cancelled by U0ANN" in json.dumps(update.params["blocks"])
