"""The Slack app: a bolt ``App`` with thin listeners per surface, over one CloudFabric."""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from agents.reply import Reply
from bot.app import CloudFabric
from bot.slack import (
    actions,
    alert_buttons,
    choices,
    commands,
    deploy_button,
    events,
    home,
    render,
    views,
)
from bot.slack.bot_identity import BotIdentityAuthorize
from bot.slack.channels import ChannelDirectory
from bot.slack.incident_context import IncidentThreads
from bot.slack.metrics import SlackMetrics
from bot.slack.middleware import count_requests, drop_duplicates, request_kind
from bot.slack.notices import WorkflowNotices
from bot.slack.outbox.service import Outbox
from bot.slack.progress import ProgressMessage
from bot.slack.transport import SlackTransport, Thread
from core import patterns
from core.coordination import Dedupe
from tools import progress

log = logging.getLogger(__name__)
Work = Callable[[dict[str, Any], dict[str, Any], BoltContext], None]
MENTION = patterns.compile(r"<@[UWB][A-Z0-9]+(\|[^>]*)?>")


def _tokenless(client: WebClient) -> WebClient:
    """A client like ``client`` without its token: bolt then authorizes each request through
    ``BotIdentityAuthorize`` (from the identity known at start-up) instead of calling
    ``auth.test`` itself inside the first request."""
    return WebClient(
        base_url=client.base_url,
        timeout=client.timeout,
        retry_handlers=list(client.retry_handlers),
    )


def user_of(body: dict[str, Any]) -> str | None:
    """Who caused a Slack request (event author, clicker or command user).

    Args:
        body: the request body.
    """
    if isinstance(body.get("user"), dict):
        return str(body["user"].get("id")) or None
    found = body.get("user_id") or (body.get("event") or {}).get("user")
    return str(found) if found else None


class SlackSurface:
    """Everything the listeners share: the services, the Web API transport, the worker pool.

    Listeners ``ack()`` and hand their work to ``work``, a thread pool of its own, so the
    acknowledgement never waits for an agent turn. Because a listener does nothing but that,
    bolt runs it in the request's thread (``process_before_response``): no extra thread hop
    and no polling for the ack before Slack gets its 200.
    """

    def __init__(
        self,
        cloudfabric: CloudFabric,
        client: WebClient,
        dedupe: Dedupe | None = None,
        workers: int = 2,
    ) -> None:
        """Build the bolt app and register every listener.

        Args:
            cloudfabric: the services.
            client: the bot's Web API client (see ``transport.web_client``).
            dedupe: set of taken events and messages (the process's coordination when not
                given: Redis with ``CF_REDIS_URL``, else in-process).
            workers: threads running the listeners' work.
        """
        settings = cloudfabric.settings
        self.cloudfabric = cloudfabric
        self.client = client
        self.dedupe: Dedupe = dedupe or cloudfabric.coordination
        self.metrics = SlackMetrics()
        self.outbox = Outbox(cloudfabric.db, cloudfabric.clock, client, settings, self.metrics)
        self.transport = SlackTransport(
            client,
            cloudfabric.cards,
            cloudfabric.approvals,
            self.metrics,
            settings.slack_approval_channel,
            outbox=self.outbox,
        )
        self.work = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="slack-work")
        self.identity = BotIdentityAuthorize(client)
        self.bolt = App(
            signing_secret=settings.slack_signing_secret or "",
            client=_tokenless(client),
            authorize=self.identity,  # type: ignore[arg-type]  # an Authorize, as bolt accepts
            request_verification_enabled=False,  # bot.http checks signatures on the raw bytes
            process_before_response=True,
        )
        self.bolt.use(count_requests(self.metrics))
        self.bolt.use(drop_duplicates(self.dedupe, self.metrics))
        surfaces = (events, commands, actions, alert_buttons, choices, deploy_button, views, home)
        for surface in surfaces:
            surface.register(self)
        cloudfabric.conversations.publish = self.transport.publish
        cloudfabric.conversations.provider.context_of = IncidentThreads(
            cloudfabric.db, self.outbox.store
        )
        channels = ChannelDirectory(self.transport, cloudfabric.clock)
        self.notices = WorkflowNotices(self.transport, channels)
        cloudfabric.publish = self.notices.publish
        cloudfabric.show_run_line = self.notices.show_run
        cloudfabric.private = self.notices.direct
        cloudfabric.show_card = self.transport.post_new_card
        cloudfabric.approvals.subscribe(self.transport.on_final, caller_decisions=False)
        cloudfabric.approvals.on_notice(self.transport.on_notice)

    def handoff(self, work: Work) -> Callable[..., None]:
        """A bolt listener that acknowledges at once and runs ``work`` on the worker pool.

        Args:
            work: ``(body, payload, context)``; payload is the event, action, command or view.
        """

        def listener(
            ack: Ack, body: dict[str, Any], payload: dict[str, Any], context: BoltContext
        ) -> None:
            ack()
            self.work.submit(self._run, work, body, payload, context)

        return listener

    def _run(
        self, work: Work, body: dict[str, Any], payload: dict[str, Any], context: BoltContext
    ) -> None:
        try:
            work(body, payload, context)
        except Exception:
            correlation = uuid.uuid4().hex[:12]
            log.exception("slack %s failed [%s]", request_kind(body), correlation)
            user = user_of(body)
            if user:
                notice = render.crashed(correlation)
                self.transport.post(user, notice, Reply(blocks=notice).text)

    def answer(self, thread: Thread, user: str, text: str, message_ts: str | None = None) -> None:
        """Run one turn of the conversation and post the answer in the thread.

        A message is answered once even when Slack delivers it twice (``app_mention`` and
        ``message`` for the same message, or a retry).

        Args:
            thread: the conversation's thread.
            user: Slack user id who wrote.
            text: the message, mentions included.
            message_ts: ts of the user's message (gets the "working" reaction).
        """
        key = f"message:{thread.team}:{thread.channel}:{message_ts or thread.ts}"
        if message_ts and not self.dedupe.first(key):
            return
        started = time.perf_counter()
        if message_ts:
            self.transport.react(thread.channel, message_ts, add=True, thread_ts=thread.ts)
        question = MENTION.sub("", text).strip()
        with progress.reporting(ProgressMessage(self.transport, thread)):
            reply = self.cloudfabric.conversations.handle_message(
                thread.conversation, user, question
            )
        self.transport.post_reply(thread, reply, user)
        if message_ts:  # queued after the answer in its thread: removed once that is posted
            self.transport.react(thread.channel, message_ts, add=False, thread_ts=thread.ts)
        self.metrics.turns.observe(time.perf_counter() - started)

    def is_conversation(self, thread: Thread) -> bool:
        """True when CloudFabric already talks in ``thread``.

        Args:
            thread: a Slack thread.
        """
        graph = self.cloudfabric.conversations.graph
        state = graph.get_state({"configurable": {"thread_id": thread.conversation}})
        return bool(state.values.get("messages"))

    def close(self) -> None:
        """Wait for running work to finish, stop the worker pool, then the outbox's delivery
        (what is still queued stays in the store for the next start or another replica)."""
        self.work.shutdown(wait=True)
        self.outbox.stop()
