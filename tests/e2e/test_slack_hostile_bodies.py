"""Hostile bodies at ``/slack/events``: capped, authenticated, then parsed; never a 5xx.

The order holds for every body: a body over the cap is refused (413) before it is read, an
unsigned one (401) before it is decoded or parsed, and a signed one that is not a Slack
payload gets 400 with a sentence. Everything goes over HTTP with real v0 signatures.
"""

from __future__ import annotations

import copy
import logging
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from approvals.render import APPROVE_ACTION, REJECT_ACTION
from bot.slack.render import REJECT_VIEW
from bot.slack.runtime import build_runtime
from core.aws import AwsClients
from tests.fakes.slack_server import FakeSlack, fixture
from tests.http_fuzz import assert_handled, hostile_bodies, mutated
from tests.slack.harness import (
    Stack,
    mention,
    running_stack,
    sandbox_aws,
    serving,
    sign,
    slack_settings,
    slash_command,
)

__all__ = ["sandbox_aws"]
MIB = 1_048_576


def _documents() -> list[dict[str, Any]]:
    click = copy.deepcopy(fixture("interactive_block_actions_button_with_message.json"))
    click["actions"][0]["action_id"] = APPROVE_ACTION
    reject = copy.deepcopy(click)
    reject["actions"][0]["action_id"] = REJECT_ACTION
    submission = copy.deepcopy(fixture("interactive_view_submission.json"))
    submission["view"]["callback_id"] = REJECT_VIEW
    names = (
        "events_app_mention.json",
        "events_message_im_top_level.json",
        "events_app_home_opened_home_tab.json",
        "events_message_org_wide_install.json",
        "interactive_block_actions_org_wide_install.json",
        "events_url_verification.json",
    )
    return [click, reject, submission, *(fixture(name) for name in names)]


DOCUMENTS = _documents()
COMMAND = dict(slash_command("stop web-1", user="U0FUZZ", channel="C70"))


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory, sandbox_aws: AwsClients) -> Iterator[Stack]:
    """One Slack stack for the whole module (hypothesis runs many examples against it). Slack's
    per-channel pace is off: the accepted commands' questions would otherwise queue one a second
    in their channel, and closing the stack would wait for all of them."""
    fake = FakeSlack().start()
    folder = tmp_path_factory.mktemp("hostile")
    settings = slack_settings(folder, fake, slack_outbox_channel_interval_seconds=0)
    yield from running_stack(settings, sandbox_aws, fake)
    fake.stop()


def _post(stack: Stack, raw: bytes, content_type: str, signed: bool) -> Any:
    headers = {**(sign(raw) if signed else {}), "Content-Type": content_type}
    return stack.http.post("/slack/events", content=raw, headers=headers)


@pytest.mark.parametrize(
    ("name", "raw"),
    [
        ("200,000 [", b"[" * 200_000),
        ("a JSON string", b'"just a string"'),
        ("a JSON list", b"[1, 2, 3]"),
        ("not UTF-8", b'{"type": "event_callback", "x": "\xff\xfe\xfa"}'),
        ("truncated JSON", b'{"type": "event_callback", "event": {'),
        ("actions of the wrong kind", b'{"type": "block_actions", "actions": "x", "user": {}}'),
        ("a null event", b'{"type": "event_callback", "event": null}'),
        ("authorizations of strings", b'{"type": "event_callback", "authorizations": ["x"]}'),
    ],
)
def test_a_malformed_body_gets_400_signed_and_401_unsigned(
    hostile: Stack, name: str, raw: bytes
) -> None:
    signed = _post(hostile, raw, "application/json", signed=True)
    unsigned = _post(hostile, raw, "application/json", signed=False)

    assert (signed.status_code, unsigned.status_code) == (400, 401), name
    assert signed.json()["error"].endswith(".") and "Traceback" not in signed.text


def test_a_malformed_interactivity_payload_gets_400(hostile: Stack) -> None:
    raw = urlencode({"payload": "[" * 100_000}).encode()

    response = _post(hostile, raw, "application/x-www-form-urlencoded", signed=True)

    assert response.status_code == 400


def test_a_body_over_the_cap_gets_413_signed_or_not(hostile: Stack) -> None:
    raw = b'{"type": "event_callback", "pad": "' + b"x" * MIB + b'"}'

    for signed in (True, False):
        response = _post(hostile, raw, "application/json", signed=signed)
        assert response.status_code == 413
        assert "larger than 1,048,576 bytes" in response.json()["error"]


def test_a_signed_mention_without_a_channel_is_acknowledged_and_crashes_nothing(
    hostile: Stack, caplog: pytest.LogCaptureFixture
) -> None:
    body = mention("what instances are running?", event_id="EvNC1", channel="C60", ts="6000.1")
    del body["event"]["channel"]
    follow_up = mention("help", event_id="EvNC2", channel="C61", ts="6100.1")

    with caplog.at_level(logging.WARNING):
        assert hostile.post_event(body).status_code == 200
        assert hostile.post_event(follow_up).status_code == 200
        hostile.slack.wait_for("chat.postMessage", lambda c: c.params.get("thread_ts") == "6100.1")

    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert any("without a channel" in r.getMessage() for r in caplog.records)
    crash_notes = [c for c in hostile.slack.calls_of("chat.postMessage") if "reference" in str(c)]
    assert crash_notes == []


@settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    raw=hostile_bodies(DOCUMENTS),
    wrapping=st.sampled_from(["json", "payload"]),
    command=mutated([COMMAND]),
    as_command=st.booleans(),
)
def test_no_body_gets_a_5xx_or_a_traceback(
    hostile: Stack, raw: bytes, wrapping: str, command: dict[str, Any], as_command: bool
) -> None:
    form = "application/x-www-form-urlencoded"
    if as_command:
        body, content_type = urlencode({k: str(v) for k, v in command.items()}).encode(), form
    elif wrapping == "json":
        body, content_type = raw, "application/json"
    else:
        body, content_type = urlencode({"payload": raw}).encode(), form

    for signed in (True, False):
        response = _post(hostile, body, content_type, signed)
        assert_handled(response.status_code, response.content)
        if not signed:
            assert response.status_code in (401, 413)


def _read_until_closed(client: socket.socket) -> str:
    received = b""
    while chunk := client.recv(4096):
        received += chunk
    return received.decode()


def test_a_declared_100_mb_body_is_refused_before_it_is_sent(
    tmp_path: Path, sandbox_aws: AwsClients
) -> None:
    fake = FakeSlack().start()
    runtime = build_runtime(slack_settings(tmp_path / "cf", fake), aws=sandbox_aws)
    try:
        with (
            serving(runtime) as base,
            socket.create_connection(
                ("127.0.0.1", int(base.rsplit(":", 1)[1])), timeout=10
            ) as client,
        ):
            head = (
                "POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                f"Content-Length: {100 * MIB}\r\n\r\n"
            )
            client.sendall(head.encode() + b'{"type": ')  # and not one byte more
            answer = _read_until_closed(client)  # comes although the body never does
    finally:
        fake.stop()
    assert answer.startswith("HTTP/1.1 413")
    assert "larger than 1,048,576 bytes" in answer
