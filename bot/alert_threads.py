"""One Slack thread per incident, in the alerts channel, through the durable outbox.

The first alert of an incident posts its thread root; later alerts (repeats, a resolve) edit
that same message (count, last seen, state); the outbox keeps only the newest unsent edit of a
message, so a storm of repeats costs a few edits, paced per channel. Alerts are quoted as data.

The intake only names the incidents to show (after their alerts are committed); a background
thread shows them, each once however many alerts arrived meanwhile, so the sender's 200 does not
wait for Slack's bookkeeping. When it starts, it first shows every open incident whose root was
never posted (a process that died between committing an alert and queueing its post).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence

from sqlmodel import col, exists, select, update

from bot.slack.outbox.service import entry_of
from bot.slack.writes import SlackWrites
from core.db import Database
from tools.alerts.models import AlertRow, IncidentRow
from tools.alerts.owners import owner_of, tags_of
from tools.alerts.render import incident_blocks, incident_text
from tools.alerts.routing import Router, facts_of

log = logging.getLogger(__name__)


class AlertThreads:
    """Posts and edits the thread root of each incident.

    Args:
        writes: the outbox-backed Slack writes.
        db: the SQL store (incidents, alerts, inventory).
        channel: the channel incidents open their threads in when no router is given.
        router: picks each incident's channel from its first alert (``alerts_routes``).
    """

    def __init__(
        self, writes: SlackWrites, db: Database, channel: str, router: Router | None = None
    ) -> None:
        """Keep the writer, the store, the channel and the router."""
        self.writes = writes
        self.db = db
        self.channel = channel
        self.router = router
        self._pending: set[int] = set()
        self._wake = threading.Condition()
        self._stopped = False
        self._thread: threading.Thread | None = None

    def show(self, incident_ids: Sequence[int]) -> None:
        """Have the thread root of each incident posted or edited (soon, in the background).

        Args:
            incident_ids: incidents whose state changed and should be shown.
        """
        with self._wake:
            self._pending.update(incident_ids)
            self._wake.notify()
        self.start()

    def start(self) -> None:
        """Start the background thread (idempotent); it first shows the never-posted roots."""
        with self._wake:
            if self._thread is None and not self._stopped:
                self._thread = threading.Thread(target=self._run, name="alert-threads", daemon=True)
                self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop the background thread after what is pending.

        Args:
            timeout: seconds to wait for it.
        """
        with self._wake:
            self._stopped = True
            self._wake.notify()
            thread = self._thread
        if thread is not None:
            thread.join(timeout)

    def never_posted(self) -> list[int]:
        """Open incidents whose thread root was never posted, and that have an alert no
        silence kept off Slack."""
        unsilenced = exists().where(
            col(AlertRow.incident_id) == IncidentRow.id, col(AlertRow.silence_id).is_(None)
        )
        query = select(IncidentRow.id).where(
            IncidentRow.status == "open", col(IncidentRow.message_ts).is_(None), unsilenced
        )
        with self.db.session() as session:
            return [incident_id for incident_id in session.exec(query) if incident_id]

    def _run(self) -> None:
        """Show what is pending, the never-posted first, until stopped."""
        self.show_now(self.never_posted())
        while True:
            with self._wake:
                while not self._pending and not self._stopped:
                    self._wake.wait()
                batch, self._pending = sorted(self._pending), set()
                if not batch and self._stopped:
                    return
            self.show_now(batch)

    def show_now(self, incident_ids: Sequence[int]) -> None:
        """Post or edit the thread root of each incident, now; a failure is logged and the
        others are still shown.

        Args:
            incident_ids: the incidents.
        """
        for incident_id in incident_ids:
            try:
                self._show(incident_id)
            except Exception:
                log.exception("showing alert incident %s failed", incident_id)

    def _show(self, incident_id: int) -> None:
        with self.db.session() as session:
            incident = session.get(IncidentRow, incident_id)
            first = session.exec(
                select(AlertRow)
                .where(AlertRow.incident_id == incident_id)
                .order_by(col(AlertRow.id))
                .limit(1)
            ).first()
        if incident is None:
            return
        description = first.description if first is not None else ""
        blocks = incident_blocks(incident, owner_of(self.db, incident.resource), description)
        text = incident_text(incident)
        if incident.message_ts and incident.channel:
            self.writes.update(incident.channel, incident.message_ts, blocks, text)
            return
        channel = self.channel_of(first)
        if not channel:
            log.info("alert incident %s matches no route and no alerts channel", incident_id)
            return
        ref = self.writes.post(channel, blocks, text)
        if ref is not None and not self._record(incident_id, ref, channel):
            self._withdraw(ref)  # another replica posted this incident's root first

    def channel_of(self, first: AlertRow | None) -> str | None:
        """The channel an incident whose first alert is ``first`` opens its thread in.

        Args:
            first: the incident's first alert (None: the default channel).

        Returns:
            The channel, or None when no rule matches and there is no fallback.
        """
        if self.router is None or first is None:
            return self.channel
        return self.router.channel_for(facts_of(first, lambda names: tags_of(self.db, names)))

    def _record(self, incident_id: int, ref: str, channel: str) -> bool:
        """Remember where the root is, unless another replica did first."""
        statement = (
            update(IncidentRow)
            .where(col(IncidentRow.id) == incident_id, col(IncidentRow.message_ts).is_(None))
            .values(message_ts=ref, channel=channel)
        )
        with self.db.session() as session:
            return bool(session.execute(statement).rowcount)  # type: ignore[attr-defined]

    def _withdraw(self, ref: str) -> None:
        entry_id = entry_of(ref)
        if entry_id is not None:
            self.writes.outbox.store.withdraw(entry_id, self.writes.outbox.clock.now())
