"""A question with choices, and what people said in a conversation: shared by the Slack and
console tests of questions."""

from __future__ import annotations

from typing import Any

from agents.reply import Choice, Question, Reply
from bot.app import CloudFabric
from tools import blocks

US, EU = "what instances are running in us-east-1?", "what instances are running in eu-west-1?"


def question_reply() -> Reply:
    """A reply asking which region, with two choices that each say a question."""
    question = Question(
        prompt="Which region do you mean?",
        choices=[Choice(label="us-east-1", message=US), Choice(label="eu-west-1", message=EU)],
    )
    return Reply(blocks=[blocks.text("I can look in two regions.")], choices=question)


def humans(app: CloudFabric, conversation: str) -> list[Any]:
    """What people said in ``conversation``, in order.

    Args:
        app: the services.
        conversation: the conversation id.
    """
    state = app.conversations.graph.get_state({"configurable": {"thread_id": conversation}})
    return [m.content for m in state.values.get("messages", []) if m.type == "human"]
