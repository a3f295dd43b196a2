"""Slack end to end: signed Events API requests in, Web API calls out, over the sandbox."""

from __future__ import annotations

import re

from agents.conversation import conversation_id
from tests.slack.harness import Stack, mention, sandbox_aws, slack, stack, thread_reply

__all__ = ["sandbox_aws", "slack", "stack"]


def _answers_in(stack: Stack, thread_ts: str, count: int = 1) -> list[str]:
    calls = stack.slack.wait_for(
        "chat.postMessage", lambda c: c.params.get("thread_ts") == thread_ts, count
    )
    return [str(c.params.get("text", "")) for c in calls]


def test_mention_is_answered_in_its_thread(stack: Stack) -> None:
    body = mention(
        "what instances are running in us-east-1?", event_id="EvA1", channel="C1", ts="100.1"
    )
    response = stack.post_event(body)

    assert response.status_code == 200
    [answer] = _answers_in(stack, "100.1")
    assert "batch-worker" in answer and "web-1" in answer
    stack.slack.wait_for("reactions.remove", lambda c: c.params.get("timestamp") == "100.1")
    added = stack.slack.calls_of("reactions.add")
    assert added and added[0].params["name"] == "hourglass_flowing_sand"
    assert all(c.token == "xoxb-test-token" for c in stack.slack.calls_of("chat.postMessage"))


def test_follow_up_in_the_thread_continues_the_conversation(stack: Stack) -> None:
    stack.post_event(
        mention(
            "what instances are running in us-east-1?", event_id="EvB1", channel="C2", ts="200.1"
        )
    )
    _answers_in(stack, "200.1")
    follow_up = thread_reply(
        "tell me about web-1", event_id="EvB2", channel="C2", ts="200.2", thread_ts="200.1"
    )
    assert stack.post_event(follow_up).status_code == 200

    answers = _answers_in(stack, "200.1", count=2)
    assert "web-1" in answers[1] and "t3.micro" in answers[1]
    graph = stack.runtime.cloudfabric.conversations.graph
    state = graph.get_state({"configurable": {"thread_id": conversation_id("T111", "C2", "200.1")}})
    humans = [m.content for m in state.values["messages"] if m.type == "human"]
    assert humans == ["what instances are running in us-east-1?", "tell me about web-1"]


def test_thread_reply_in_a_thread_the_bot_is_not_in_is_ignored(stack: Stack) -> None:
    stray = thread_reply(
        "tell me about web-1", event_id="EvC1", channel="C3", ts="300.2", thread_ts="300.1"
    )
    assert stack.post_event(stray).status_code == 200
    stack.post_event(mention("help", event_id="EvC2", channel="C3", ts="301.1"))
    _answers_in(stack, "301.1")
    assert not [
        c for c in stack.slack.calls_of("chat.postMessage") if c.params.get("thread_ts") == "300.1"
    ]


def test_a_scan_shows_its_progress_in_one_message_edited_in_place(stack: Stack) -> None:
    stack.post_event(mention("scan our aws accounts", event_id="EvP1", channel="C9", ts="900.1"))

    answers = _answers_in(stack, "900.1", count=2)
    progress, answer = answers
    assert progress.startswith(":mag: Scanning… 1/")
    assert "resource" in answer and "Scanning" not in answer
    edits = [
        c
        for c in stack.slack.calls_of("chat.update")
        if str(c.params.get("text", "")).startswith(":mag: Scanning")
    ]
    assert edits, "the progress message was never brought up to date"
    assert len({c.params["ts"] for c in edits}) == 1  # one message, edited in place
    last = str(edits[-1].params["text"])
    done = re.search(r"(\d+)/(\d+) done", last)
    assert done and done.group(1) == done.group(2), last
    posted = [c for c in stack.slack.calls_of("chat.postMessage") if "Scanning" in c.params["text"]]
    assert len(posted) == 1


def test_a_diagram_is_drawn_and_uploaded_into_the_thread(stack: Stack) -> None:
    stack.post_event(
        mention("draw a diagram of prod-vpc", event_id="EvD1", channel="C8", ts="800.1")
    )

    [done] = stack.slack.wait_for("files.completeUploadExternal", timeout=60)
    assert (done.params["channel_id"], done.params["thread_ts"]) == ("C8", "800.1")
    [picture] = stack.slack.uploads
    assert picture.startswith(b"\x89PNG\r\n\x1a\n") and len(picture) > 10_000
    [caption] = _answers_in(stack, "800.1")
    assert "Diagram of prod-vpc" in caption
