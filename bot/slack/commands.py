"""The ``/cloudfabric <message>`` slash command."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from slack_bolt import BoltContext

from agents.conversation import conversation_id
from agents.reply import Reply
from bot.slack import break_glass, render
from bot.slack.transport import Thread, workspace_of

if TYPE_CHECKING:
    from bot.slack.surface import SlackSurface

COMMAND = "/cloudfabric"


def register(surface: SlackSurface) -> None:
    """Register the slash command.

    ``help`` (or nothing) is answered ephemerally; ``break-glass <id> -- <why>`` runs a pending
    request without approval for the break-glass group (answered ephemerally; see
    ``bot.slack.break_glass``); any other message starts a thread in the channel with the
    question and answers there, so the conversation can go on.

    Args:
        surface: the Slack surface.
    """

    def run(_: dict[str, Any], command: dict[str, Any], context: BoltContext) -> None:
        text = (command.get("text") or "").strip()
        user, channel = command["user_id"], command["channel_id"]
        team = workspace_of(context) or "-"
        if text.lower() in render.HELP_WORDS:
            private = conversation_id(team, user, "help")
            reply = surface.cloudfabric.conversations.handle_message(private, user, "help")
            surface.transport.ephemeral(channel, user, Reply(blocks=reply.blocks))
            return
        if break_glass.is_break_glass(text):
            reply = break_glass.answer(surface.cloudfabric, text, user, team)
            surface.transport.ephemeral(channel, user, reply)
            return
        question = render.slash_question(user, text)
        text_of = Reply(blocks=question).text
        ts = surface.transport.post_now(channel, question, text_of, requester=user)
        if ts is None:  # never posted: the outbox tells the user by DM why
            return
        surface.answer(Thread(team, channel, ts), user, text)

    surface.bolt.command(COMMAND)(surface.handoff(run))
