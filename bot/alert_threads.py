"""One Slack thread per incident, in the alerts channel, through the durable outbox.

The first alert of an incident posts its thread root; later alerts (repeats, a resolve) edit
that same message (count, last seen, state); the outbox keeps only the newest unsent edit of a
message, so a storm of repeats costs a few edits, paced per channel. Alerts are quoted as data.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

from sqlmodel import col, select, update

from bot.slack.outbox.service import entry_of
from bot.slack.writes import SlackWrites
from core.db import Database
from tools.alerts.models import AlertRow, IncidentRow
from tools.alerts.owners import owner_of
from tools.alerts.render import incident_blocks, incident_text


class AlertThreads:
    """Posts and edits the thread root of each incident.

    Args:
        writes: the outbox-backed Slack writes.
        db: the SQL store (incidents, alerts, inventory).
        channel: the channel incidents open their threads in.
    """

    def __init__(self, writes: SlackWrites, db: Database, channel: str) -> None:
        """Keep the writer, the store and the channel."""
        self.writes = writes
        self.db = db
        self.channel = channel
        self._lock = threading.Lock()

    def show(self, incident_ids: Sequence[int]) -> None:
        """Post or edit the thread root of each incident.

        Args:
            incident_ids: incidents whose state changed and should be shown.
        """
        with self._lock:
            for incident_id in incident_ids:
                self._show(incident_id)

    def _show(self, incident_id: int) -> None:
        with self.db.session() as session:
            incident = session.get(IncidentRow, incident_id)
            first = session.exec(
                select(AlertRow.description)
                .where(AlertRow.incident_id == incident_id)
                .order_by(col(AlertRow.id))
                .limit(1)
            ).first()
        if incident is None:
            return
        blocks = incident_blocks(incident, owner_of(self.db, incident.resource), first or "")
        text = incident_text(incident)
        if incident.message_ts and incident.channel:
            self.writes.update(incident.channel, incident.message_ts, blocks, text)
            return
        ref = self.writes.post(self.channel, blocks, text)
        if ref is not None and not self._record(incident_id, ref):
            self._withdraw(ref)  # another replica posted this incident's root first

    def _record(self, incident_id: int, ref: str) -> bool:
        """Remember where the root is, unless another replica did first."""
        statement = (
            update(IncidentRow)
            .where(col(IncidentRow.id) == incident_id, col(IncidentRow.message_ts).is_(None))
            .values(message_ts=ref, channel=self.channel)
        )
        with self.db.session() as session:
            return bool(session.execute(statement).rowcount)  # type: ignore[attr-defined]

    def _withdraw(self, ref: str) -> None:
        entry_id = entry_of(ref)
        if entry_id is not None:
            self.writes.outbox.store.withdraw(entry_id, self.writes.outbox.clock.now())
