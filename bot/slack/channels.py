"""Channel names to ids: ``#ops`` or ``ops`` through ``conversations.list``, cached a while.

Workflows name their channels as people say them; Slack's Web API wants ids. The directory
reads every page of ``conversations.list`` (public and private channels the bot can see) and
keeps the names for ``ttl`` on the project's clock; a name it does not know makes it read again,
at most once per ``miss_every``, so a typo cannot hammer Slack. An id (``C0123...``) passes
through untouched.
"""

from __future__ import annotations

import threading
from datetime import datetime, timedelta
from typing import Any

from bot.slack.transport import SlackTransport
from core import patterns
from core.clock import Clock

CHANNEL_ID = patterns.compile(r"^[CGD][A-Z0-9]{2,40}$")
PAGE = 200
"""Channels asked for per ``conversations.list`` page."""
MAX_PAGES = 100
"""Pages read at most in one refresh (20,000 channels)."""


def channel_name(channel: str) -> str:
    """``channel`` without its ``#`` and surrounding space, lower-cased (Slack's names are).

    Args:
        channel: ``#ops``, ``ops`` or an id.
    """
    return channel.strip().removeprefix("#").lower()


class ChannelDirectory:
    """Resolves channel names to ids through Slack, with a cache on the project's clock."""

    def __init__(
        self,
        transport: SlackTransport,
        clock: Clock,
        ttl: timedelta = timedelta(minutes=10),
        miss_every: timedelta = timedelta(seconds=30),
    ) -> None:
        """Wire the directory.

        Args:
            transport: makes the Web API calls.
            clock: the one source of "now" (the cache's age).
            ttl: how long a read of the channel list is used.
            miss_every: the least time between two reads caused by unknown names.
        """
        self.transport, self.clock = transport, clock
        self.ttl, self.miss_every = ttl, miss_every
        self._ids: dict[str, str] = {}
        self._read_at: datetime | None = None
        self._lock = threading.Lock()

    def resolve(self, channel: str) -> str | None:
        """The id of ``channel`` (``#ops``, ``ops`` or an id); None when Slack knows no such
        channel that the bot can see.

        Args:
            channel: the channel as the workflow names it.

        Raises:
            SlackRefused: Slack refused to list the channels (a missing scope, say).
        """
        if CHANNEL_ID.search(channel.strip()):
            return channel.strip()
        name = channel_name(channel)
        with self._lock:
            if self._stale(name):
                self._read()
            return self._ids.get(name)

    def _stale(self, name: str) -> bool:
        """Whether to read the list again before answering for ``name``."""
        if self._read_at is None:
            return True
        age = self.clock.now() - self._read_at
        return age > self.ttl or (name not in self._ids and age > self.miss_every)

    def _read(self) -> None:
        """Read every page of the channel list into the cache."""
        ids: dict[str, str] = {}
        cursor = ""
        for _ in range(MAX_PAGES):
            page: Any = self.transport.send(
                "conversations.list",
                self.transport.client.conversations_list,
                types="public_channel,private_channel",
                exclude_archived=True,
                limit=PAGE,
                cursor=cursor or None,
            )
            for found in page.get("channels") or []:
                ids[str(found.get("name", "")).lower()] = str(found["id"])
            cursor = str((page.get("response_metadata") or {}).get("next_cursor") or "")
            if not cursor:
                break
        self._ids, self._read_at = ids, self.clock.now()
