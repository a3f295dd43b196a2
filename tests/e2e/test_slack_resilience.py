"""Slack end to end: forged and broken requests, Slack retries, Web API errors."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from agents.conversation import conversation_id
from approvals.models import ApprovalState
from bot import cli
from core.aws import AwsClients
from core.clock import Clock
from tests.fakes.slack_server import FakeSlack, fixture
from tests.slack.harness import (
    SIGNING_SECRET,
    Stack,
    event_body,
    eventually,
    mention,
    running_stack,
    sandbox_aws,
    sign,
    slack,
    slack_settings,
    stack,
    thread_reply,
)

__all__ = ["sandbox_aws", "slack", "stack"]


def _human_turns(stack: Stack, channel: str, ts: str) -> list[str]:
    graph = stack.runtime.cloudfabric.conversations.graph
    config = {"configurable": {"thread_id": conversation_id("T111", channel, ts)}}
    messages = graph.get_state(config).values.get("messages", [])
    return [m.content for m in messages if m.type == "human"]


def _posts_in(stack: Stack, thread_ts: str) -> list[str]:
    calls = stack.slack.calls_of("chat.postMessage")
    return [str(c.params.get("text")) for c in calls if c.params.get("thread_ts") == thread_ts]


@pytest.fixture(params=["memory", "redis"])
def replicas(
    request: pytest.FixtureRequest, tmp_path: Path, sandbox_aws: AwsClients, slack: FakeSlack
) -> Iterator[tuple[Stack, Stack]]:
    """Two replicas of the app sharing the de-duplication store (Redis), or one in-process."""
    extra = {"redis_url": request.getfixturevalue("redis_url")} if request.param == "redis" else {}
    first = running_stack(slack_settings(tmp_path / "a", slack, **extra), sandbox_aws, slack)
    one = next(first)
    if request.param == "memory":
        yield one, one
    else:
        second = running_stack(slack_settings(tmp_path / "b", slack, **extra), sandbox_aws, slack)
        yield one, next(second)
        next(second, None)
    next(first, None)


def test_retried_event_runs_nothing_twice(replicas: tuple[Stack, Stack]) -> None:
    first, second = replicas
    body = mention(
        "what instances are running in us-east-1?", event_id="EvR1", channel="C20", ts="2000.1"
    )
    assert first.post_event(body).status_code == 200
    eventually(lambda: _posts_in(first, "2000.1"))

    retry = second.post_event(
        body, **{"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
    )

    assert retry.status_code == 200
    assert second.runtime.surface.metrics.duplicates._value.get() == 1
    assert len(_posts_in(first, "2000.1")) == 1
    assert _human_turns(first, "C20", "2000.1") == ["what instances are running in us-east-1?"]
    assert _human_turns(second, "C20", "2000.1") in (
        [],
        ["what instances are running in us-east-1?"],
    )


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param(lambda raw: sign(raw, secret="not-the-secret"), id="bad-signature"),
        pytest.param(
            lambda raw: sign(raw, at=int(Clock().timestamp()) - 600), id="stale-timestamp"
        ),
        pytest.param(lambda raw: {}, id="unsigned"),
    ],
)
def test_forged_or_stale_requests_get_401_and_run_nothing(stack: Stack, headers) -> None:
    raw = json.dumps(
        mention("stop batch-worker", event_id="EvF1", channel="C21", ts="2100.1")
    ).encode()

    response = stack.http.post(
        "/slack/events", content=raw, headers={**headers(raw), "Content-Type": "application/json"}
    )

    assert response.status_code == 401
    time.sleep(0.2)
    assert not stack.slack.calls_of("chat.postMessage")
    assert stack.runtime.cloudfabric.approvals.find() == []


def test_malformed_body_gets_400_and_runs_nothing(stack: Stack) -> None:
    raw = b'{"type": "event_callback", "event": {'
    response = stack.post_raw(raw, "application/json")

    assert response.status_code == 400
    unsigned = stack.http.post(
        "/slack/events", content=raw, headers={"Content-Type": "application/json"}
    )
    assert unsigned.status_code == 401
    assert [call.method for call in stack.slack.calls] == ["auth.test"]  # at start-up only


def test_url_verification_handshake_is_answered(stack: Stack) -> None:
    body = fixture("events_url_verification.json")
    response = stack.post_event(body)
    assert response.status_code == 200
    assert body["challenge"] in response.text


def test_rate_limited_post_is_retried_after_retry_after(stack: Stack) -> None:
    stack.slack.fail("chat.postMessage", "ratelimited")

    stack.post_event(
        mention(
            "what instances are running in us-east-1?", event_id="EvL1", channel="C22", ts="2200.1"
        )
    )

    calls = stack.slack.wait_for(
        "chat.postMessage", lambda c: c.params.get("thread_ts") == "2200.1", 2
    )
    assert "batch-worker" in calls[1].params["text"]
    assert calls[1].at - calls[0].at >= 0.9


def test_not_in_channel_is_logged_and_told_to_the_user_by_dm(
    stack: Stack, caplog: pytest.LogCaptureFixture
) -> None:
    stack.slack.fail("chat.postMessage", "not_in_channel")
    with caplog.at_level(logging.WARNING):
        stack.post_event(
            mention("help", event_id="EvN1", channel="C23", ts="2300.1", user="U0DAVE")
        )
        [dm] = stack.slack.wait_for("chat.postMessage", lambda c: c.params["channel"] == "U0DAVE")
    assert "Invite me" in dm.params["text"]
    assert any(
        "not_in_channel" in r.getMessage() and "C23" in r.getMessage() for r in caplog.records
    )


def test_card_slack_refused_stays_visible_and_is_posted_on_retry(
    stack: Stack, monkeypatch: pytest.MonkeyPatch
) -> None:
    stack.slack.fail("chat.postMessage", "channel_not_found")
    stack.post_event(
        mention("stop web-1", event_id="EvP1", channel="C24", ts="2400.1", user="U0ERIN")
    )
    approvals = stack.runtime.cloudfabric.approvals
    [pending] = eventually(lambda: approvals.find(ApprovalState.PENDING))
    stack.slack.wait_for("chat.postMessage", lambda c: c.params["channel"] == "U0ERIN")
    assert pending.card_ts is None
    home = event_body(
        "events_app_home_opened_home_tab.json", event_id="EvP2", channel="D24", ts="2400.2"
    )
    home["event"].update(user="U0FRANK")
    stack.post_event(home)
    [tab] = stack.slack.wait_for("views.publish", lambda c: c.params["user_id"] == "U0FRANK")
    assert pending.id in json.dumps(tab.params["view"])
    settings = stack.runtime.cloudfabric.settings
    monkeypatch.setenv("CF_DATA_DIR", str(settings.data_dir))
    listed = CliRunner().invoke(cli.app, ["approvals", "list", "--state", "pending"])
    assert pending.id in listed.output

    posted = stack.runtime.surface.transport.retry_unposted_cards(min_age=timedelta(0))

    assert posted == 1
    eventually(lambda: approvals.get(pending.id).card_channel == "C24")
    [card] = stack.slack.calls_of("chat.postMessage")[-1:]
    assert card.params["thread_ts"] == "2400.1" and pending.id in json.dumps(card.params["blocks"])


def test_bot_messages_edits_and_deletes_are_ignored(stack: Stack) -> None:
    stack.post_event(mention("help", event_id="EvI1", channel="C25", ts="2500.1"))
    eventually(lambda: _posts_in(stack, "2500.1"))
    ignored = [
        ("events_message_bot_message.json", "EvI2"),
        ("events_message_classic_bot_message.json", "EvI3"),
        ("events_message_changed.json", "EvI4"),
        ("events_message_deleted.json", "EvI5"),
    ]
    for name, event_id in ignored:
        body = fixture(name)
        body["event_id"] = event_id
        body["event"].update(channel="C25", thread_ts="2500.1")
        assert stack.post_event(body).status_code == 200
    own = thread_reply(
        "help", event_id="EvI6", channel="C25", ts="2500.3", thread_ts="2500.1", user="W111"
    )
    stack.post_event(own)
    stack.post_event(mention("help", event_id="EvI7", channel="C26", ts="2600.1"))
    eventually(lambda: _posts_in(stack, "2600.1"))
    time.sleep(0.3)
    assert len(_posts_in(stack, "2500.1")) == 1
    assert _human_turns(stack, "C25", "2500.1") == ["help"]


def test_direct_message_is_answered_in_its_thread(stack: Stack) -> None:
    body = event_body(
        "events_message_im_top_level.json", event_id="EvD1", channel="D42", ts="4200.1", text="help"
    )
    stack.post_event(body)
    [answer] = stack.slack.wait_for("chat.postMessage", lambda c: c.params["channel"] == "D42")
    assert answer.params["thread_ts"] == "4200.1"
    assert "what I can do" in answer.params["text"]
    assert SIGNING_SECRET not in answer.params["text"]
