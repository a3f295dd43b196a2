"""Posting to Slack: answers into threads, approval cards as their own messages, updates in place.

A reply comes in parts (``agents.reply.Reply``): its blocks and question go into one thread
message, its files are uploaded, and every card is a message of its own, posted or updated as
it was rendered (never read or rendered again here).

Every write (post, update, reaction, upload) is an outbox entry (``bot.slack.outbox``): stored
before it is tried, sent by the delivery loop in its thread's order and its channel's pace,
retried until Slack says ok, or declared dead with the requester told by DM. A post not sent
yet is named by ``outbox-<id>`` wherever a ts is expected (an edit of it, a reply in its
thread); the name resolves to the ts once Slack gives it. Reads (``send``, ``call``) stay
direct calls, retried after ``Retry-After`` by the client.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
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
from bot.slack.outbox.service import Outbox, ref_of
from bot.slack.writes import CARD, SlackWrites
from core.settings import Settings
from tools.blocks import to_text

log = logging.getLogger(__name__)


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


class SlackTransport(SlackWrites):
    """Turns replies into outbox entries (and makes the few direct reads)."""

    def __init__(
        self,
        client: WebClient,
        cards: CardRenderer,
        approvals: ApprovalService,
        metrics: SlackMetrics,
        approval_channel: str | None = None,
        *,
        outbox: Outbox,
    ) -> None:
        """Wire the transport.

        Args:
            client: the bot's Web API client (direct reads and views).
            cards: renders the cards of requests no reply brought (expiry, retries).
            approvals: approval requests (to record where cards are).
            metrics: counts failed calls.
            approval_channel: post cards there instead of the thread, when set.
            outbox: where every write is queued.
        """
        super().__init__(outbox, approvals)
        self.client = client
        self.cards = cards
        self.metrics = metrics
        self.approval_channel = approval_channel

    # -- direct calls (reads, views) ------------------------------------------------------

    def send(self, method: str, send: Callable[..., SlackResponse], **kwargs: Any) -> Any:
        """Make one Web API call now (429 is retried by the client); on a Slack error log
        it, count it and raise ``SlackRefused``. For reads and views, not for writes.

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

    def upload(self, thread: Thread, path: Path) -> None:
        """Upload a PNG into the thread, after what was queued there before.

        Args:
            thread: where to upload.
            path: the file.
        """
        self.upload_file(thread.channel, thread.ts, path)

    # -- replies --------------------------------------------------------------------------

    def post_reply(self, thread: Thread, reply: Reply, user: str | None = None) -> None:
        """Post an answer in its thread: text and question, then files, then one message per
        approval card, in that order.

        Args:
            thread: where the conversation lives.
            reply: the answer.
            user: who asked (told by DM when the channel can never take the answer).
        """
        items = render.reply_blocks(reply.blocks, reply.choices)
        if items:
            self.post(thread.channel, items, to_text(items), thread.ts, requester=user)
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
            if self._card_place(card.request) is not None or thread is None:
                self.update_card(card)
            else:  # a fresh card offered for a voided request's plan as it is now
                self.post_card(card, thread)
        if thread is not None and reply.followup is not None:
            self.post_reply(thread, reply.followup)

    # -- approval cards -------------------------------------------------------------------

    def post_card(self, card: Card, thread: Thread, tell_requester: bool = True) -> bool:
        """Queue an approval card as its own message; where it lands is recorded on the
        request once Slack posts it.

        Args:
            card: the rendered card.
            thread: the conversation's thread.
            tell_requester: DM the requester if Slack can never take the card.

        Returns:
            True (queued); the approval sweep posts again a card whose post died.
        """
        request = card.request
        channel, thread_ts = (
            (self.approval_channel, None) if self.approval_channel else (thread.channel, thread.ts)
        )
        self._post(
            channel, card.blocks, request.summary, thread_ts,
            purpose=f"{CARD}{request.id}",
            requester=request.requester if tell_requester else None,
        )  # fmt: skip
        if self.approval_channel:
            note = render.card_elsewhere(self.approval_channel)
            self.post(thread.channel, note, to_text(note), thread.ts)
        return True

    def _card_place(self, request: ApprovalRequest) -> tuple[str, str] | None:
        """Where the card of ``request`` is: (channel, ts or ``outbox-`` name), or None when
        it was never queued or its post died."""
        if request.card_channel and request.card_ts:
            return request.card_channel, request.card_ts
        entry = self.outbox.store.for_purpose(f"{CARD}{request.id}")
        if entry is None or entry.id is None:
            return None
        return entry.channel, ref_of(entry.id)

    def update_card(self, card: Card) -> None:
        """Replace a card, posted or still queued, by ``card`` (buttons gone once decided);
        the edit is retried until Slack shows it, and a newer one replaces it if unsent.

        Args:
            card: the card as rendered for the request's current state.
        """
        place = self._card_place(card.request)
        if place is not None:
            self.update(place[0], place[1], card.blocks, card.request.summary)

    def on_final(self, request: ApprovalRequest) -> None:
        """Approval listener for outcomes no click waits for (expiry, withdrawal, the crash
        sweep): update the card in place.

        Args:
            request: the final request, as its last transition returned it.
        """
        if self._card_place(request) is not None:
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
        """Queue again the cards of pending requests whose post died (the channel refused
        it); returns how many were queued.

        Args:
            min_age: leave younger requests alone (their first post may be under way).
        """
        cutoff = self.approvals.clock.now() - min_age
        pending = self.approvals.find(ApprovalState.PENDING, limit=200)
        return sum(self.post_new_card(r) for r in pending if r.created_at <= cutoff)

    def post_new_card(self, request: ApprovalRequest) -> bool:
        """Queue the card of a request filed outside a conversation turn (a workflow run's
        step), unless it has one posted or queued already; True when queued now.

        Args:
            request: the pending request; its conversation names the thread.
        """
        thread = Thread.of(request.conversation_id or "")
        if thread is None or self._card_place(request) is not None:
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
