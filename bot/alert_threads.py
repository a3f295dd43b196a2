"""One Slack thread per incident, in the alerts channel, through the durable outbox.

The first alert of an incident posts its thread root, in the channel the routing rules pick
for it (``alerts_routes``, else ``alerts_channel``); later alerts (repeats, a resolve) edit
that same message (count, last seen, state); the outbox keeps only the newest unsent edit of a
message, so a storm of repeats costs a few edits, paced per channel. Alerts are quoted as data.

The intake only names the incidents to show (after their alerts are committed); a background
thread shows them, each once however many alerts arrived meanwhile, so the sender's 200 does not
wait for Slack's bookkeeping. When it starts, it first shows every open incident whose root was
never posted (a process that died between committing an alert and queueing its post); a root
queued before such a death is found again by its purpose, so no incident gets two roots.

In a storm, a channel gets at most ``alerts_storm_threads`` new roots per storm window; the
incidents beyond are listed in the channel's storm digest (``bot.alert_digests``), whose one
message their repeats and resolves edit.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from datetime import datetime

from sqlmodel import col, exists, select, update

from bot.alert_digests import StormDigests
from bot.slack.outbox.service import entry_of
from bot.slack.writes import SlackWrites
from core.db import Database
from tools.alerts.models import AlertRow, IncidentRow
from tools.alerts.owners import owner_of, tags_of
from tools.alerts.render import incident_blocks, incident_text
from tools.alerts.routing import Router, facts_of
from tools.alerts.storm import StormRules, digest_for

log = logging.getLogger(__name__)
ROOT_PURPOSE = "alert-root:"
"""Purpose of an incident's root post: ``alert-root:<incident id>``."""
OnPosted = Callable[[int, str, str], None]
"""Told (incident id, channel, root ts or ``outbox-`` name) when a root is first queued."""


class AlertThreads:
    """Posts and edits the thread root of each incident.

    Args:
        writes: the outbox-backed Slack writes.
        db: the SQL store (incidents, alerts, inventory).
        channel: the channel incidents open their threads in when no route picks one.
        storm: new roots allowed per window (None: no limit).
        on_posted: told when an incident's root is first queued (its chart follows).
        router: picks each incident's channel from its first alert (``alerts_routes``).
    """

    def __init__(
        self,
        writes: SlackWrites,
        db: Database,
        channel: str,
        storm: StormRules | None = None,
        on_posted: OnPosted | None = None,
        router: Router | None = None,
    ) -> None:
        """Keep the writer, the store, the channel, the storm rules and who hears of roots."""
        self.writes = writes
        self.db = db
        self.channel = channel
        self.storm = storm
        self.digests = StormDigests(writes, db, storm) if storm is not None else None
        self.on_posted = on_posted
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
        """Open incidents whose thread root was never posted (nor listed in a digest), and that
        have an alert no silence kept off Slack."""
        unsilenced = exists().where(
            col(AlertRow.incident_id) == IncidentRow.id, col(AlertRow.silence_id).is_(None)
        )
        query = select(IncidentRow.id).where(
            IncidentRow.status == "open",
            col(IncidentRow.message_ts).is_(None),
            col(IncidentRow.digest_id).is_(None),
            unsilenced,
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
        """Post or edit the thread root (or the digest line) of each incident, now; a failure
        is logged and the others are still shown. A digest is edited once per call.

        Args:
            incident_ids: the incidents.
        """
        digests: set[int] = set()
        for incident_id in incident_ids:
            try:
                digest_id = self._show(incident_id)
            except Exception:
                log.exception("showing alert incident %s failed", incident_id)
                continue
            if digest_id is not None:
                digests.add(digest_id)
        for digest_id in sorted(digests):
            try:
                if self.digests is not None:
                    self.digests.show(digest_id)
            except Exception:
                log.exception("showing alert digest %s failed", digest_id)

    def _show(self, incident_id: int) -> int | None:
        """Show one incident; returns the digest to edit when a digest lists it already."""
        with self.db.session() as session:
            incident = session.get(IncidentRow, incident_id)
            first = session.exec(
                select(AlertRow)
                .where(AlertRow.incident_id == incident_id)
                .order_by(col(AlertRow.id))
                .limit(1)
            ).first()
        if incident is None:
            return None
        if incident.digest_id is not None:
            return incident.digest_id
        description = first.description if first is not None else ""
        blocks = incident_blocks(incident, owner_of(self.db, incident.resource), description)
        text = incident_text(incident)
        if incident.message_ts and incident.channel:
            self.writes.update(incident.channel, incident.message_ts, blocks, text)
            return None
        channel = self.channel_of(first)
        if not channel:
            log.info("alert incident %s matches no route and no alerts channel", incident_id)
            return None
        now = self.writes.outbox.clock.now()
        purpose = f"{ROOT_PURPOSE}{incident_id}"
        queued = self.writes.posted_for(purpose)  # by a process that died before recording it
        if queued is not None:
            self._rooted(incident_id, queued, now, channel)
            return None
        if self.storm is not None and self.digests is not None:
            digest_id = digest_for(self.db, channel, now, self.storm)
            if digest_id is not None:
                self.digests.add(digest_id, incident, channel)
                return None
        ref = self.writes.post(channel, blocks, text, purpose=purpose)
        if ref is not None and not self._rooted(incident_id, ref, now, channel):
            self._withdraw(ref)  # another replica posted this incident's root first
        return None

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

    def _rooted(self, incident_id: int, ref: str, now: datetime, channel: str) -> bool:
        """Record the root, and tell ``on_posted`` (its chart follows); False when another
        replica recorded one first."""
        if not self._record(incident_id, ref, now, channel):
            return False
        if self.on_posted is not None:
            self.on_posted(incident_id, channel, ref)
        return True

    def _record(self, incident_id: int, ref: str, now: datetime, channel: str) -> bool:
        """Remember where the root is, unless another replica did first."""
        statement = (
            update(IncidentRow)
            .where(
                col(IncidentRow.id) == incident_id,
                col(IncidentRow.message_ts).is_(None),
                col(IncidentRow.digest_id).is_(None),
            )
            .values(message_ts=ref, channel=channel, root_at=now)
        )
        with self.db.session() as session:
            return bool(session.execute(statement).rowcount)  # type: ignore[attr-defined]

    def _withdraw(self, ref: str) -> None:
        entry_id = entry_of(ref)
        if entry_id is not None:
            self.writes.outbox.store.withdraw(entry_id, self.writes.outbox.clock.now())
