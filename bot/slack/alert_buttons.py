"""The buttons of an incident's thread root (action ids ``alert_*``): acknowledged at once;
until their handling is built, the clicker alone is told so and nothing changes."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from slack_bolt import BoltContext

from agents.reply import Reply
from bot.slack.actions import clicked_in
from tools.alerts.render import (
    ACK_ACTION,
    INVESTIGATE_ACTION,
    RESOLVE_ACTION,
    SILENCE_ACTION,
    not_yet,
)
from tools.blocks import text

if TYPE_CHECKING:
    from bot.slack.surface import SlackSurface


def register(surface: SlackSurface) -> None:
    """Register the listener of every ``alert_`` button.

    Args:
        surface: the Slack surface.
    """

    def clicked(body: dict[str, Any], action: dict[str, Any], context: BoltContext) -> None:
        user = body.get("user") if isinstance(body.get("user"), dict) else {}
        user_id = str((user or {}).get("id") or "")
        if not user_id:
            return
        action_id = str(action.get("action_id") or "")
        reply = Reply(blocks=[text(not_yet(action_id))], ephemeral=True)
        surface.transport.ephemeral(clicked_in(body), user_id, reply)

    for action_id in (INVESTIGATE_ACTION, ACK_ACTION, SILENCE_ACTION, RESOLVE_ACTION):
        surface.bolt.action(action_id)(surface.handoff(clicked))
