"""A channel's storm digest in Slack: one message listing the incidents of a storm that opened
no thread of their own (``tools.alerts.storm`` decides which), posted once and then edited.

An incident joining a digest is shown in the digest's edit before it is recorded as listed, so
a process that dies in between leaves it unlisted, and it is placed again at the next start;
the digest's post is found again by its purpose, so it is never posted twice by one replica.
"""

from __future__ import annotations

from bot.slack.outbox.service import entry_of
from bot.slack.writes import SlackWrites
from core.db import Database
from tools.alerts.models import IncidentRow
from tools.alerts.render_digest import digest_blocks, digest_text
from tools.alerts.storm import StormRules, digest_of, list_in, record_digest_message

DIGEST_PURPOSE = "alert-digest:"
"""Purpose of a digest's post: ``alert-digest:<digest id>``."""


class StormDigests:
    """Posts and edits the storm digests.

    Args:
        writes: the outbox-backed Slack writes.
        db: the SQL store.
        rules: the storm rules (shown in the digest).
    """

    def __init__(self, writes: SlackWrites, db: Database, rules: StormRules) -> None:
        """Keep the writer, the store and the rules."""
        self.writes, self.db, self.rules = writes, db, rules

    def add(self, digest_id: int, incident: IncidentRow, channel: str) -> None:
        """List ``incident`` in the digest: show the digest with it, then record it.

        Args:
            digest_id: the digest.
            incident: an incident with no root and no digest yet.
            channel: the digest's channel.
        """
        assert incident.id is not None
        self.show(digest_id, joining=incident)
        list_in(self.db, incident.id, digest_id, channel, self.writes.outbox.clock.now())

    def show(self, digest_id: int, joining: IncidentRow | None = None) -> None:
        """Post the digest, or edit it to list its incidents as they are now.

        Args:
            digest_id: the digest.
            joining: an incident about to be listed in it.
        """
        found = digest_of(self.db, digest_id)
        if found is None:
            return
        digest, incidents = found
        if joining is not None and all(i.id != joining.id for i in incidents):
            incidents.append(joining)
        blocks = digest_blocks(
            digest.channel, digest.opened_at, incidents, self.rules.threads, self.rules.window
        )
        text = digest_text(digest.channel, incidents)
        purpose = f"{DIGEST_PURPOSE}{digest_id}"
        ref = digest.message_ts or self.writes.posted_for(purpose)
        if ref is None:
            ref = self.writes.post(digest.channel, blocks, text, purpose=purpose)
            if ref is not None and not record_digest_message(self.db, digest_id, ref):
                self._withdraw(ref)  # another replica posted it first
                self.show(digest_id, joining)
            return
        if digest.message_ts is None:
            record_digest_message(self.db, digest_id, ref)
        self.writes.update(digest.channel, ref, blocks, text)

    def _withdraw(self, ref: str) -> None:
        entry_id = entry_of(ref)
        if entry_id is not None:
            self.writes.outbox.store.withdraw(entry_id, self.writes.outbox.clock.now())
