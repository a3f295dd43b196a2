"""Closing the loop: after an incident's approved fix runs, watch the alarm's metric for
``alerts_recovery_watch_seconds`` on the project clock, then say once in the incident's thread
whether it recovered, and record it in the timeline.

With the durable engine launched, each watch is the durable run ``alerts.recovery_watch`` under
the id ``alert-recovery-<incident>-<approval>`` (one per executed fix, however many replicas
hear of it). Its end is checkpointed when it begins; it waits in chunks of at most
``CHUNK_SECONDS`` (each a checkpointed step), so a replica killed mid-watch is resumed by the
restarted one (or taken over by a live one) and waits only what is left. The verdict is judged
in a step of its own, then posted through the outbox under the purpose ``recovery:<run id>``:
a step replayed after a crash finds that entry and posts nothing more. Without the engine the
same steps run on a daemon thread of this process (the embedded default).
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import col, select

from bot.app import CloudFabric
from bot.slack.transport import Thread
from bot.slack.writes import SlackWrites
from core import durable
from core.clock import parse_instant
from tools.alerts import render_chart, timeline
from tools.alerts.models import AlertRow
from tools.alerts.recovery import verdict_for
from tools.blocks import text

log = logging.getLogger(__name__)
CHUNK_SECONDS = 60.0
"""The longest one checkpointed wait lasts (wall time)."""
PURPOSE = "recovery:"
"""Outbox purpose of a verdict: ``recovery:<run id>``."""
VERDICT_KINDS = ("recovered", "not_recovered")

_lock = threading.Lock()
_bound: list[RecoveryWatch] = []


def bound() -> RecoveryWatch:
    """The watch the durable runs of this process use (the latest one made).

    Raises:
        RuntimeError: none was made in this process.
    """
    with _lock:
        if not _bound:
            raise RuntimeError("no recovery watch is bound to the durable engine")
        return _bound[0]


def run_id_of(incident_id: int, approval_id: str) -> str:
    """The durable run id of the watch after one fix of one incident.

    Args:
        incident_id: the incident.
        approval_id: the executed fix's approval request.
    """
    return f"alert-recovery-{incident_id}-{approval_id}"


@durable.step("alerts.recovery_due")
def _due(fixed_iso: str) -> str:
    """When the watch ends (checkpointed once, so a resumed watch keeps its end)."""
    return bound().due(parse_instant(fixed_iso)).isoformat()


@durable.step("alerts.recovery_wait")
def _wait(due_iso: str) -> bool:
    """Wait on the project clock for ``due_iso``, at most ``CHUNK_SECONDS``; True once due."""
    return bound().wait_until(parse_instant(due_iso), CHUNK_SECONDS)


@durable.step("alerts.recovery_judge")
def _judge(incident_id: int, fixed_iso: str) -> dict[str, Any]:
    """The verdict, judged once: ``{"kind": ..., "line": ...}`` (kind None: nothing watched)."""
    return bound().judge(incident_id, parse_instant(fixed_iso))


@durable.step("alerts.recovery_report")
def _report(run_id: str, incident_id: int, conversation: str, verdict: dict[str, Any]) -> None:
    """Say the verdict in the thread and record it, once per run (see the module docstring)."""
    bound().report(run_id, incident_id, conversation, verdict)


@durable.workflow("alerts.recovery_watch")
def watch_recovery(run_id: str, incident_id: int, conversation: str, fixed_iso: str) -> str:
    """Watch the incident's metric after its fix, then report once; returns the verdict line.

    Args:
        run_id: this run's id (the verdict's outbox purpose).
        incident_id: the incident whose fix ran.
        conversation: its thread's conversation id.
        fixed_iso: when the fix ran, ISO 8601.
    """
    due_iso = _due(fixed_iso)
    while not _wait(due_iso):
        pass
    verdict = _judge(incident_id, fixed_iso)
    _report(run_id, incident_id, conversation, verdict)
    return str(verdict["line"])


class RecoveryWatch:
    """Watches incidents' metrics after their fixes (durable runs, or threads without the
    engine); the latest one made serves this process's durable runs.

    Args:
        cloudfabric: the services (clock, store, AWS, settings).
        writes: the Slack writes.
    """

    def __init__(self, cloudfabric: CloudFabric, writes: SlackWrites) -> None:
        """Keep the services and serve this process's durable watches."""
        self.cf = cloudfabric
        self.writes = writes
        with _lock:
            _bound[:] = [self]

    def start(self, incident_id: int, thread: Thread, fixed_at: datetime, approval_id: str) -> str:
        """Watch ``incident_id`` from ``fixed_at`` and report in ``thread`` when the time is
        up; returns the run id (a second start for the same fix starts nothing).

        Args:
            incident_id: the incident whose fix ran.
            thread: its thread.
            fixed_at: when the fix ran.
            approval_id: the executed fix's approval request.
        """
        run_id = run_id_of(incident_id, approval_id)
        conversation, fixed_iso = thread.conversation, fixed_at.isoformat()
        if not durable.is_launched():
            args = (run_id, incident_id, conversation, fixed_iso)
            threading.Thread(target=self._in_process, args=args, name=run_id, daemon=True).start()
            return run_id
        try:
            durable.start_run(watch_recovery, run_id, run_id, incident_id, conversation, fixed_iso)
        except durable.RunExists:
            log.info("recovery watch %s was started already", run_id)
        return run_id

    def due(self, fixed_at: datetime) -> datetime:
        """When the watch of a fix run at ``fixed_at`` ends.

        Args:
            fixed_at: when the fix ran.
        """
        return fixed_at + timedelta(seconds=self.cf.settings.alerts_recovery_watch_seconds)

    def wait_until(self, due: datetime, longest: float) -> bool:
        """Wait until the project clock reaches ``due``, at most ``longest`` seconds.

        Args:
            due: the end of the watch.
            longest: wall seconds to wait at most.
        """
        poll = self.cf.settings.alerts_recovery_poll_seconds
        deadline = time.monotonic() + longest
        while self.cf.clock.now() < due:
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            remaining = (due - self.cf.clock.now()).total_seconds()
            time.sleep(max(0.0, min(poll, left, remaining)))
        return True

    def judge(self, incident_id: int, fixed_at: datetime) -> dict[str, Any]:
        """The verdict on the incident's metric since its fix.

        Args:
            incident_id: the incident.
            fixed_at: when its fix ran.
        """
        query = select(AlertRow).where(AlertRow.incident_id == incident_id)
        with self.cf.db.session() as session:
            rows = list(session.exec(query.order_by(col(AlertRow.id))))
        verdict = verdict_for(self.cf.context_for("recovery-watch"), rows, fixed_at)
        if verdict is None:
            return {"kind": None, "line": render_chart.recovery_unwatched(), "detail": ""}
        kind = VERDICT_KINDS[0] if verdict.recovered else VERDICT_KINDS[1]
        line = render_chart.recovery_line(verdict.recovered, verdict.statement)
        return {"kind": kind, "line": line, "detail": verdict.statement}

    def report(
        self, run_id: str, incident_id: int, conversation: str, verdict: dict[str, Any]
    ) -> None:
        """Post the verdict in the thread and record it in the timeline, unless this run did.

        Args:
            run_id: the watch's run id.
            incident_id: the incident.
            conversation: its thread's conversation id.
            verdict: from ``judge``.
        """
        thread = Thread.of(conversation)
        purpose = f"{PURPOSE}{run_id}"
        if thread is not None and self.writes.outbox.store.for_purpose(purpose) is None:
            line = str(verdict["line"])
            self.writes.post(thread.channel, [text(line)], line, thread.ts, purpose=purpose)
        kind, detail = verdict.get("kind"), str(verdict.get("detail") or "")
        if kind and not _recorded(self.cf, incident_id, kind, detail):
            timeline.record(self.cf.db, incident_id, kind, self.cf.clock.now(), detail=detail)

    def _in_process(self, run_id: str, incident_id: int, conversation: str, fixed: str) -> None:
        """The watch's steps on this daemon thread (no engine: not resumed after a crash)."""
        fixed_at = parse_instant(fixed)
        due = self.due(fixed_at)
        while not self.wait_until(due, CHUNK_SECONDS):
            pass
        try:
            self.report(run_id, incident_id, conversation, self.judge(incident_id, fixed_at))
        except Exception:
            log.exception("recovery check of incident %s failed", incident_id)


def _recorded(cf: CloudFabric, incident_id: int, kind: str, detail: str) -> bool:
    """True when the incident's timeline has this verdict already (a replayed report)."""
    return any(m.kind == kind and m.detail == detail for m in timeline.events(cf.db, incident_id))
