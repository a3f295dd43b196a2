"""Slack identity for the approval policy: user groups resolved with ``usergroups.users.list``."""

from __future__ import annotations

import logging
import threading
import time

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from core import patterns

log = logging.getLogger(__name__)
USERGROUP_ID = patterns.compile(r"^S[A-Z0-9]{2,}$")


class SlackUserGroups:
    """Resolves ``@S0123ABC`` policy principals to the Slack user ids in that user group.

    Names that are not Slack user-group ids resolve to nothing, so the policy falls back to
    ``CF_APPROVER_GROUPS``. Answers are cached for ``ttl_seconds``.
    """

    def __init__(self, client: WebClient, ttl_seconds: float = 300.0) -> None:
        """Resolve through ``client``.

        Args:
            client: the bot's Web API client.
            ttl_seconds: how long a group's members are cached.
        """
        self.client = client
        self.ttl = ttl_seconds
        self._cache: dict[str, tuple[float, set[str]]] = {}
        self._lock = threading.Lock()

    def __call__(self, group: str) -> set[str]:
        """User ids in ``group`` (empty when it is not a Slack user group or the call fails).

        Args:
            group: a Slack user-group id such as ``S0614TZR7``.
        """
        if not USERGROUP_ID.match(group):
            return set()
        with self._lock:
            cached = self._cache.get(group)
        if cached and cached[0] > time.monotonic():
            return cached[1]
        try:
            response = self.client.usergroups_users_list(usergroup=group)
        except SlackApiError as error:
            log.warning("usergroups.users.list %s failed: %s", group, error.response.get("error"))
            return set()
        members = set(response.get("users") or [])
        with self._lock:
            self._cache[group] = (time.monotonic() + self.ttl, members)
        return members
