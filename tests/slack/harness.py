"""Signed Slack requests built from the real fixtures, and a running Slack stack to send them to."""

from __future__ import annotations

import copy
import hashlib
import hmac
import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode

import pytest
from fastapi.testclient import TestClient

from bot.http import create_http_app, http_server
from bot.slack.runtime import SlackRuntime, build_runtime
from core.aws import AwsClients
from core.clock import Clock
from core.sandbox import Sandbox
from core.settings import Settings
from tests.conftest import SHARED
from tests.fakes.slack_server import TEAM_ID, Call, FakeSlack, fixture

SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"  # Slack's public docs example
BOT_TOKEN = "xoxb-test-token"


class MovableClock(Clock):
    """The system clock, moved forward on demand (Retry-After and back-off waits)."""

    def advance(self, seconds: float) -> None:
        """Move this clock ``seconds`` ahead.

        Args:
            seconds: how far.
        """
        self._offset += timedelta(seconds=seconds)


def eventually(check: Callable[[], Any], timeout: float = 20.0) -> Any:
    """Poll ``check`` until it returns something truthy; fail after ``timeout`` seconds.

    Args:
        check: the condition.
        timeout: seconds to wait.
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.02)
    raise AssertionError(f"condition not met within {timeout}s")


def sign(body: bytes, secret: str = SIGNING_SECRET, at: int | None = None) -> dict[str, str]:
    """Slack v0 signature headers for ``body``.

    Args:
        body: the raw request body.
        secret: signing secret.
        at: request timestamp (now by default).
    """
    timestamp = str(int(Clock().timestamp()) if at is None else at)
    base = f"v0:{timestamp}:".encode() + body
    digest = hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": timestamp, "X-Slack-Signature": f"v0={digest}"}


def event_body(
    name: str, *, event_id: str, channel: str, ts: str, user: str = "U222", **event: Any
) -> dict[str, Any]:
    """An Events API envelope from a fixture with its ids rewritten.

    Args:
        name: fixture file.
        event_id: envelope event id.
        channel: channel id.
        ts: message ts.
        user: author.
        **event: other event fields to set (text, thread_ts...).
    """
    body = copy.deepcopy(fixture(name))
    body["event_id"] = event_id
    body["event"].update(channel=channel, ts=ts, event_ts=ts, user=user, **event)
    return body


def mention(text: str, *, event_id: str, channel: str, ts: str, **extra: Any) -> dict[str, Any]:
    """An ``app_mention`` envelope (``events_app_mention.json``).

    Args:
        text: what follows the mention.
        event_id: envelope event id.
        channel: channel id.
        ts: message ts.
        **extra: user, thread_ts.
    """
    return event_body(
        "events_app_mention.json",
        event_id=event_id,
        channel=channel,
        ts=ts,
        text=f"<@W111> {text}",
        **extra,
    )


def thread_reply(
    text: str, *, event_id: str, channel: str, ts: str, thread_ts: str, **extra: Any
) -> dict[str, Any]:
    """A channel thread reply (``events_message_thread_reply_channel.json``).

    Args:
        text: the message.
        event_id: envelope event id.
        channel: channel id.
        ts: message ts.
        thread_ts: the thread.
        **extra: user.
    """
    return event_body(
        "events_message_thread_reply_channel.json",
        event_id=event_id,
        channel=channel,
        ts=ts,
        text=text,
        thread_ts=thread_ts,
        parent_user_id="U222",
        **extra,
    )


def _click(
    name: str, action_id: str, approval_id: str, *, user: str, channel: str
) -> dict[str, Any]:
    body = copy.deepcopy(fixture(name))
    body["user"]["id"] = user
    body["channel"]["id"] = channel
    body["container"]["channel_id"] = channel
    body["actions"][0].update(
        action_id=action_id, value=approval_id, block_id=f"approval:{approval_id}"
    )
    return body


def button_click(
    action_id: str, approval_id: str, *, user: str, channel: str, team: str = TEAM_ID
) -> dict[str, Any]:
    """A ``block_actions`` payload (``interactive_block_actions_button_with_message.json``).

    Args:
        action_id: approve or reject action id.
        approval_id: the button value.
        user: who clicked.
        channel: where.
        team: the clicker's workspace (the mention fixtures' team by default).
    """
    name = "interactive_block_actions_button_with_message.json"
    body = _click(name, action_id, approval_id, user=user, channel=channel)
    body["team"]["id"] = team
    return body


def org_wide_click(
    action_id: str, approval_id: str, *, user: str, channel: str, enterprise: str = "E111"
) -> dict[str, Any]:
    """A click from an org-wide install (``interactive_block_actions_org_wide_install.json``):
    ``team`` is null, the workspace is the enterprise.

    Args:
        action_id: approve or reject action id.
        approval_id: the button value.
        user: who clicked.
        channel: where.
        enterprise: the enterprise id.
    """
    name = "interactive_block_actions_org_wide_install.json"
    body = _click(name, action_id, approval_id, user=user, channel=channel)
    body["enterprise"]["id"] = enterprise
    return body


def as_org_wide(body: dict[str, Any], enterprise: str = "E111") -> dict[str, Any]:
    """An event envelope as an org-wide install sends it (``authorizations`` of
    ``events_message_org_wide_install.json``: no team, the enterprise, ``is_enterprise_install``).

    Args:
        body: an event envelope.
        enterprise: the enterprise id.
    """
    authorizations = copy.deepcopy(
        fixture("events_message_org_wide_install.json")["authorizations"]
    )
    for authorization in authorizations:
        authorization["enterprise_id"] = enterprise
    return {**body, "enterprise_id": enterprise, "authorizations": authorizations}


def choice_click(posted: Call, index: int, *, user: str, team: str = TEAM_ID) -> dict[str, Any]:
    """A click on the ``index``-th button of a message the app posted, as Slack builds it from
    that message (``interactive_block_actions_button_with_message.json``).

    Args:
        posted: the recorded ``chat.postMessage`` call (with Slack's answer).
        index: which button, counted over the message's actions blocks.
        user: who clicked.
        team: the clicker's workspace.
    """
    body = copy.deepcopy(fixture("interactive_block_actions_button_with_message.json"))
    message = posted.response["message"]
    block_id, button = [
        (block.get("block_id"), element)
        for block in message["blocks"]
        if block["type"] == "actions"
        for element in block["elements"]
    ][index]
    body["user"]["id"], body["team"]["id"] = user, team
    body["channel"]["id"] = body["container"]["channel_id"] = posted.response["channel"]
    body["container"]["message_ts"] = message["ts"]
    body["message"] = message
    body["actions"] = [{**button, "block_id": block_id, "action_ts": f"{message['ts']}{index}"}]
    return body


def view_submission(
    callback_id: str, metadata: str, values: dict[str, Any], *, user: str
) -> dict[str, Any]:
    """A ``view_submission`` payload (``interactive_view_submission.json``).

    Args:
        callback_id: the view's callback id.
        metadata: its private metadata.
        values: state values.
        user: who submitted.
    """
    body = copy.deepcopy(fixture("interactive_view_submission.json"))
    body["user"]["id"] = user
    body["view"].update(callback_id=callback_id, private_metadata=metadata)
    body["view"]["state"]["values"] = values
    return body


def slash_command(text: str, *, user: str, channel: str) -> dict[str, str]:
    """A slash command form (``slash_command_hello_world.txt``) for ``/cloudfabric``.

    Args:
        text: what was typed after the command.
        user: who typed it.
        channel: where.
    """
    raw = (SHARED / "fixtures" / "slack" / "slash_command_hello_world.txt").read_text()
    form = dict(parse_qsl(raw))
    form.update(command="/cloudfabric", text=text, user_id=user, channel_id=channel)
    return form


@dataclass
class Stack:
    """A Slack-facing CloudFabric over the sandbox, its HTTP app, and the fake Slack."""

    runtime: SlackRuntime
    http: TestClient
    slack: FakeSlack

    def post_event(self, body: dict[str, Any], **headers: str) -> Any:
        """POST a signed Events API body."""
        raw = json.dumps(body).encode()
        return self.post_raw(raw, "application/json", **headers)

    def post_interaction(self, payload: dict[str, Any]) -> Any:
        """POST a signed interactivity payload (form field ``payload``)."""
        raw = urlencode({"payload": json.dumps(payload)}).encode()
        return self.post_raw(raw, "application/x-www-form-urlencoded")

    def post_command(self, form: dict[str, str]) -> Any:
        """POST a signed slash command form."""
        return self.post_raw(urlencode(form).encode(), "application/x-www-form-urlencoded")

    def post_raw(self, raw: bytes, content_type: str, **headers: str) -> Any:
        """POST a signed raw body with extra headers."""
        signed = {**sign(raw), "Content-Type": content_type, **headers}
        return self.http.post("/slack/events", content=raw, headers=signed)


def slack_settings(data_dir: Path, slack: FakeSlack, **overrides: Any) -> Settings:
    """Settings for a Slack stack on the sandbox, pointed at the fake Slack.

    Args:
        data_dir: temp folder.
        slack: the fake server.
        **overrides: other settings.
    """
    values: dict[str, Any] = {
        "data_dir": data_dir,
        "aws_mode": "sandbox",
        "model_provider": "offline",
        "slack_bot_token": BOT_TOKEN,
        "slack_signing_secret": SIGNING_SECRET,
        "slack_api_url": slack.api_url,
    }
    return Settings(_env_file=None, **{**values, **overrides})  # type: ignore[call-arg]


@contextmanager
def serving(runtime: SlackRuntime) -> Iterator[str]:
    """The runtime's HTTP app on a real uvicorn server on a free port; yields its base URL.

    Args:
        runtime: the Slack runtime (closed afterwards).
    """
    server = http_server(runtime, "127.0.0.1", 0)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        eventually(lambda: server.started)
        yield f"http://127.0.0.1:{server.servers[0].sockets[0].getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        runtime.close()


def running_stack(settings: Settings, aws: AwsClients, slack: FakeSlack) -> Iterator[Stack]:
    """Build the runtime and HTTP app; close them afterwards.

    Args:
        settings: see ``slack_settings``.
        aws: sandbox clients.
        slack: the fake server.
    """
    runtime = build_runtime(settings, aws=aws)
    with TestClient(create_http_app(runtime)) as http:
        eventually(lambda: runtime.surface.identity.known)
        yield Stack(runtime, http, slack)
    runtime.close()


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    """A fake Slack Web API on 127.0.0.1, port 0."""
    server = FakeSlack().start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def sandbox_aws(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AwsClients]:
    """The seeded sandbox estate, shared by one test module (seeding takes seconds)."""
    box = Sandbox()
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        data_dir=tmp_path_factory.mktemp("sandbox"),
        aws_mode="sandbox",
    )
    yield box.start(settings)
    box.stop()


@pytest.fixture
def stack(tmp_path: Path, sandbox_aws: AwsClients, slack: FakeSlack) -> Iterator[Stack]:
    """A Slack stack with in-process de-duplication."""
    yield from running_stack(slack_settings(tmp_path / "cf", slack), sandbox_aws, slack)
