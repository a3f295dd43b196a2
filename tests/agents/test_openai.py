"""An OpenAI-compatible server drives the same conversation (a local Chat Completions server)."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest
from pydantic import SecretStr

from bot.app import CloudFabric, create_app
from core.settings import Settings
from tests.estate import state_of
from tests.fakes.openai_server import MODEL, FakeOpenAI, answer, tool_calls

CONVO = "console:local:openai"


@pytest.fixture
def server() -> Iterator[FakeOpenAI]:
    fake = FakeOpenAI().start()
    yield fake
    fake.stop()


def _app(settings: Settings, base_url: str) -> CloudFabric:
    options = {
        "model_provider": "openai",
        "openai_base_url": base_url,
        "openai_model": MODEL,
        "openai_api_key": SecretStr("sk-local-test"),
        "openai_max_retries": 0,
        "openai_timeout_seconds": 10.0,
    }
    return create_app(Settings.model_validate({**settings.model_dump(), **options}))


@pytest.fixture
def openai_app(settings: Settings, server: FakeOpenAI) -> Iterator[CloudFabric]:
    built = _app(settings, server.base_url)
    yield built
    built.close()


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_a_read_is_a_rendered_list_from_one_completion(
    openai_app: CloudFabric, server: FakeOpenAI
) -> None:
    server.reply(tool_calls(("ec2_list_instances", {"region": "us-east-1", "state": "running"})))

    reply = openai_app.conversations.handle_message(CONVO, "alice", "what runs in virginia?")

    assert "4 instances running in us-east-1" in reply.text
    assert "batch-worker" in reply.text and "web-1" in reply.text
    [request] = server.requests
    assert request["model"] == MODEL
    assert request["messages"][0]["role"] == "system"
    assert request["messages"][-1] == {"role": "user", "content": "what runs in virginia?"}
    assert len(request["tools"]) == len(openai_app.registry.all())
    assert server.headers[0]["authorization"] == "Bearer sk-local-test"


def test_a_stop_files_an_approval_card_and_the_outcome_is_told(
    openai_app: CloudFabric, server: FakeOpenAI
) -> None:
    server.reply(tool_calls(("ec2_stop_instances", {"targets": ["batch-worker"]})))
    reply = openai_app.conversations.handle_message(CONVO, "alice", "stop the batch worker")

    assert len(reply.cards) == 1
    assert "Approval needed: Stop batch-worker" in reply.text
    batch = openai_app.sandbox.estate.instance_ids["batch-worker"]
    assert state_of(openai_app.aws, batch) == "running"  # nothing runs before approval

    server.reply(answer("batch-worker is stopping."))
    decided = openai_app.conversations.decide(CONVO, "bob", True)
    assert "Approved by bob" in decided.text
    assert "batch-worker is stopping." in decided.text
    assert state_of(openai_app.aws, batch) == "stopped"
    told = server.requests[-1]["messages"][-1]
    assert told["role"] == "tool" and "approved by bob" in told["content"]


def test_a_failing_server_falls_back_to_offline_with_a_note(
    openai_app: CloudFabric, server: FakeOpenAI
) -> None:
    server.fail(500)

    first = openai_app.conversations.handle_message(CONVO, "alice", "list instances in eu-west-1")
    again = openai_app.conversations.handle_message(CONVO, "alice", "list instances in us-east-1")

    assert "the openai model is unavailable (OpenAIAPIError)" in first.text
    assert "answering with the offline router" in first.text
    assert "analytics-1" in first.text
    assert "the openai model is unavailable" in again.text and "web-1" in again.text
    assert len(server.requests) == 1  # the failed server is left alone for a while


def test_an_unreachable_server_falls_back_to_offline_with_a_note(settings: Settings) -> None:
    app = _app(settings, f"http://127.0.0.1:{_closed_port()}/v1")
    try:
        reply = app.conversations.handle_message(CONVO, "alice", "list instances in eu-west-1")
    finally:
        app.close()

    assert "the openai model is unavailable (OpenAIConnectionError)" in reply.text
    assert "analytics-1" in reply.text
