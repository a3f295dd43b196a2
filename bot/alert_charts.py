"""The metric chart under an incident's thread root: drawn in the background once the root is
queued, uploaded through the durable outbox into the root's thread (after the root is posted),
or one line saying why there is none. Drawing never holds up the roots themselves.

With the durable engine launched, each chart is the durable run ``alerts.incident_chart`` under
the id ``alert-chart-<incident>``: a replica that dies between queueing the root and queueing
its chart leaves the run to its restart (or a live replica). The chart is queued under the
outbox purpose ``chart:<incident>``, so a step replayed after a crash queues nothing more.
Without the engine the charts are drawn one at a time on a daemon thread of this process.
"""

from __future__ import annotations

import logging
import queue
import threading

from sqlmodel import col, select

from bot.app import CloudFabric
from bot.slack.writes import SlackWrites
from core import durable
from tools.alerts.incident_chart import IncidentChart, incident_chart
from tools.alerts.models import AlertRow
from tools.blocks import text

log = logging.getLogger(__name__)
ACTOR = "alert-chart"
"""Who reads the metric (the context's user)."""
PURPOSE = "chart:"
"""Outbox purpose of an incident's chart (or its line): ``chart:<incident>``."""

_lock = threading.Lock()
_bound: list[IncidentCharts] = []


def bound() -> IncidentCharts:
    """The charts service the durable runs of this process use (the latest one made).

    Raises:
        RuntimeError: none was made in this process.
    """
    with _lock:
        if not _bound:
            raise RuntimeError("no incident charts are bound to the durable engine")
        return _bound[0]


@durable.step("alerts.incident_chart.post")
def _post(incident_id: int, channel: str, root: str) -> None:
    """Draw and queue the chart, unless it was queued already."""
    bound().post_now(incident_id, channel, root)


@durable.workflow("alerts.incident_chart")
def chart_run(incident_id: int, channel: str, root: str) -> None:
    """Post the chart of ``incident_id`` under its root.

    Args:
        incident_id: the incident whose root was queued.
        channel: the root's channel.
        root: the root's ts or ``outbox-`` name.
    """
    _post(incident_id, channel, root)


class IncidentCharts:
    """Draws and posts incidents' charts (durable runs, or a daemon thread without the engine).

    Args:
        cloudfabric: the services (AWS clients, clock, store).
        writes: the outbox-backed Slack writes.
    """

    def __init__(self, cloudfabric: CloudFabric, writes: SlackWrites) -> None:
        """Keep the services and serve this process's durable chart runs."""
        self.cf = cloudfabric
        self.writes = writes
        self._queue: queue.Queue[tuple[int, str, str]] = queue.Queue()
        self._thread: threading.Thread | None = None
        with _lock:
            _bound[:] = [self]

    def request(self, incident_id: int, channel: str, root: str) -> None:
        """Have the chart of ``incident_id`` posted under its root (soon, in the background).

        Args:
            incident_id: the incident whose root was just queued.
            channel: the root's channel.
            root: the root's ts or ``outbox-`` name.
        """
        if durable.is_launched():
            try:
                durable.start_run(
                    chart_run, f"alert-chart-{incident_id}", incident_id, channel, root
                )
            except durable.RunExists:
                log.info("the chart of alert incident %s was asked for already", incident_id)
            return
        self._queue.put((incident_id, channel, root))
        with _lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="alert-charts", daemon=True)
                self._thread.start()

    def _run(self) -> None:
        while True:
            incident_id, channel, root = self._queue.get()
            try:
                self.post_now(incident_id, channel, root)
            except Exception:
                log.exception("the chart of alert incident %s failed", incident_id)

    def post_now(self, incident_id: int, channel: str, root: str) -> IncidentChart | None:
        """Draw the chart of ``incident_id`` and queue it (or why there is none) in its
        thread; None when it was queued before.

        Args:
            incident_id: the incident.
            channel: its root's channel.
            root: its root's ts or ``outbox-`` name.
        """
        purpose = f"{PURPOSE}{incident_id}"
        if self.writes.outbox.store.for_purpose(purpose) is not None:
            return None
        query = select(AlertRow).where(AlertRow.incident_id == incident_id)
        with self.cf.db.session() as session:
            rows = list(session.exec(query.order_by(col(AlertRow.id))))
        chart = incident_chart(self.cf.context_for(ACTOR), incident_id, rows)
        if chart.png is not None:
            self.writes.upload_bytes(channel, root, chart.filename, chart.png, purpose=purpose)
        elif chart.unavailable:
            line = chart.unavailable
            self.writes.post(channel, [text(line)], line, thread_ts=root, purpose=purpose)
        return chart
