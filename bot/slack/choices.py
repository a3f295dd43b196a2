"""A question's buttons: choosing one says its message in the thread, as the clicker.

The button's value is the message the choice stands for; it goes through the conversation like
anything typed in the thread (the same caps and the same agent), so it carries no more trust
than typing it would. A question is answered once: the first choice wins and its buttons are
replaced by who chose what.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from slack_bolt import BoltContext

from agents.reply import MAX_CHOICES
from bot.slack import render
from bot.slack.actions import thread_of, value_of

if TYPE_CHECKING:
    from bot.slack.surface import SlackSurface


def label_of(action: dict[str, Any]) -> str:
    """The text of the clicked button ('' when it has none).

    Args:
        action: the clicked action.
    """
    text = action.get("text")
    label = text.get("text") if isinstance(text, dict) else None
    return label if isinstance(label, str) else ""


def register(surface: SlackSurface) -> None:
    """Register the listeners of question buttons (one action id per position).

    Args:
        surface: the Slack surface.
    """

    def chose(body: dict[str, Any], action: dict[str, Any], context: BoltContext) -> None:
        clicker, question = body.get("user"), body.get("message")
        user = clicker.get("id") if isinstance(clicker, dict) else None
        question = question if isinstance(question, dict) else {}
        thread, ts, message = thread_of(body, context), question.get("ts"), value_of(action)
        if not (isinstance(user, str) and user and message and thread and ts):
            return
        key = f"choice:{thread.team}:{thread.channel}:{ts}"
        shown = [b for b in question.get("blocks") or [] if isinstance(b, dict)]
        settle = (thread.channel, str(ts), shown, user, label_of(action))
        if surface.durable:  # the turn's run id is the record that the question was answered
            if surface.answer(thread, user, message, key=key):
                surface.transport.settle_question(*settle)
            return
        if surface.dedupe.first(key):
            surface.transport.settle_question(*settle)
            surface.answer(thread, user, message)

    for index in range(MAX_CHOICES):
        surface.bolt.action(render.choice_action(index))(surface.handoff(chose))
