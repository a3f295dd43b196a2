"""The metric chart under an incident's thread root: drawn in the background once the root is
queued, uploaded through the durable outbox into the root's thread (after the root is posted),
or one line saying why there is no chart. Drawing never holds up the roots themselves.
"""

from __future__ import annotations

import logging
import queue
import threading

from sqlmodel import col, select

from bot.app import CloudFabric
from bot.slack.writes import SlackWrites
from tools.alerts.incident_chart import IncidentChart, incident_chart
from tools.alerts.models import AlertRow
from tools.blocks import text

log = logging.getLogger(__name__)
ACTOR = "alert-chart"
"""Who reads the metric (the context's user)."""


class IncidentCharts:
    """Draws and posts incidents' charts, one at a time, on a daemon thread.

    Args:
        cloudfabric: the services (AWS clients, clock, store).
        writes: the outbox-backed Slack writes.
    """

    def __init__(self, cloudfabric: CloudFabric, writes: SlackWrites) -> None:
        """Keep the services; the thread starts with the first chart asked for."""
        self.cf = cloudfabric
        self.writes = writes
        self._queue: queue.Queue[tuple[int, str, str]] = queue.Queue()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def request(self, incident_id: int, channel: str, root: str) -> None:
        """Have the chart of ``incident_id`` posted under its root (soon, in the background).

        Args:
            incident_id: the incident whose root was just queued.
            channel: the root's channel.
            root: the root's ts or ``outbox-`` name.
        """
        self._queue.put((incident_id, channel, root))
        with self._lock:
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

    def post_now(self, incident_id: int, channel: str, root: str) -> IncidentChart:
        """Draw the chart of ``incident_id`` and queue it (or why there is none) in its thread.

        Args:
            incident_id: the incident.
            channel: its root's channel.
            root: its root's ts or ``outbox-`` name.
        """
        query = select(AlertRow).where(AlertRow.incident_id == incident_id)
        with self.cf.db.session() as session:
            rows = list(session.exec(query.order_by(col(AlertRow.id))))
        chart = incident_chart(self.cf.context_for(ACTOR), incident_id, rows)
        if chart.png is not None:
            self.writes.upload_bytes(channel, root, chart.filename, chart.png)
        elif chart.unavailable:
            self.writes.post(channel, [text(chart.unavailable)], chart.unavailable, thread_ts=root)
        return chart
