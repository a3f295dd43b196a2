"""Socket Mode: the real envelopes go through the SDK's socket client and bolt's handler."""

from __future__ import annotations

import copy
import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from bot.http import create_http_app
from bot.slack.runtime import SlackRuntime, build_runtime
from core.aws import AwsClients
from tests.fakes.slack_server import FakeSlack, fixture
from tests.slack.harness import eventually, sandbox_aws, slack, slack_settings

__all__ = ["sandbox_aws", "slack"]


class Socket:
    """The bolt Socket Mode handler with its websocket replaced by a recorder of acks."""

    def __init__(self, runtime: SlackRuntime) -> None:
        self.handler = runtime.use_socket("xapp-1-test")
        self.acks: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self.handler.client.send_message = self._record

    def _record(self, message: str) -> None:
        with self._lock:
            self.acks.append(json.loads(message))

    def receive(self, envelope: dict[str, Any]) -> None:
        """A message arriving on the websocket."""
        self.handler.client.enqueue_message(json.dumps(envelope))

    def acked(self, envelope_id: str) -> dict[str, Any]:
        return eventually(
            lambda: next((a for a in self.acks if a["envelope_id"] == envelope_id), None)
        )


@pytest.fixture
def runtime(tmp_path: Path, sandbox_aws: AwsClients, slack: FakeSlack) -> Iterator[SlackRuntime]:
    settings = slack_settings(tmp_path / "cf", slack, slack_app_token="xapp-1-test")
    built = build_runtime(settings, aws=sandbox_aws)
    built.start_identity()
    built.start_delivery()
    eventually(lambda: built.surface.identity.known)
    yield built
    built.close()


def test_mention_envelope_is_acked_and_answered_in_thread(
    runtime: SlackRuntime, slack: FakeSlack
) -> None:
    socket = Socket(runtime)
    envelope = copy.deepcopy(fixture("socket_mode_envelope_events_api_app_mention_sdk.json"))
    envelope["payload"]["event"]["text"] = "<@U111> what instances are running in us-east-1?"

    socket.receive(envelope)

    assert socket.acked(envelope["envelope_id"]) == {"envelope_id": envelope["envelope_id"]}
    [answer] = slack.wait_for(
        "chat.postMessage", lambda c: c.params.get("thread_ts") == "1610241741.000200"
    )
    assert answer.params["channel"] == "C111"
    assert "batch-worker" in answer.params["text"]


def test_retried_envelope_of_a_taken_event_runs_nothing(
    runtime: SlackRuntime, slack: FakeSlack
) -> None:
    socket = Socket(runtime)
    first = copy.deepcopy(fixture("socket_mode_envelope_events_api_message_retry_bolt.json"))
    first.update(retry_attempt=0, retry_reason="", envelope_id="first-delivery")
    first["payload"]["event"]["channel_type"] = "im"
    first["payload"]["event"]["text"] = "help"
    retry = copy.deepcopy(first)
    retry.update(
        retry_attempt=1, retry_reason="timeout", envelope_id="08cfc559-d933-402e-a5c1-79e135afaae4"
    )

    socket.receive(first)
    slack.wait_for("chat.postMessage", lambda c: c.params.get("thread_ts") == "1610197986.000300")
    socket.receive(retry)

    socket.acked(retry["envelope_id"])
    assert runtime.surface.metrics.duplicates._value.get() == 1
    posts = [
        c
        for c in slack.calls_of("chat.postMessage")
        if c.params.get("thread_ts") == "1610197986.000300"
    ]
    assert len(posts) == 1


def test_slash_command_envelope_answers_help_ephemerally(
    runtime: SlackRuntime, slack: FakeSlack
) -> None:
    socket = Socket(runtime)
    envelope = copy.deepcopy(fixture("socket_mode_envelope_slash_commands_bolt.json"))
    envelope["payload"].update(command="/cloudfabric", text="help")

    socket.receive(envelope)

    socket.acked(envelope["envelope_id"])
    [shown] = slack.wait_for("chat.postEphemeral")
    assert (shown.params["user"], shown.params["channel"]) == ("U111", "C111")
    assert "what I can do" in shown.params["text"]


def test_readyz_is_503_while_the_socket_is_down(runtime: SlackRuntime) -> None:
    runtime.use_socket("xapp-1-test")
    with TestClient(create_http_app(runtime)) as http:
        response = http.get("/readyz")
    assert response.status_code == 503
    assert "Slack socket disconnected" in response.json()["problems"]
