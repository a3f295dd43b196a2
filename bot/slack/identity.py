"""Slack identity for the approval policy: user groups resolved with ``usergroups.users.list``,
owner tags (emails, user-group handles) with ``users.lookupByEmail`` and ``usergroups.list``."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from core import patterns
from core.clock import Clock
from tools.policy.owners import DirectoryUnavailable

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


class SlackDirectory:
    """Resolves owner tags through Slack: emails with ``users.lookupByEmail`` (scope
    ``users:read.email``), user-group handles with ``usergroups.list``.

    Answers, "nobody has it" included, are cached for ``ttl_seconds`` on the project clock;
    failed calls are not cached.
    """

    def __init__(self, client: WebClient, clock: Clock, ttl_seconds: float = 600.0) -> None:
        """Look up through ``client``.

        Args:
            client: the bot's Web API client.
            clock: the one source of "now" (the cache's expiry).
            ttl_seconds: how long an answer is kept.
        """
        self.client = client
        self.clock = clock
        self.ttl = timedelta(seconds=ttl_seconds)
        self._cache: dict[str, tuple[datetime, str | None]] = {}
        self._lock = threading.Lock()

    def user_by_email(self, email: str) -> str | None:
        """The Slack user id with ``email``, or None (``users_not_found``).

        Args:
            email: an address.

        Raises:
            DirectoryUnavailable: Slack refused for another reason (missing scope, say).
        """
        return self._cached(f"email:{email.lower()}", lambda: self._lookup_email(email))

    def usergroup_by_handle(self, handle: str) -> str | None:
        """The id of the user group with ``handle``, or None when no group has it.

        Args:
            handle: without ``@``, e.g. ``platform-team``.

        Raises:
            DirectoryUnavailable: Slack refused (missing ``usergroups:read``, say).
        """
        return self._cached(f"handle:{handle.lower()}", lambda: self._lookup_handle(handle))

    def _cached(self, key: str, ask: Callable[[], str | None]) -> str | None:
        now = self.clock.now()
        with self._lock:
            hit = self._cache.get(key)
        if hit and hit[0] > now:
            return hit[1]
        found = ask()
        with self._lock:
            self._cache[key] = (now + self.ttl, found)
        return found

    def _lookup_email(self, email: str) -> str | None:
        try:
            response = self.client.users_lookupByEmail(email=email)
        except SlackApiError as error:
            if error.response.get("error") == "users_not_found":
                return None
            raise _unavailable("users.lookupByEmail", error) from None
        user = response.get("user") or {}
        return None if user.get("deleted") else user.get("id")

    def _lookup_handle(self, handle: str) -> str | None:
        try:
            response = self.client.usergroups_list()
        except SlackApiError as error:
            raise _unavailable("usergroups.list", error) from None
        for group in response.get("usergroups") or []:
            if str(group.get("handle", "")).lower() == handle.lower():
                return str(group["id"])
        return None


def _unavailable(method: str, error: SlackApiError) -> DirectoryUnavailable:
    code = error.response.get("error")
    log.warning("%s failed: %s", method, code)
    hint = " (add the scope to the Slack app)" if code == "missing_scope" else ""
    return DirectoryUnavailable(f"Slack {method} failed: {code}{hint}")
