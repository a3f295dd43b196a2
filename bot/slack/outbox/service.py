"""The outbox as the transport sees it: queue a write, wait for it, start and stop delivery."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, TypeVar

from slack_sdk import WebClient

from bot.slack.metrics import SlackMetrics
from bot.slack.outbox.delivery import Delivery, Limits
from bot.slack.outbox.pace import ChannelPacer
from bot.slack.outbox.store import OutboxStore
from bot.slack.outbox.tables import PENDING, OutboxEntry
from core.clock import Clock
from core.db import Database
from core.settings import Settings

T = TypeVar("T")
REF_PREFIX = "outbox-"
"""A message not posted yet is named ``outbox-<entry id>`` until Slack gives its ts."""


def ref_of(entry_id: int) -> str:
    """The name of the message entry ``entry_id`` posts, usable where a ts is expected.

    Args:
        entry_id: the post's entry.
    """
    return f"{REF_PREFIX}{entry_id}"


def entry_of(ref: str) -> int | None:
    """The entry id a ``ref_of`` name stands for; None for a real ts.

    Args:
        ref: a ts or an outbox name.
    """
    tail = ref.removeprefix(REF_PREFIX)
    return int(tail) if tail != ref and tail.isdigit() else None


@dataclass
class _Naming:
    """The durable step queueing writes now, and how many it has queued."""

    step: str
    count: int = 0

    def next(self) -> str:
        """The name of the write being queued."""
        self.count += 1
        return f"{self.step}:{self.count}"


_naming: ContextVar[_Naming | None] = ContextVar("outbox_naming", default=None)


def queued_by(step: str, work: Callable[[], T]) -> T:
    """Run ``work``, naming each write it queues ``<step>:<n>`` in order.

    Run again under the same ``step`` (a durable step re-run after a crash), the same writes
    in the same order are given the entries queued the first time: nothing is sent twice.

    Args:
        step: names the step (its run id).
        work: what queues the writes.
    """
    token = _naming.set(_Naming(step))
    try:
        return work()
    finally:
        _naming.reset(token)


@dataclass(frozen=True)
class Write:
    """One write to queue.

    Attributes:
        method: Web API method.
        channel: channel (or user id) written to.
        lane: writes of one lane go out in the order they were queued.
        payload: the call's arguments.
        after: a post that must be delivered first.
        after_field: the argument that gets that post's ts.
        purpose: what delivery is followed up with (``card:<id>``).
        requester: told by DM when the write can never be delivered.
        file_bytes: the file of an upload.
        supersede: drop the lane's older writes not sent yet (edits of one message).
    """

    method: str
    channel: str
    lane: str
    payload: dict[str, Any]
    after: int | None = None
    after_field: str | None = None
    purpose: str | None = None
    requester: str | None = None
    file_bytes: bytes | None = None
    supersede: bool = False


class Outbox:
    """Durable Slack writes: queued in SQL, sent by the delivery loop."""

    def __init__(
        self,
        db: Database,
        clock: Clock,
        client: WebClient,
        settings: Settings,
        metrics: SlackMetrics,
    ) -> None:
        """Wire the outbox (its loop starts with ``start``).

        Args:
            db: the SQL store.
            clock: the one clock.
            client: the bot's Web API client (a copy without retry handlers sends).
            settings: ``slack_outbox_*`` and ``replica_id``.
            metrics: backlog gauges, retry and dead counters.
        """
        self.clock = clock
        self.store = OutboxStore(db)
        interval = timedelta(seconds=settings.slack_outbox_channel_interval_seconds)
        pacer = ChannelPacer(db, interval, settings.slack_outbox_channel_burst)
        sender = WebClient(
            token=client.token, base_url=client.base_url, timeout=client.timeout, retry_handlers=[]
        )
        limits = Limits(
            replica=settings.replica_id,
            lease=timedelta(seconds=settings.slack_outbox_lease_seconds),
            max_errors=settings.slack_outbox_max_errors,
            poll=settings.slack_outbox_poll_seconds,
            senders=settings.slack_outbox_senders,
        )
        self.delivery = Delivery(self.store, pacer, sender, clock, metrics, limits)
        metrics.watch_outbox(lambda: self.store.backlog(self.clock.now()))

    def queue(self, write: Write) -> OutboxEntry:
        """Record ``write`` durably and wake the loop; returns the stored entry.

        Args:
            write: what to send.
        """
        now = self.clock.now()
        entry = OutboxEntry(
            method=write.method,
            channel=write.channel,
            lane=write.lane[:200],
            payload_json=json.dumps(write.payload),
            file_bytes=write.file_bytes,
            after_id=write.after,
            after_field=write.after_field,
            purpose=write.purpose,
            requester=write.requester,
            created_at=now,
            due_at=now,
        )
        naming = _naming.get()
        if naming is None:
            stored = self.store.add(entry, supersede=write.supersede)
        else:
            entry.origin = naming.next()
            stored = self.store.add_once(entry, supersede=write.supersede)
        self.delivery.wake()
        return stored

    def wait(self, entry_id: int, timeout: float) -> OutboxEntry | None:
        """Wait until the entry is no longer pending; returns it then, or None on timeout
        (it stays queued).

        Args:
            entry_id: the entry.
            timeout: seconds to wait.
        """
        deadline = time.monotonic() + timeout
        while True:
            entry = self.store.get(entry_id)
            if entry is None or entry.state != PENDING:
                return entry
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            with self.delivery.changed:
                self.delivery.changed.wait(min(left, 0.1))

    def start(self) -> None:
        """Start delivering (idempotent)."""
        self.delivery.start()

    def stop(self) -> None:
        """Stop delivering; what is queued stays for the next start or another replica."""
        self.delivery.stop()
