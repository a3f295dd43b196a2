"""Event listeners: mentions and messages start or continue a conversation in a thread."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from slack_bolt import BoltContext

from bot.slack.transport import Thread, workspace_of

if TYPE_CHECKING:
    from bot.slack.surface import SlackSurface

log = logging.getLogger(__name__)
ANSWERED_SUBTYPES = (None, "file_share", "thread_broadcast")


def is_human_message(event: dict[str, Any], context: BoltContext) -> bool:
    """True for a person's new message (not a bot, not an edit or delete).

    Args:
        event: the message event.
        context: bolt context (knows the bot's own user id).
    """
    if event.get("subtype") not in ANSWERED_SUBTYPES:
        return False
    if event.get("bot_id") or event.get("bot_profile") or not _is_id(event.get("user")):
        return False
    return event.get("user") != context.bot_user_id


def thread_of(context: BoltContext, event: dict[str, Any]) -> Thread | None:
    """The thread an event belongs to (a top-level message starts its own).

    Args:
        context: the request's bolt context (knows the workspace).
        event: the event.

    Returns:
        None when the event names no channel or message ts: there is nowhere to answer.
    """
    channel, ts, root = event.get("channel"), event.get("ts"), event.get("thread_ts")
    if not (_is_id(channel) and _is_id(ts)):
        log.warning("ignored a %s event without a channel or ts", event.get("type"))
        return None
    team = workspace_of(context) or str(event.get("team") or "-")
    return Thread(team, str(channel), str(root if _is_id(root) else ts))


def register(surface: SlackSurface) -> None:
    """Register the event listeners on the surface's bolt app.

    Args:
        surface: the Slack surface.
    """

    def on_mention(_: dict[str, Any], event: dict[str, Any], context: BoltContext) -> None:
        thread = thread_of(context, event) if is_human_message(event, context) else None
        if thread is not None:
            surface.answer(thread, event["user"], _text(event), event["ts"])

    def on_message(_: dict[str, Any], event: dict[str, Any], context: BoltContext) -> None:
        thread = thread_of(context, event) if is_human_message(event, context) else None
        if thread is None:
            return
        if event.get("channel_type") == "im":
            surface.answer(thread, event["user"], _text(event), event["ts"])
            return
        mentioned = f"<@{context.bot_user_id}>" in _text(event)
        if event.get("thread_ts") and not mentioned and surface.is_conversation(thread):
            surface.answer(thread, event["user"], _text(event), event["ts"])

    surface.bolt.event("app_mention")(surface.handoff(on_mention, is_human_message))
    surface.bolt.event("message")(surface.handoff(on_message, is_human_message))


def _is_id(value: object) -> bool:
    return isinstance(value, str) and bool(value)


def _text(event: dict[str, Any]) -> str:
    text = event.get("text")
    return text if isinstance(text, str) else ""
