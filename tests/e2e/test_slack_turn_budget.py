"""Huge messages are declined with a sentence; a turn past its budget is fenced off.

Signed mentions go over HTTP; the slow turn is a scripted chat model that holds its answer
(a request to stop web-1) until the test lets it go, well after the budget.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatResult

from agents.notices import MESSAGE_LIMIT
from bot.http import create_http_app
from bot.slack.runtime import build_runtime
from core.aws import AwsClients
from tests.fakes.slack_server import FakeSlack
from tests.slack.harness import (
    Stack,
    eventually,
    mention,
    sandbox_aws,
    slack,
    slack_settings,
    stack,
    thread_reply,
)

__all__ = ["sandbox_aws", "slack", "stack"]
BUDGET = 0.8


def _state(aws: AwsClients, name: str) -> str:
    ec2 = aws.client("ec2", "us-east-1")
    found = ec2.describe_instances(Filters=[{"Name": "tag:Name", "Values": [name]}])
    return str(found["Reservations"][0]["Instances"][0]["State"]["Name"])


def _posted_in(stack: Stack, thread_ts: str) -> list[str]:
    return [
        json.dumps(c.params.get("blocks"))
        for c in stack.slack.calls_of("chat.postMessage")
        if c.params.get("thread_ts") == thread_ts
    ]


def test_a_message_over_slacks_limit_is_declined_with_a_sentence(stack: Stack) -> None:
    text = "stop web-1 " + "x" * MESSAGE_LIMIT
    stack.post_event(mention(text, event_id="EvL1", channel="C80", ts="8000.1"))

    [answer] = stack.slack.wait_for(
        "chat.postMessage", lambda c: c.params.get("thread_ts") == "8000.1"
    )
    assert f"I read at most {MESSAGE_LIMIT:,}" in answer.params["text"]
    assert stack.runtime.cloudfabric.approvals.find() == []


def test_a_message_of_exactly_the_limit_is_read(stack: Stack) -> None:
    text = ("what instances are running in us-east-1? " * 1_000)[:MESSAGE_LIMIT]
    stack.post_event(mention(text, event_id="EvL2", channel="C81", ts="8100.1"))

    [answer] = stack.slack.wait_for(
        "chat.postMessage", lambda c: c.params.get("thread_ts") == "8100.1"
    )
    assert "I read at most" not in answer.params["text"]


class HeldChatModel(GenericFakeChatModel):
    """Answers from its script, but only once ``release`` is set (the first answer only)."""

    release: Any
    answered: Any

    def bind_tools(self, tools: Any, **kwargs: Any) -> HeldChatModel:
        """Tools are in the script already."""
        return self

    def _generate(self, messages: list[BaseMessage], *args: Any, **kwargs: Any) -> ChatResult:
        self.release.wait(60)
        try:
            return super()._generate(messages, *args, **kwargs)
        finally:
            self.answered.set()


@pytest.fixture
def held() -> HeldChatModel:
    stop_web_1 = AIMessage(
        content="",
        tool_calls=[{"name": "ec2_stop_instances", "args": {"targets": ["web-1"]}, "id": "c1"}],
    )
    return HeldChatModel(
        messages=iter([stop_web_1, AIMessage(content="Still here.")]),
        release=threading.Event(),
        answered=threading.Event(),
    )


@pytest.fixture
def slow_stack(
    tmp_path: Path, sandbox_aws: AwsClients, slack: FakeSlack, held: HeldChatModel
) -> Iterator[Stack]:
    settings = slack_settings(tmp_path / "cf", slack, turn_budget_seconds=BUDGET)
    runtime = build_runtime(settings, aws=sandbox_aws, model=held)
    with TestClient(create_http_app(runtime)) as http:
        eventually(lambda: runtime.surface.identity.known)
        yield Stack(runtime, http, slack)
    held.release.set()
    runtime.close()


def test_a_turn_past_its_budget_is_fenced_and_nothing_it_does_later_takes_effect(
    slow_stack: Stack, sandbox_aws: AwsClients, held: HeldChatModel
) -> None:
    stack = slow_stack
    stack.post_event(mention("stop web-1", event_id="EvB1", channel="C82", ts="8200.1"))

    [notice] = stack.slack.wait_for(
        "chat.postMessage", lambda c: c.params.get("thread_ts") == "8200.1"
    )
    assert f"took longer than {BUDGET:g} seconds" in notice.params["text"]
    held.release.set()  # the model now asks to stop web-1, too late
    assert held.answered.wait(10)
    follow_up = thread_reply(
        "are you there?", event_id="EvB2", channel="C82", ts="8200.2", thread_ts="8200.1"
    )
    stack.post_event(follow_up)
    eventually(lambda: len(_posted_in(stack, "8200.1")) == 2)

    assert stack.runtime.cloudfabric.approvals.find() == []
    assert _state(sandbox_aws, "web-1") == "running"
    late = _posted_in(stack, "8200.1")[1]
    assert "Still here." in late and "Approve" not in late
    assert not stack.slack.calls_of("chat.update")
