"""The Slack app: a bolt ``App`` with thin listeners per surface, over one CloudFabric."""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App, BoltContext, BoltRequest
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
    runs,
    views,
)
from bot.slack.bot_identity import BotIdentityAuthorize
from bot.slack.channels import ChannelDirectory
from bot.slack.incident_context import IncidentThreads
from bot.slack.intake import DurableIntake, PoolIntake, current_run
from bot.slack.metrics import SlackMetrics
from bot.slack.middleware import count_requests, log_duplicate, request_kind
from bot.slack.notices import WorkflowNotices
from bot.slack.outbox.service import Outbox
from bot.slack.progress import ProgressMessage
from bot.slack.transport import SlackTransport, Thread
from core import durable, patterns
from core.coordination import Dedupe
from tools import progress

log = logging.getLogger(__name__)
Work = Callable[[dict[str, Any], dict[str, Any], BoltContext], None]
Wanted = Callable[[dict[str, Any], BoltContext], bool]
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


def work_name(work: Work) -> str:
    """The stable name a listener's work is recorded under (``events.on_mention``).

    Args:
        work: the listener's work function.
    """
    return f"{work.__module__.rsplit('.', 1)[-1]}.{work.__name__}"


class SlackSurface:
    """Everything the listeners share: the services, the Web API transport, the intake.

    Listeners record their request and ``ack()``; the work runs elsewhere, so the
    acknowledgement never waits for an agent turn. With the durable engine launched, the
    record is a run of the engine's queue, taken by this process's queue workers or a
    ``cloudfabric worker`` (``bot.slack.intake``); without it, the work goes to a thread pool
    of this process. Because a listener does nothing more, bolt runs it in the request's
    thread (``process_before_response``): no extra thread hop and no polling for the ack
    before Slack gets its 200.
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
            dedupe: set of taken events and messages without the durable engine (the
                process's coordination when not given: Redis with ``CF_REDIS_URL``, else
                in-process).
            workers: threads running the listeners' work without the durable engine.
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
        self.works: dict[str, Work] = {}
        self.pool_intake = PoolIntake(self.dedupe, self.perform, workers)
        self.work = self.pool_intake.pool
        self.durable_intake = DurableIntake()
        self.identity = BotIdentityAuthorize(client)
        self.bolt = App(
            signing_secret=settings.slack_signing_secret or "",
            client=_tokenless(client),
            authorize=self.identity,  # type: ignore[arg-type]  # an Authorize, as bolt accepts
            request_verification_enabled=False,  # bot.http checks signatures on the raw bytes
            process_before_response=True,
        )
        self.bolt.use(count_requests(self.metrics))
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
        runs.bind(self)

    @property
    def durable(self) -> bool:
        """True when requests and turns are recorded as runs of the durable engine."""
        return durable.is_launched() and runs.is_bound(self)

    def handoff(self, work: Work, wanted: Wanted | None = None) -> Callable[..., None]:
        """A bolt listener that records the request, acknowledges it, and leaves ``work`` to
        the queue workers (or the thread pool without the engine).

        Args:
            work: ``(body, payload, context)``; payload is the event, action, command or view.
            wanted: ``(payload, context)`` -> False for a request the work would ignore
                (a bot's own message): it is acknowledged and nothing is recorded.

        Raises:
            ValueError: another work is recorded under the same name (a recorded request
                names its work, so the name must say which).
        """
        name = work_name(work)
        if self.works.setdefault(name, work) is not work:
            raise ValueError(f"two listeners' works are both named {name}")

        def listener(
            ack: Ack,
            body: dict[str, Any],
            payload: dict[str, Any],
            context: BoltContext,
            request: BoltRequest,
        ) -> None:
            if wanted is not None and not wanted(payload, context):
                ack()
                return
            intake = self.durable_intake if self.durable else self.pool_intake
            if not intake.accept(name, body, payload, context):
                log_duplicate(body, request)
                self.metrics.duplicates.inc()
            ack()

        return listener

    def perform(
        self,
        name: str,
        body: dict[str, Any],
        payload: dict[str, Any],
        context: dict[str, Any],
        run_id: str | None,
    ) -> None:
        """Run the work of the listener registered as ``name``; a failure is logged with a
        correlation id, which the person who caused the request is told.

        Args:
            name: the listener's work (see ``work_name``).
            body: the request body.
            payload: the event, action, command or view.
            context: what the work reads of bolt's context.
            run_id: the intake run doing it (None on the thread pool).
        """
        current_run.set(run_id)
        self.guarded(body, lambda: self.works[name](body, payload, BoltContext(context)))

    def guarded(self, body: dict[str, Any], work: Callable[[], None]) -> None:
        """Run ``work``; an unexpected failure is logged and its reference told to the user.

        Args:
            body: the request body (who caused it).
            work: what to run.
        """
        try:
            work()
        except Exception:
            correlation = uuid.uuid4().hex[:12]
            log.exception("slack %s failed [%s]", request_kind(body), correlation)
            user = user_of(body)
            if user:
                notice = render.crashed(correlation)
                self.transport.post(user, notice, Reply(blocks=notice).text)

    def answer(
        self,
        thread: Thread,
        user: str,
        text: str,
        message_ts: str | None = None,
        key: str | None = None,
    ) -> bool:
        """Answer a message in its thread: a turn of the conversation, then the answer posted.

        A message is answered once even when Slack delivers it twice (``app_mention`` and
        ``message`` for the same message, or a retry). With the durable engine the turn is
        recorded as a run on the conversation's partition and runs there (see
        ``bot.slack.runs``); without it, it runs now.

        Args:
            thread: the conversation's thread.
            user: Slack user id who wrote.
            text: the message, mentions included.
            message_ts: ts of the user's message (gets the "working" reaction).
            key: names the turn when there is no message (a choice clicked).

        Returns:
            False when the message (or ``key``) was answered or taken before.
        """
        if self.durable:
            return self.durable_intake.start_turn(thread, user, text, message_ts, key)
        dedupe_key = f"message:{thread.team}:{thread.channel}:{message_ts or thread.ts}"
        if message_ts and not self.dedupe.first(dedupe_key):
            return False
        started = time.perf_counter()
        reply = self._turn(thread, user, text, message_ts, None)
        self._deliver(thread, reply, user, message_ts, started)
        return True

    def compute_turn(
        self, thread: list[str], user: str, text: str, message_ts: str | None, run_id: str
    ) -> Callable[[], None] | None:
        """Inside the run ``slack.turn``: the turn's reply, and what posts it.

        Re-run after a crash, the conversation resumes from its checkpoint (the message
        carries ``run_id``). Returns None when the turn failed (its person was told).

        Args:
            thread: the thread's team, channel and ts.
            user: who wrote.
            text: the message, mentions included.
            message_ts: ts of the message, when it is one.
            run_id: the turn's run id.
        """
        where, started = Thread(*thread), time.perf_counter()
        found: list[Reply] = []
        body = {"user_id": user}
        self.guarded(body, lambda: found.append(self._turn(where, user, text, message_ts, run_id)))
        if not found:
            return None
        return lambda: self.guarded(
            body, lambda: self._deliver(where, found[0], user, message_ts, started)
        )

    def _turn(
        self, thread: Thread, user: str, text: str, message_ts: str | None, turn_id: str | None
    ) -> Reply:
        """Run the agent on the message, showing the "working" reaction and progress."""
        if message_ts:
            self.transport.react(thread.channel, message_ts, add=True, thread_ts=thread.ts)
        question = MENTION.sub("", text).strip()
        with progress.reporting(ProgressMessage(self.transport, thread)):
            return self.cloudfabric.conversations.handle_message(
                thread.conversation, user, question, turn_id=turn_id
            )

    def _deliver(
        self, thread: Thread, reply: Reply, user: str, message_ts: str | None, started: float
    ) -> None:
        """Post the answer, then take the "working" reaction off the message."""
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
        """Wait for work running on the thread pool to finish and stop it, then the outbox's
        delivery (what is still queued stays in the store for the next start or another
        replica)."""
        self.pool_intake.close()
        self.outbox.stop()
