"""The delivery loop: a background thread that sends what the outbox holds.

Each pass takes the entries that may go now (due, first of their lane, the post they need
delivered), takes a slot of their channel's pace, claims the entry with a conditional UPDATE
(so one replica sends it), makes the call and records the outcome. It wakes at once when this
process queues something, and every ``poll`` seconds for what other replicas queued or what
became due. Nothing here sleeps for a ``Retry-After``: the entry is simply due later.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from http.client import HTTPException

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.slack.metrics import SlackMetrics
from bot.slack.outbox import calls
from bot.slack.outbox.outcome import Outcome, backoff_seconds, of_exception, of_slack_error
from bot.slack.outbox.pace import ChannelPacer
from bot.slack.outbox.store import OutboxStore
from bot.slack.outbox.tables import OutboxEntry
from core.clock import Clock

log = logging.getLogger(__name__)
Hook = Callable[[OutboxEntry], None]


@dataclass
class Limits:
    """How the loop behaves.

    Attributes:
        replica: this replica's id (owner of the entries it claims).
        lease: how long a claim holds.
        max_errors: transient failures (rate limits aside) before an entry is dead.
        poll: seconds between passes when nothing wakes the loop.
        senders: calls in flight at once (each in its own lane and channel slot).
    """

    replica: str
    lease: timedelta
    max_errors: int
    poll: float
    senders: int = 4


class Delivery:
    """Sends outbox entries and records what Slack said."""

    def __init__(
        self,
        store: OutboxStore,
        pacer: ChannelPacer,
        client: WebClient,
        clock: Clock,
        metrics: SlackMetrics,
        limits: Limits,
    ) -> None:
        """Wire the loop (not started).

        Args:
            store: the outbox table.
            pacer: the per-channel pace.
            client: a Web API client without retry handlers (the loop retries).
            clock: the one clock.
            metrics: retry and dead-entry counters.
            limits: replica id, lease, error limit, poll interval.
        """
        self.store, self.pacer, self.client = store, pacer, client
        self.clock, self.metrics, self.limits = clock, metrics, limits
        self.on_delivered: list[Hook] = []
        self.on_dead: list[Hook] = []
        self._wake, self._stop = threading.Event(), threading.Event()
        self._thread: threading.Thread | None = None
        self._slots = threading.BoundedSemaphore(limits.senders)
        self._pool: ThreadPoolExecutor | None = None
        self.changed = threading.Condition()

    def start(self) -> None:
        """Start the loop's daemon thread (once; again after ``stop``)."""
        if self._thread is None:
            self._stop.clear()
            senders = self.limits.senders
            self._pool = ThreadPoolExecutor(senders, thread_name_prefix="slack-outbox-send")
            self._thread = threading.Thread(target=self._loop, name="slack-outbox", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        """Stop the loop once the calls in flight are answered."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
            self._thread = None
        if self._pool is not None:
            self._pool.shutdown(wait=True)
            self._pool = None

    def wake(self) -> None:
        """Look at the outbox now (something was queued)."""
        self._wake.set()

    def _loop(self) -> None:
        while not self._stop.is_set():
            self._wake.clear()
            try:
                sent = self.run_once()
            except Exception:
                log.exception("slack outbox pass failed")
                sent = 0
            if not sent:
                self._wake.wait(self.limits.poll)

    def run_once(self) -> int:
        """One pass: start sending every entry that may go now, as far as there are free
        senders (in the calling thread when the loop is not started); returns how many."""
        now = self.clock.now()
        paced: set[str] = set()
        tried = 0
        for entry in self.store.ready(now):
            if entry.channel in paced:
                continue
            if not self._slots.acquire(blocking=False):
                break
            if self._claim(entry, now, paced):
                self._dispatch(entry)
                tried += 1
            else:
                self._slots.release()
        return tried

    def _claim(self, entry: OutboxEntry, now: datetime, paced: set[str]) -> bool:
        if self.pacer.take(entry.channel, now) is not None:
            paced.add(entry.channel)
            return False
        assert entry.id is not None
        return self.store.claim(entry.id, now, self.limits.lease, self.limits.replica)

    def _dispatch(self, entry: OutboxEntry) -> None:
        if self._pool is None:
            self._send_in_slot(entry)
        else:
            self._pool.submit(self._send_in_slot, entry)

    def _send_in_slot(self, entry: OutboxEntry) -> None:
        try:
            self._send(entry)
        except Exception:
            log.exception("slack outbox send of entry %s failed", entry.id)
        finally:
            self._slots.release()
            self._wake.set()

    def _send(self, entry: OutboxEntry) -> None:
        first = self.store.get(entry.after_id) if entry.after_id else None
        try:
            answer = calls.call(self.client, entry, calls.arguments(entry, first))
        except SlackApiError as failure:
            self._settle(entry, of_slack_error(failure))
        except (OSError, HTTPException, SlackClientError) as failure:  # no answer from Slack
            log.warning("slack %s to %s failed: %r", entry.method, entry.channel, failure)
            self._settle(entry, of_exception(failure))
        else:
            self._delivered(entry, answer)
        with self.changed:
            self.changed.notify_all()

    def _delivered(self, entry: OutboxEntry, answer: dict[str, object]) -> None:
        assert entry.id is not None
        channel, ts = answer.get("channel"), answer.get("ts")
        self.store.delivered(
            entry.id, self.clock.now(), str(channel) if channel else None, str(ts) if ts else None
        )
        done = self.store.get(entry.id) or entry
        for hook in self.on_delivered:
            _run_hook(hook, done)

    def _settle(self, entry: OutboxEntry, outcome: Outcome) -> None:
        assert entry.id is not None
        error = outcome.error or "unknown_error"
        self.metrics.api_errors.labels(entry.method, error).inc()
        if outcome.kind == "done":
            self._delivered(entry, {})
            return
        counts = not outcome.rate_limited
        if outcome.kind == "dead" or (counts and entry.errors + 1 >= self.limits.max_errors):
            self._die(entry, error)
            return
        now = self.clock.now()
        wait = outcome.retry_after
        if wait is not None:
            self.pacer.hold(entry.channel, now + timedelta(seconds=wait))
        else:
            wait = backoff_seconds(entry.errors + 1)
        log.info("slack %s to %s: %s; retry in %.1fs", entry.method, entry.channel, error, wait)
        self.metrics.outbox_retries.labels(entry.method, error).inc()
        self.store.retry_at(entry.id, now + timedelta(seconds=wait), error, counts)

    def _die(self, entry: OutboxEntry, error: str) -> None:
        assert entry.id is not None
        log.warning("slack %s to %s is dead: %s", entry.method, entry.channel, error)
        self.metrics.outbox_dead.labels(entry.method, error).inc()
        dependants = self.store.kill(entry.id, self.clock.now(), error)
        dead = self.store.get(entry.id) or entry
        for hook in self.on_dead:
            _run_hook(hook, dead)
        for dependant in dependants:
            self.metrics.outbox_dead.labels(dependant.method, "needs_dead_entry").inc()


def _run_hook(hook: Hook, entry: OutboxEntry) -> None:
    try:
        hook(entry)
    except Exception:
        log.exception("slack outbox hook failed for entry %s", entry.id)
