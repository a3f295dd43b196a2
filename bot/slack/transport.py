"""Posting to Slack: answers into threads, approval cards as their own messages, updates in place.

A reply comes in parts (``agents.reply.Reply``): its blocks and question go into one thread
message, its files are uploaded, and every card is a message of its own, posted or updated as
it was rendered (never read or rendered again here).

Every Web API failure is logged with Slack's error code and counted; ``ratelimited`` (HTTP 429)
is retried after ``Retry-After`` by the client's retry handler before it gets here.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from slack_bolt import BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler
from slack_sdk.models.blocks import Block
from slack_sdk.web import SlackResponse

from agents.conversation import conversation_id
from agents.reply import Reply
from approvals.escalation import ApprovalNotice
from approvals.models import ApprovalRequest, ApprovalState
from approvals.render import Card, CardRenderer
from approvals.service import ApprovalService
from bot.slack import render
from bot.slack.metrics import SlackMetrics
from core.settings import Settings
from tools.blocks import to_text

log = logging.getLogger(__name__)
UNDELIVERABLE = ("channel_not_found", "not_in_channel", "is_archived", "channel_is_archived")


def web_client(settings: Settings) -> WebClient:
    """The bot's Web API client: ``slack_api_url``, retries after ``Retry-After`` on 429.

    Args:
        settings: runtime settings (``slack_bot_token``, ``slack_api_url``).
    """
    client = WebClient(token=settings.slack_bot_token, base_url=settings.slack_api_url)
    client.retry_handlers.append(RateLimitErrorRetryHandler(max_retry_count=3))
    return client


def workspace_of(context: BoltContext) -> str | None:
    """The workspace a request comes from: the enterprise of an org-wide install, else the team.

    Org-wide installs send clicks with ``team: null``; bolt's context reads the enterprise and
    the install kind from every payload shape (events, interactions, commands).

    Args:
        context: the request's bolt context.
    """
    if context.is_enterprise_install and context.enterprise_id:
        return str(context.enterprise_id)
    return str(context.team_id) if context.team_id else None


class SlackRefused(Exception):
    """Slack answered a Web API call with an error.

    Args:
        method: the Web API method.
        error: Slack's error code (``not_in_channel``, ``channel_not_found``...).
    """

    def __init__(self, method: str, error: str) -> None:
        """Remember the method and Slack's error code."""
        super().__init__(f"{method}: {error}")
        self.method, self.error = method, error


@dataclass(frozen=True)
class Thread:
    """A Slack thread: the place a conversation lives.

    Attributes:
        team: the workspace (see ``workspace_of``).
        channel: channel id.
        ts: ts of the thread's first message.
    """

    team: str
    channel: str
    ts: str

    @property
    def conversation(self) -> str:
        """The conversation id of this thread."""
        return conversation_id(self.team, self.channel, self.ts)

    @classmethod
    def of(cls, conversation: str) -> Thread | None:
        """The thread of a conversation id, or None when it is not a Slack thread.

        Args:
            conversation: ``team:channel:thread_ts``.
        """
        parts = conversation.split(":")
        if len(parts) != 3 or parts[0] == "console" or not all(parts):
            return None
        return cls(*parts)


