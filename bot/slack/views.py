"""Modal submissions: the reason of a rejection."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from slack_bolt import BoltContext

from approvals.binding import Origin
from bot.slack import render
from bot.slack.actions import deliver_decision, refresh_home_if_there
from bot.slack.transport import workspace_of

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


def metadata_of(view: dict[str, Any]) -> dict[str, Any]:
    """The private metadata the reject modal was opened with (``{}`` when unreadable).

    Args:
        view: the submitted view.
    """
    try:
        metadata = json.loads(view.get("private_metadata") or "{}")
    except (TypeError, ValueError):
        return {}
    return metadata if isinstance(metadata, dict) else {}


def register(surface: SlackSurface) -> None:
    """Register the modal listeners.

    Args:
        surface: the Slack surface.
    """

    def reject(body: dict[str, Any], view: dict[str, Any], context: BoltContext) -> None:
        metadata = metadata_of(view)
        approval_id = str(metadata.get("approval_id") or "")
        channel = str(metadata.get("channel") or "") or None
        origin = Origin(workspace_of(context) or "", channel)
        user = body["user"]["id"]
        reply = surface.cloudfabric.conversations.decide(
            "", user, False, approval_id, reason_of(view), origin
        )
        deliver_decision(surface, reply, user, channel)
        if channel is None:
            refresh_home_if_there(surface, {"container": {"type": "view"}}, user, origin.workspace)

    surface.bolt.view(render.REJECT_VIEW)(surface.handoff(reject))
