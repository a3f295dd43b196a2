"""Which alert incident a Slack conversation is about: the thread's root is the incident's
root message (stored under its ts, or under the outbox's name until that post went out)."""

from __future__ import annotations

from bot.slack.outbox.service import ref_of
from bot.slack.outbox.store import OutboxStore
from bot.slack.transport import Thread
from core.db import Database
from tools.alerts.thread_context import incident_context


class IncidentThreads:
    """Tells a hosted model about the incident whose thread a conversation is in.

    Args:
        db: the SQL store.
        outbox: the outbox that posted the incidents' roots.
    """

    def __init__(self, db: Database, outbox: OutboxStore) -> None:
        """Keep the store and the outbox."""
        self.db = db
        self.outbox = outbox

    def __call__(self, conversation: str) -> str | None:
        """The incident of ``conversation``'s thread quoted as data, or None.

        Args:
            conversation: ``team:channel:thread_ts``.
        """
        thread = Thread.of(conversation)
        if thread is None:
            return None
        roots = [thread.ts]
        posted = self.outbox.posted_as(thread.channel, thread.ts)
        if posted is not None and posted.id is not None:
            roots.append(ref_of(posted.id))
        return incident_context(self.db, thread.channel, roots)
