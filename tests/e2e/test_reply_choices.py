"""A question with choices in Slack: buttons; a click continues the conversation with that
choice's message, once (the console's numbered options are in ``test_console``)."""

from __future__ import annotations

import json
from typing import Any

from bot.slack.render import CHOICE_ACTION
from bot.slack.transport import Thread
from tests.e2e.questions import EU, US, humans, question_reply
from tests.fakes.slack_server import Call
from tests.slack.harness import Stack, choice_click, sandbox_aws, slack, stack

__all__ = ["sandbox_aws", "slack", "stack"]


def _buttons(call: Call) -> list[dict[str, Any]]:
    return [e for b in call.params["blocks"] if b["type"] == "actions" for e in b["elements"]]


def test_slack_shows_choices_as_buttons_and_a_click_answers_once(stack: Stack) -> None:
    thread = Thread("T111", "C60", "6000.1")
    stack.runtime.surface.transport.post_reply(thread, question_reply())

    [posted] = stack.slack.wait_for(
        "chat.postMessage", lambda c: c.params.get("thread_ts") == "6000.1"
    )
    assert "Which region do you mean?" in json.dumps(posted.params["blocks"])
    assert [(b["text"]["text"], b["value"]) for b in _buttons(posted)] == [
        ("us-east-1", US),
        ("eu-west-1", EU),
    ]
    assert all(b["action_id"].startswith(CHOICE_ACTION) for b in _buttons(posted))

    assert stack.post_interaction(choice_click(posted, 1, user="U0ANN")).status_code == 200

    question_ts = posted.response["ts"]
    [settled] = stack.slack.wait_for("chat.update", lambda c: c.params["ts"] == question_ts)
    assert not _buttons(settled) and "<@U0ANN> chose *eu-west-1*" in json.dumps(settled.params)
    [answer] = stack.slack.wait_for(
        "chat.postMessage",
        lambda c: c.params.get("thread_ts") == "6000.1" and "analytics-1" in c.params["text"],
    )
    assert "web-1" not in answer.params["text"]
    app = stack.runtime.cloudfabric
    assert humans(app, thread.conversation) == [EU]

    stack.post_interaction(choice_click(posted, 0, user="U0BEN"))  # already answered
    stack.runtime.surface.work.shutdown(wait=True)
    assert humans(app, thread.conversation) == [EU]
    assert len(stack.slack.calls_of("chat.update")) == 1
