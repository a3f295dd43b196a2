"""Closing the loop: after an incident's approved fix runs, watch the alarm's metric for
``alerts_recovery_watch_seconds`` on the project clock, then say in the incident's thread
whether it recovered, and record it in the timeline."""

from __future__ import annotations

import json
import logging
import threading
from datetime import datetime, timedelta

from sqlmodel import col, select

from agents.reply import Reply
from bot.app import CloudFabric
from bot.slack.transport import Thread
from bot.slack.writes import SlackWrites
from tools.alerts import timeline
from tools.alerts.models import AlertRow
from tools.alerts.recovery import Recovery, judge
from tools.alerts.signal_metrics import alarm_threshold
from tools.alerts.signals import signal_for_incident
from tools.blocks import text

log = logging.getLogger(__name__)


class RecoveryWatch:
    """Watches incidents' metrics after their fixes, one daemon thread per watch.

    Args:
        cloudfabric: the services (clock, store, AWS, settings).
        writes: the Slack writes.
    """

    def __init__(self, cloudfabric: CloudFabric, writes: SlackWrites) -> None:
        """Keep the services; nothing is watched yet."""
        self.cf = cloudfabric
        self.writes = writes
        self._stop = threading.Event()

    def start(self, incident_id: int, thread: Thread, fixed_at: datetime) -> threading.Thread:
        """Watch ``incident_id`` from ``fixed_at`` and report in ``thread`` when the time is up.

        Args:
            incident_id: the incident whose fix ran.
            thread: its thread.
            fixed_at: when the fix ran.
        """
        worker = threading.Thread(
            target=self._watch, args=(incident_id, thread, fixed_at),
            name=f"recovery-{incident_id}", daemon=True,
        )  # fmt: skip
        worker.start()
        return worker

    def stop(self) -> None:
        """End every watch still waiting (nothing is reported for them)."""
        self._stop.set()

    def _watch(self, incident_id: int, thread: Thread, fixed_at: datetime) -> None:
        settings = self.cf.settings
        due = fixed_at + timedelta(seconds=settings.alerts_recovery_watch_seconds)
        while self.cf.clock.now() < due:
            if self._stop.wait(settings.alerts_recovery_poll_seconds):
                return
        try:
            self._report(incident_id, thread, fixed_at)
        except Exception:
            log.exception("recovery check of incident %s failed", incident_id)

    def _report(self, incident_id: int, thread: Thread, fixed_at: datetime) -> None:
        query = select(AlertRow).where(AlertRow.incident_id == incident_id)
        with self.cf.db.session() as session:
            rows = list(session.exec(query.order_by(col(AlertRow.id))))
        signal = signal_for_incident(rows)
        firing = [row for row in rows if row.status == "firing"]
        bound = alarm_threshold(json.loads(firing[-1].raw_json)) if firing else None
        if signal is None or signal.metric is None or bound is None:
            self._say(thread, "The fix ran; this alarm names no metric threshold to watch, "
                      "so recovery was not checked.")  # fmt: skip
            return
        ctx = self.cf.context_for("recovery-watch")
        verdict: Recovery = judge(ctx, signal.metric, signal.region, fixed_at, bound)
        icon = ":white_check_mark: Recovered" if verdict.recovered else ":x: Not recovered"
        self._say(thread, f"{icon}: {verdict.statement}")
        kind = "recovered" if verdict.recovered else "not_recovered"
        timeline.record(self.cf.db, incident_id, kind, self.cf.clock.now(),
                        detail=verdict.statement)  # fmt: skip

    def _say(self, thread: Thread, words: str) -> None:
        reply = Reply(blocks=[text(words)])
        self.writes.post(thread.channel, reply.blocks, reply.text, thread_ts=thread.ts)
