"""Modal submissions: the reason of a rejection."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from slack_bolt import BoltContext

from bot.slack import render
from bot.slack.actions import conversation_of, deliver_decision, refresh_home_if_there

if TYPE_CHECKING:
    from bot.slack.surface import SlackSurface


def reason_of(view: dict[str, Any]) -> str | None:
    """The reason typed in the reject modal.

    Args:
        view: the submitted view.
    """
    values = (view.get("state") or {}).get("values") or {}
    typed = (values.get(render.REASON_BLOCK) or {}).get(render.REASON_ACTION) or {}
    reason = (typed.get("value") or "").strip()
    return reason or None


def register(surface: SlackSurface) -> None:
    """Register the modal listeners.

    Args:
        surface: the Slack surface.
    """

    def reject(body: dict[str, Any], view: dict[str, Any], _: BoltContext) -> None:
        origin = json.loads(view.get("private_metadata") or "{}")
        approval_id = str(origin.get("approval_id", ""))
        user = body["user"]["id"]
        conversation = conversation_of(surface, approval_id)
        reply = surface.cloudfabric.conversations.decide(
            conversation, user, False, approval_id=approval_id, reason=reason_of(view)
        )
        deliver_decision(surface, reply, approval_id, user, origin.get("channel") or None)
        if not origin.get("channel"):
            refresh_home_if_there(surface, {"container": {"type": "view"}}, user)

    surface.bolt.view(render.REJECT_VIEW)(surface.handoff(reject))
