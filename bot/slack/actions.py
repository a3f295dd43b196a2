"""Approve / Reject buttons: the button value is the approval id, nothing else is trusted.

A click must name its approval (an empty or malformed value is refused) and is honoured only
from the request's workspace, on its card or in the approver's App Home.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from slack_bolt import BoltContext

from agents.reply import Reply
from approvals.binding import Origin, check_origin
from approvals.errors import ApprovalRefused
from approvals.models import ApprovalRequest, ApprovalState
from approvals.render import APPROVE_ACTION, REJECT_ACTION
from bot.slack import render
from bot.slack.progress import ProgressMessage
from bot.slack.transport import Thread, workspace_of
from tools import progress

if TYPE_CHECKING:
    from bot.slack.surface import SlackSurface


log = logging.getLogger(__name__)


def _object(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def clicked_in(body: dict[str, Any]) -> str | None:
    """The channel the click happened in (None in App Home).

    Args:
        body: the block_actions payload.
    """
    channel = _object(body.get("channel")).get("id") or _object(body.get("container")).get(
        "channel_id"
    )
    return str(channel) if channel else None


def origin_of(body: dict[str, Any], context: BoltContext) -> Origin:
    """Where a click was made: its workspace, and the card's channel (None in App Home).

    Args:
        body: the block_actions payload.
        context: its bolt context.
    """
    return Origin(workspace_of(context) or "", clicked_in(body))


def value_of(action: dict[str, Any]) -> str:
    """The approval id a button carries (``''`` when it carries none, or not as text).

    Args:
        action: the clicked action.
    """
    value = action.get("value")
    return value if isinstance(value, str) else ""


def thread_of(body: dict[str, Any], context: BoltContext) -> Thread | None:
    """The thread the clicked message is in.

    Args:
        body: the block_actions payload.
        context: its bolt context (the workspace, an org-wide install's enterprise included).
    """
    message = _object(body.get("message"))
    team = workspace_of(context)
    channel = clicked_in(body)
    ts = (
        message.get("thread_ts")
        or message.get("ts")
        or _object(body.get("container")).get("message_ts")
    )
    if not (team and channel and ts):
        return None
    return Thread(str(team), str(channel), str(ts))


def deliver_decision(surface: SlackSurface, reply: Reply, user: str, channel: str | None) -> None:
    """Show a decision: a refusal to the clicker only, else the card updated in place and the
    agent's follow-up in the thread that asked.

    Args:
        surface: the Slack surface.
        reply: what ``ConversationService.decide`` returned.
        user: who clicked.
        channel: where they clicked.
    """
    if reply.ephemeral:
        surface.transport.ephemeral(channel, user, reply)
    else:
        surface.transport.post_decision(reply)


def approve_showing_progress(
    surface: SlackSurface, user: str, approval_id: str, origin: Origin
) -> Reply:
    """Approve, showing the execution's progress in the thread of the conversation that asked
    (learnt from the approved request itself, so nothing is read for it).

    Args:
        surface: the Slack surface.
        user: who clicked.
        approval_id: the request the button names.
        origin: where the click was made.
    """
    shown = ProgressMessage(surface.transport)

    def follow(request: ApprovalRequest) -> None:
        shown.follow(Thread.of(request.conversation_id or ""))

    with progress.reporting(shown):
        return surface.cloudfabric.conversations.decide(
            "", user, True, approval_id, origin=origin, on_approved=follow
        )


def register(surface: SlackSurface) -> None:
    """Register the button listeners.

    Args:
        surface: the Slack surface.
    """
    conversations = surface.cloudfabric.conversations

    def decide(body: dict[str, Any], approval_id: str, origin: Origin, approve: bool) -> None:
        user = str(_object(body.get("user")).get("id") or "")
        if not user:
            return
        if approve:
            reply = approve_showing_progress(surface, user, approval_id, origin)
        else:
            reply = conversations.decide("", user, False, approval_id, origin=origin)
        deliver_decision(surface, reply, user, origin.channel)
        refresh_home_if_there(surface, body, user, origin.workspace)

    def approve(body: dict[str, Any], action: dict[str, Any], context: BoltContext) -> None:
        decide(body, value_of(action), origin_of(body, context), approve=True)

    def reject(body: dict[str, Any], action: dict[str, Any], context: BoltContext) -> None:
        approval_id, origin = value_of(action), origin_of(body, context)
        try:
            request = surface.cloudfabric.approvals.get(approval_id)
            check_origin(request, origin)
        except ApprovalRefused:
            request = None
        if request is None or request.lifecycle is not ApprovalState.PENDING:
            decide(body, approval_id, origin, approve=False)  # refused, with its reason
            return
        user, trigger = str(_object(body.get("user")).get("id")), body.get("trigger_id")
        if not isinstance(trigger, str) or not trigger:
            log.warning("reject click on %s without a trigger id: no modal to open", approval_id)
            return
        metadata = {"channel": origin.channel or "", "user": user}
        view = render.reject_modal(approval_id, request.summary, metadata)
        surface.transport.call(
            "views.open", surface.client.views_open, trigger_id=trigger, view=view
        )

    surface.bolt.action(APPROVE_ACTION)(surface.handoff(approve))
    surface.bolt.action(REJECT_ACTION)(surface.handoff(reject))


def refresh_home_if_there(
    surface: SlackSurface, body: dict[str, Any], user: str, workspace: str
) -> None:
    """Re-publish App Home after a click made there.

    Args:
        surface: the Slack surface.
        body: the block_actions payload.
        user: who clicked.
        workspace: where (App Home lists only that workspace's requests).
    """
    in_view = _object(body.get("container")).get("type") == "view"
    if in_view or _object(body.get("view")).get("type") == "home":
        from bot.slack.home import publish_home

        publish_home(surface, user, workspace)
