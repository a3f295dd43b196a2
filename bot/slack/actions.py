"""Approve / Reject buttons: the button value is the approval id, nothing else is trusted."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from slack_bolt import BoltContext

from agents.reply import Reply
from approvals.errors import ApprovalNotFound
from approvals.models import ApprovalState
from approvals.render import APPROVE_ACTION, REJECT_ACTION, render_refusal
from bot.slack import render
from bot.slack.transport import Thread

if TYPE_CHECKING:
    from bot.slack.surface import SlackSurface


def clicked_in(body: dict[str, Any]) -> str | None:
    """The channel the click happened in (None in App Home).

    Args:
        body: the block_actions payload.
    """
    channel = (body.get("channel") or {}).get("id")
    return channel or (body.get("container") or {}).get("channel_id")


def conversation_of(surface: SlackSurface, approval_id: str) -> str:
    """The conversation that asked for ``approval_id`` ('' when unknown).

    Args:
        surface: the Slack surface.
        approval_id: the request.
    """
    try:
        return surface.cloudfabric.approvals.get(approval_id).conversation_id or ""
    except ApprovalNotFound:
        return ""


def deliver_decision(
    surface: SlackSurface, reply: Reply, approval_id: str, user: str, channel: str | None
) -> None:
    """Show a decision's outcome: a refusal to the clicker only, else the agent's follow-up.

    The card itself is updated in place by the approval listener.

    Args:
        surface: the Slack surface.
        reply: what ``ConversationService.decide`` returned.
        approval_id: the request.
        user: who clicked.
        channel: where they clicked.
    """
    if reply.ephemeral:
        surface.transport.ephemeral(channel, user, reply)
        return
    request = surface.cloudfabric.approvals.get(approval_id)
    card_length = len(surface.cloudfabric.conversations.card(request))
    followup = Reply(
        blocks=reply.blocks[card_length:], approvals=reply.approvals, files=reply.files
    )
    thread = Thread.of(request.conversation_id or "")
    if thread is not None and (followup.blocks or followup.files):
        surface.transport.post_reply(thread, followup)


def register(surface: SlackSurface) -> None:
    """Register the button listeners.

    Args:
        surface: the Slack surface.
    """
    conversations = surface.cloudfabric.conversations

    def approve(body: dict[str, Any], action: dict[str, Any], _: BoltContext) -> None:
        user, approval_id = body["user"]["id"], str(action.get("value", ""))
        conversation = conversation_of(surface, approval_id)
        reply = conversations.decide(conversation, user, True, approval_id=approval_id)
        deliver_decision(surface, reply, approval_id, user, clicked_in(body))
        refresh_home_if_there(surface, body, user)

    def reject(body: dict[str, Any], action: dict[str, Any], _: BoltContext) -> None:
        user, approval_id = body["user"]["id"], str(action.get("value", ""))
        channel = clicked_in(body)
        try:
            request = surface.cloudfabric.approvals.get(approval_id)
        except ApprovalNotFound as missing:
            surface.transport.ephemeral(channel, user, Reply(blocks=render_refusal(str(missing))))
            return
        if request.lifecycle is not ApprovalState.PENDING:
            conversation = conversation_of(surface, approval_id)
            reply = conversations.decide(conversation, user, False, approval_id)
            deliver_decision(surface, reply, approval_id, user, channel)
            return
        origin = {"channel": channel or "", "user": user}
        view = render.reject_modal(approval_id, request.summary, origin)
        surface.transport.call(
            "views.open", surface.client.views_open, trigger_id=body["trigger_id"], view=view
        )

    surface.bolt.action(APPROVE_ACTION)(surface.handoff(approve))
    surface.bolt.action(REJECT_ACTION)(surface.handoff(reject))


def refresh_home_if_there(surface: SlackSurface, body: dict[str, Any], user: str) -> None:
    """Re-publish App Home after a click made there.

    Args:
        surface: the Slack surface.
        body: the block_actions payload.
        user: who clicked.
    """
    in_view = (body.get("container") or {}).get("type") == "view"
    if in_view or (body.get("view") or {}).get("type") == "home":
        from bot.slack.home import publish_home

        publish_home(surface, user)