class SlackTransport:
    """Turns replies into Web API calls."""

    def __init__(
        self,
        client: WebClient,
        cards: CardRenderer,
        approvals: ApprovalService,
        metrics: SlackMetrics,
        approval_channel: str | None = None,
    ) -> None:
        """Wire the transport.

        Args:
            client: the bot's Web API client.
            cards: renders the cards of requests no reply brought (expiry, retries).
            approvals: approval requests (to record where cards are).
            metrics: counts failed calls.
            approval_channel: post cards there instead of the thread, when set.
        """
        self.client = client
        self.cards = cards
        self.approvals = approvals
        self.metrics = metrics
        self.approval_channel = approval_channel

    # -- calls ----------------------------------------------------------------------------

    def send(self, method: str, send: Callable[..., SlackResponse], **kwargs: Any) -> Any:
        """Make one Web API call (429 is retried by the client); on a Slack error log it,
        count it and raise ``SlackRefused``.

        Args:
            method: Web API method name, for logs and metrics.
            send: the bound client method.
            **kwargs: its arguments.

        Raises:
            SlackRefused: Slack answered with an error (its code is ``error``).
        """
        try:
            return send(**kwargs)
        except SlackApiError as failure:
            error = str(failure.response.get("error", "unknown_error"))
            channel = kwargs.get("channel", "-")
            log.warning("slack %s failed in channel %s: %s", method, channel, error)
            self.metrics.api_errors.labels(method, error).inc()
            raise SlackRefused(method, error) from None

    def call(self, method: str, send: Callable[..., SlackResponse], **kwargs: Any) -> Any:
        """Make one Web API call like ``send``, but return None when Slack refuses.

        Args:
            method: Web API method name, for logs and metrics.
            send: the bound client method.
            **kwargs: its arguments.
        """
        try:
            return self.send(method, send, **kwargs)
        except SlackRefused:
            return None

    def post(
        self, channel: str, items: list[Block], text: str, thread_ts: str | None = None
    ) -> str | None:
        """Post a message; returns its ts, or None when Slack refused.

        Args:
            channel: channel id.
            items: Block Kit blocks.
            text: notification fallback text.
            thread_ts: the thread to post in.
        """
        response = self.call(
            "chat.postMessage",
            self.client.chat_postMessage,
            channel=channel,
            blocks=items,
            text=text[:3000],
            thread_ts=thread_ts,
        )
        return str(response["ts"]) if response else None

    def ephemeral(self, channel: str | None, user: str, reply: Reply) -> None:
        """Show ``reply`` to ``user`` only (a DM when there is no channel).

        Args:
            channel: where the user acted, if anywhere.
            user: Slack user id.
            reply: what to show.
        """
        if channel:
            sent = self.call(
                "chat.postEphemeral",
                self.client.chat_postEphemeral,
                channel=channel,
                user=user,
                blocks=reply.blocks,
                text=reply.text[:3000],
            )
            if sent:
                return
        self.post(user, reply.blocks, reply.text)

    def react(self, channel: str, ts: str, add: bool) -> None:
        """Add or remove the "working" reaction on a message.

        Args:
            channel: channel id.
            ts: message ts.
            add: True to add, False to remove.
        """
        send = self.client.reactions_add if add else self.client.reactions_remove
        name = "reactions.add" if add else "reactions.remove"
        self.call(name, send, channel=channel, timestamp=ts, name=render.WORKING_REACTION)

    # -- replies --------------------------------------------------------------------------

    def post_reply(self, thread: Thread, reply: Reply, user: str | None = None) -> None:
        """Post an answer in its thread: text and question, then files, then one message per
        approval card.

        Args:
            thread: where the conversation lives.
            reply: the answer.
            user: who asked (told by DM when the channel refuses the answer).
        """
        items = render.reply_blocks(reply.blocks, reply.choices)
        if items and not self._post_or_tell(thread, items, user):
            return
        for path in reply.files:
            self.upload(thread, path)
        for card in reply.cards:
            self.post_card(card, thread)

    def post_decision(self, reply: Reply) -> None:
        """Show a decision: its card updated in place, then the follow-up in the thread of the
        conversation that asked for the request.

        Args:
            reply: what ``ConversationService.decide`` returned (not a refusal).
        """
        threads = (Thread.of(card.request.conversation_id or "") for card in reply.cards)
        thread = next((t for t in threads if t is not None), None)
        for card in reply.cards:
            if card.request.card_ts or thread is None:
                self.update_card(card)
            else:  # a fresh card offered for a voided request's plan as it is now
                self.post_card(card, thread)
        if thread is not None and reply.followup is not None:
            self.post_reply(thread, reply.followup)

    def _post_or_tell(self, thread: Thread, items: list[Block], user: str | None) -> bool:
        try:
            response = self.client.chat_postMessage(
                channel=thread.channel,
                blocks=items,
                text=to_text(items)[:3000],
                thread_ts=thread.ts,
            )
            return bool(response.get("ok"))
        except SlackApiError as failure:
            error = str(failure.response.get("error", "unknown_error"))
            log.warning("slack chat.postMessage failed in channel %s: %s", thread.channel, error)
            self.metrics.api_errors.labels("chat.postMessage", error).inc()
            if user and error in UNDELIVERABLE:
                notice = render.undeliverable(thread.channel, error)
                self.post(user, notice, to_text(notice))
            return False

    def upload(self, thread: Thread, path: Path) -> None:
        """Upload a PNG into the thread.

        Args:
            thread: where to upload.
            path: the file.
        """
        self.call(
            "files.uploadV2",
            self.client.files_upload_v2,
            channel=thread.channel,
            thread_ts=thread.ts,
            file=str(path),
            title=path.name,
        )

    # -- approval cards -------------------------------------------------------------------

    def post_card(self, card: Card, thread: Thread, tell_requester: bool = True) -> bool:
        """Post an approval card as its own message and remember where it is.

        Args:
            card: the rendered card.
            thread: the conversation's thread.
            tell_requester: DM the requester when Slack refuses the card.

        Returns:
            True when Slack took the card; otherwise it stays unposted and is retried.
        """
        request = card.request
        channel, thread_ts = (
            (self.approval_channel, None) if self.approval_channel else (thread.channel, thread.ts)
        )
        try:
            response = self.client.chat_postMessage(
                channel=channel, blocks=card.blocks, text=request.summary, thread_ts=thread_ts
            )
        except SlackApiError as failure:
            error = str(failure.response.get("error", "unknown_error"))
            log.warning("approval card %s not posted in %s: %s", request.id, channel, error)
            self.metrics.api_errors.labels("chat.postMessage", error).inc()
            if tell_requester:
                notice = render.card_not_posted(channel, error, request.id)
                self.post(request.requester, notice, to_text(notice))
            return False
        self.approvals.record_card(request.id, channel, str(response["ts"]))
        if self.approval_channel:
            note = render.card_elsewhere(self.approval_channel)
            self.post(thread.channel, note, to_text(note), thread.ts)
        return True

    def update(
        self, channel: str, ts: str, items: Sequence[Block | dict[str, Any]], text: str
    ) -> bool:
        """Edit a posted message in place; False when Slack refused.

        Args:
            channel: channel id.
            ts: the message's ts.
            items: its new Block Kit blocks (objects, or dicts as Slack sent them).
            text: new notification fallback text.
        """
        response = self.call(
            "chat.update", self.client.chat_update, channel=channel, ts=ts, blocks=items,
            text=text[:3000],
        )  # fmt: skip
        return response is not None

    def update_card(self, card: Card) -> None:
        """Replace a posted card by ``card`` (buttons gone once decided).

        Args:
            card: the card as rendered for the request's current state.
        """
        request = card.request
        if request.card_channel and request.card_ts:
            self.update(request.card_channel, request.card_ts, card.blocks, request.summary)

    def on_final(self, request: ApprovalRequest) -> None:
        """Approval listener for outcomes no click waits for (expiry, withdrawal, the crash
        sweep): update the card in place.

        Args:
            request: the final request, as its last transition returned it.
        """
        if request.card_channel and request.card_ts:
            self.update_card(self.cards(request))
        thread = Thread.of(request.conversation_id or "")
        if request.replaced_by and thread is not None:
            self.post_card(self.cards(self.approvals.get(request.replaced_by)), thread)

    def on_notice(self, notice: ApprovalNotice) -> None:
        """Approval notice listener: an escalation or expiry mention in the request's thread
        (the thread of its card when the card is posted in another channel).

        Args:
            notice: what to say, once across replicas.
        """
        place = notice_thread(notice.request)
        if place is None:
            log.info("approval notice for %s has no thread: %s", notice.request.id, notice.kind)
            return
        items = self.cards.notice(notice)
        self.post(place[0], items, to_text(items), place[1])

    def settle_question(
        self, channel: str, ts: str, shown: list[dict[str, Any]], user: str, label: str
    ) -> None:
        """Replace a question's buttons, once answered, by who chose what.

        Args:
            channel: channel of the question's message.
            ts: its ts.
            shown: its blocks as Slack sent them with the click.
            user: who chose.
            label: what they chose.
        """
        kept = [block for block in shown if block.get("block_id") != render.CHOICES_BLOCK]
        items: list[Block | dict[str, Any]] = [*kept, render.chosen(user, label)]
        self.update(channel, ts, items, to_text(Block.parse_all(items)))

    def retry_unposted_cards(self, min_age: timedelta = timedelta(seconds=30)) -> int:
        """Post pending cards that Slack refused earlier; returns how many got through.

        Args:
            min_age: leave younger requests alone (their first post may be under way).
        """
        cutoff = self.approvals.clock.now() - min_age
        pending = self.approvals.find(ApprovalState.PENDING, limit=200)
        return sum(self.post_new_card(r) for r in pending if r.created_at <= cutoff)

    def post_new_card(self, request: ApprovalRequest) -> bool:
        """Post the card of a request filed outside a conversation turn (a workflow run's
        step), unless it has one already; True when Slack took it now.

        Args:
            request: the pending request; its conversation names the thread.
        """
        thread = Thread.of(request.conversation_id or "")
        if request.card_ts or thread is None:
            return False
        return self.post_card(self.cards(request), thread, tell_requester=False)

    def publish(self, conversation: str, reply: Reply) -> None:
        """Conversation publisher: follow-ups no caller waits for go to their thread.

        Args:
            conversation: the conversation id.
            reply: the follow-up.
        """
        thread = Thread.of(conversation)
        if thread is not None:
            self.post_reply(thread, reply)


def notice_thread(request: ApprovalRequest) -> tuple[str, str] | None:
    """Where notices about ``request`` go: (channel, thread ts), or None when nowhere.

    Args:
        request: any approval request.
    """
    thread = Thread.of(request.conversation_id or "")
    card = (request.card_channel, request.card_ts)
    if thread is not None and (card[0] in (None, thread.channel) or card[1] is None):
        return thread.channel, thread.ts
    if card[0] and card[1]:
        return card[0], card[1]
    return None
