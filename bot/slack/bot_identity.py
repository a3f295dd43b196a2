"""Who the bot is in Slack (``auth.test``), resolved once at start-up and off the request path.

bolt would otherwise call ``auth.test`` inside the first request it dispatches, on the event
loop: with a slow Slack the first acknowledgement, and every request queued behind it, waits.
Here a background thread asks with retries (exponential back-off) while the process already
answers ``/healthz``; ``/readyz`` and ``/slack/events`` say "not ready" until it is known, and
bolt authorizes every request from the stored answer without a network call.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from slack_bolt import BoltContext
from slack_bolt.authorization import AuthorizeResult
from slack_bolt.authorization.authorize import Authorize
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from tenacity import (
    Retrying,
    retry_if_exception,
    stop_when_event_set,
    wait_exponential,
)
from tenacity.wait import wait_base

log = logging.getLogger(__name__)
# Slack errors that no retry can fix: the token itself is refused.
FATAL_ERRORS = frozenset(
    {"invalid_auth", "not_authed", "account_inactive", "token_revoked", "token_expired"}
)


@dataclass(frozen=True)
class BotIdentity:
    """The bot as ``auth.test`` describes it.

    Attributes:
        user_id: the bot's user id (mentions look like ``<@user_id>``).
        bot_id: the bot id (messages it posts carry it).
        team_id: the workspace the token belongs to.
        enterprise_id: the enterprise, for Enterprise Grid.
    """

    user_id: str
    bot_id: str | None
    team_id: str | None
    enterprise_id: str | None


def _is_worth_retrying(error: BaseException) -> bool:
    if isinstance(error, SlackApiError):
        return str(error.response.get("error")) not in FATAL_ERRORS
    return isinstance(error, Exception)


class BotIdentityAuthorize(Authorize):
    """Resolves the bot identity in the background and authorizes bolt requests from it.

    Args:
        client: the bot's Web API client.
        wait: back-off between attempts (exponential, 0.5 s doubling up to 30 s by default).
    """

    def __init__(self, client: WebClient, wait: wait_base | None = None) -> None:
        """Nothing is asked until ``start``."""
        self.client = client
        self.wait = wait or wait_exponential(multiplier=0.5, max=30)
        self.identity: BotIdentity | None = None
        self.failure: str | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    @property
    def known(self) -> bool:
        """True once ``auth.test`` has answered."""
        return self.identity is not None

    def problem(self) -> str | None:
        """Why the bot is not ready yet (None when it is), for ``/readyz``."""
        if self.identity is not None:
            return None
        if self.failure:
            return f"Slack refused the bot token ({self.failure})"
        return "bot identity not known yet (waiting for Slack's auth.test)"

    def start(self, on_known: Callable[[], None] | None = None) -> None:
        """Resolve the identity in a daemon thread (once; later calls do nothing).

        Args:
            on_known: run in that thread once the identity is known (e.g. connect the socket).
        """
        with self._lock:
            if self._thread is not None:
                return
            self._thread = threading.Thread(
                target=self._resolve, args=(on_known,), name="bot-identity", daemon=True
            )
            self._thread.start()

    def stop(self) -> None:
        """Give up retrying (the process is shutting down)."""
        self._stop.set()

    def _resolve(self, on_known: Callable[[], None] | None) -> None:
        retrying = Retrying(
            wait=self.wait,
            retry=retry_if_exception(_is_worth_retrying),
            stop=stop_when_event_set(self._stop),
            before_sleep=lambda state: log.warning(
                "auth.test failed (attempt %d), retrying: %s",
                state.attempt_number,
                state.outcome.exception() if state.outcome else "-",
            ),
            reraise=True,
        )
        try:
            answer = retrying(self.client.auth_test)
        except Exception as error:  # noqa: BLE001 - any failure leaves /readyz saying why
            if isinstance(error, SlackApiError) and not _is_worth_retrying(error):
                self.failure = str(error.response.get("error"))
                log.error("Slack refused the bot token: %s", self.failure)
            else:
                log.warning("stopped asking auth.test: %s", error)
            return
        self.identity = _identity_of(answer)
        log.info("bot identity known: %s", self.identity.user_id)
        if on_known is not None:
            try:
                on_known()
            except Exception:
                log.exception("starting after the bot identity was known failed")

    def __call__(
        self,
        *,
        context: BoltContext,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None,
        actor_enterprise_id: str | None = None,
        actor_team_id: str | None = None,
        actor_user_id: str | None = None,
    ) -> AuthorizeResult | None:
        """bolt's authorize hook: the stored identity, never a network call."""
        identity = self.identity
        if identity is None:
            return None
        return AuthorizeResult(
            enterprise_id=identity.enterprise_id,
            team_id=identity.team_id,
            bot_user_id=identity.user_id,
            bot_id=identity.bot_id,
            bot_token=self.client.token,
            user_id=user_id,
        )


def _identity_of(answer: Any) -> BotIdentity:
    return BotIdentity(
        user_id=str(answer["user_id"]),
        bot_id=answer.get("bot_id"),
        team_id=answer.get("team_id"),
        enterprise_id=answer.get("enterprise_id"),
    )
