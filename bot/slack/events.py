"""Event listeners: mentions and messages start or continue a conversation in a thread."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from slack_bolt import BoltContext

from bot.slack.transport import Thread

if TYPE_CHECKING:
    from bot.slack.surface import SlackSurface

ANSWERED_SUBTYPES = (None, "file_share", "thread_broadcast")


def is_human_message(event: dict[str, Any], context: BoltContext) -> bool:
    """True for a person's new message (not a bot, not an edit or delete).

    Args:
        event: the message event.
        context: bolt context (knows the bot's own user id).
    """
    if event.get("subtype") not in ANSWERED_SUBTYPES:
        return False
    if event.get("bot_id") or event.get("bot_profile") or not event.get("user"):
        return False
    return event.get("user") != context.bot_user_id


def thread_of(body: dict[str, Any], event: dict[str, Any]) -> Thread:
    """The thread an event belongs to (a top-level message starts its own).

    Args:
        body: the event envelope.
        event: the event.
    """
    team = str(body.get("team_id") or event.get("team") or "-")
    return Thread(team, str(event["channel"]), str(event.get("thread_ts") or event["ts"]))


def register(surface: SlackSurface) -> None:
    """Register the event listeners on the surface's bolt app.

    Args:
        surface: the Slack surface.
    """

    def on_mention(body: dict[str, Any], event: dict[str, Any], context: BoltContext) -> None:
        if is_human_message(event, context):
            thread = thread_of(body, event)
            surface.answer(thread, event["user"], event.get("text", ""), event["ts"])

    def on_message(body: dict[str, Any], event: dict[str, Any], context: BoltContext) -> None:
        if not is_human_message(event, context):
            return
        thread = thread_of(body, event)
        if event.get("channel_type") == "im":
            surface.answer(thread, event["user"], event.get("text", ""), event["ts"])
            return
        mentioned = f"<@{context.bot_user_id}>" in event.get("text", "")
        if event.get("thread_ts") and not mentioned and surface.is_conversation(thread):
            surface.answer(thread, event["user"], event.get("text", ""), event["ts"])

    surface.bolt.event("app_mention")(surface.handoff(on_mention))
    surface.bolt.event("message")(surface.handoff(on_message))
