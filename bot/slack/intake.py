"""Accepting Slack requests: the record that a request was taken, and where its work runs.

With the durable engine launched (``cloudfabric serve`` and ``cloudfabric worker``), a
listener's ``ack()`` is followed, before Slack gets the 200, by one transaction that records
the request as a run of ``slack.intake`` (``bot.slack.runs``). The run id is the
de-duplication record:

- an event: ``slack-event:<team>:<event_id>``;
- a click: ``slack-action:<trigger_id>:<action_id>:<message ts>``;
- a slash command: ``slack-command:<trigger_id>``; a modal: ``slack-view:<trigger_id>:<view>``.

A retry of a request already recorded is acknowledged and not recorded again: its run exists
and is (or will be) processed, by this replica or another, or after a crash by whichever
replica recovers it. Nothing is marked taken anywhere else first, so a process killed after its
200 loses nothing. Redis is not asked.

Without the engine (tests, embedded tools) the work runs on an in-process thread pool, and
retried events are dropped through the coordination's dedupe, as before.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextvars import ContextVar
from typing import Any

from slack_bolt import BoltContext

from bot.slack import runs
from bot.slack.transport import Thread
from core import durable
from core.coordination import Dedupe
from core.durable.queues import Start

log = logging.getLogger(__name__)

CONTEXT_KEYS = (
    "team_id",
    "enterprise_id",
    "is_enterprise_install",
    "bot_user_id",
    "bot_id",
    "user_id",
    "channel_id",
)
Perform = Callable[[str, dict[str, Any], dict[str, Any], dict[str, Any], str | None], None]

current_run: ContextVar[str | None] = ContextVar("slack_intake_run", default=None)
"""The intake run whose work is running (None on the thread pool)."""


def _object(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _digest(body: dict[str, Any]) -> str:
    canonical = json.dumps(body, sort_keys=True, default=str).encode()
    return hashlib.sha256(canonical).hexdigest()[:32]


def is_event(body: dict[str, Any]) -> bool:
    """True for an Events API delivery that carries an event id.

    Args:
        body: the request body.
    """
    return body.get("type") == "event_callback" and bool(body.get("event_id"))


def intake_id(body: dict[str, Any], payload: dict[str, Any]) -> str:
    """The id an accepted request is recorded under (see the module docstring).

    Args:
        body: the request body.
        payload: the event, action, command or view the listener got.
    """
    if is_event(body):
        return f"slack-event:{body.get('team_id') or '-'}:{body['event_id']}"
    trigger = body.get("trigger_id") or _digest(body)
    if "command" in body:
        return f"slack-command:{trigger}"
    kind = str(body.get("type") or "request")
    if kind == "block_actions":
        message = _object(body.get("message"))
        ts = message.get("ts") or _object(body.get("container")).get("message_ts") or "-"
        return f"slack-action:{trigger}:{payload.get('action_id') or '-'}:{ts}"
    if kind == "view_submission":
        return f"slack-view:{trigger}:{_object(body.get('view')).get('id') or '-'}"
    return f"slack-{kind}:{_digest(body)}"


def turn_id(thread: Thread, message_ts: str | None, key: str | None) -> str:
    """The id of a turn's run: one per message (or per choice clicked, per command).

    Args:
        thread: the conversation's thread.
        message_ts: the message answered, when it is one.
        key: an explicit key (a question's choice).

    Raises:
        RuntimeError: nothing names the turn (no message, no key, no intake run).
    """
    if key:
        return f"slack-turn:{key}"
    if message_ts:
        return f"slack-turn:{thread.team}:{thread.channel}:{message_ts}"
    intake_run = current_run.get()
    if intake_run is None:
        raise RuntimeError("a turn without a message needs a key or an intake run")
    return f"slack-turn:{intake_run}"


def context_fields(context: BoltContext) -> dict[str, Any]:
    """What the listeners read of bolt's context, as plain data for the run.

    Args:
        context: the request's bolt context.
    """
    return {key: context.get(key) for key in CONTEXT_KEYS if context.get(key) is not None}


class PoolIntake:
    """Work on this process's thread pool; retried events dropped through ``dedupe``.

    Args:
        dedupe: the set of taken events (Redis with ``CF_REDIS_URL``, else in-process).
        perform: runs a listener's work.
        workers: threads of the pool.
    """

    durable = False

    def __init__(self, dedupe: Dedupe, perform: Perform, workers: int) -> None:
        """Start the (lazily threaded) pool."""
        self.dedupe = dedupe
        self.perform = perform
        self.pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="slack-work")

    def accept(
        self, name: str, body: dict[str, Any], payload: dict[str, Any], context: BoltContext
    ) -> bool:
        """Hand the work to the pool; False for an event taken before (nothing runs).

        Args:
            name: the listener's work.
            body: the request body.
            payload: the event, action, command or view.
            context: bolt's context.
        """
        taken = f"event:{body.get('team_id', '-')}:{body.get('event_id')}"
        if is_event(body) and not self.dedupe.first(taken):
            return False
        self.pool.submit(self.perform, name, body, payload, context_fields(context), None)
        return True

    def close(self) -> None:
        """Wait for running work and stop the pool."""
        self.pool.shutdown(wait=True)


class DurableIntake:
    """Records requests and turns as runs of the durable engine (see the module docstring)."""

    durable = True

    def accept(
        self, name: str, body: dict[str, Any], payload: dict[str, Any], context: BoltContext
    ) -> bool:
        """Record the request as a ``slack.intake`` run; False when it was recorded before.

        Args:
            name: the listener's work.
            body: the request body.
            payload: the event, action, command or view.
            context: bolt's context.
        """
        args = (name, body, payload, context_fields(context))
        start = Start(runs.intake, intake_id(body, payload), args)
        return durable.current().enqueuer.enqueue_one(runs.INTAKE, start)

    def start_turn(
        self, thread: Thread, user: str, text: str, message_ts: str | None, key: str | None
    ) -> bool:
        """Record a turn on the conversation's partition; False when it was recorded before
        (the same message delivered twice, a choice clicked twice).

        Args:
            thread: the conversation's thread.
            user: who wrote.
            text: the message.
            message_ts: ts of the message answered, when it is one.
            key: an explicit key for the turn (see ``turn_id``).
        """
        args = ([thread.team, thread.channel, thread.ts], user, text, message_ts)
        run_id = turn_id(thread, message_ts, key)
        start = Start(runs.turn, run_id, args, partition_key=thread.conversation)
        return durable.current().enqueuer.enqueue_one(runs.TURNS, start)
