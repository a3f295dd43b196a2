"""Who is on call in a PagerDuty schedule at an instant (REST API v2, ``GET /oncalls``).

The on-call entries of one schedule over a one-second window around the instant are read with
``include[]=users`` (without it an entry's user carries only its id and name), every page
followed (``more`` / ``offset``). Each user's email is mapped to a chat user id (Slack's
``users.lookupByEmail``). Transient failures (connection errors, 429, 5xx) are retried a few
times with back-off; when PagerDuty still cannot answer, ``OnCallUnavailable`` says why.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import Any

import httpx
from tenacity import (
    retry,
    retry_if_exception,
    stop_after_attempt,
    wait_exponential,
)

from tools.policy.rotations import OnCallUnavailable

log = logging.getLogger(__name__)
API_URL = "https://api.pagerduty.com"
ACCEPT = "application/vnd.pagerduty+json;version=2"
PAGE = 100
MAX_PAGES = 20
"""At most this many pages are read (2,000 entries for one instant is far more than real)."""
RECENT = 64
"""Answers kept for the same schedule and instant (one decision asks several times)."""
EmailToUser = Callable[[str], str | None]
"""Maps an email address to a chat user id (None when nobody has it)."""


def _transient(error: BaseException) -> bool:
    if isinstance(error, httpx.TransportError):
        return True
    if isinstance(error, httpx.HTTPStatusError):
        return error.response.status_code == 429 or error.response.status_code >= 500
    return False


class PagerDutySchedules:
    """Reads who is on call in PagerDuty schedules."""

    def __init__(
        self,
        token: str,
        email_to_user: EmailToUser | None = None,
        api_url: str = API_URL,
        timeout: float = 5.0,
        attempts: int = 3,
    ) -> None:
        """Use the API at ``api_url`` with a REST API ``token``.

        Args:
            token: a PagerDuty REST API key (read-only is enough).
            email_to_user: maps an on-call user's email to a chat user id; the email itself
                is used when not given.
            api_url: base URL of the REST API (a local server in tests).
            timeout: seconds per HTTP request.
            attempts: tries per page for transient failures.
        """
        self.email_to_user = email_to_user or (lambda email: email)
        self.attempts = attempts
        self._recent: dict[tuple[str, datetime], list[str]] = {}
        self._http = httpx.Client(
            base_url=api_url.rstrip("/"),
            timeout=timeout,
            headers={"Authorization": f"Token token={token}", "Accept": ACCEPT},
        )

    def close(self) -> None:
        """Close the HTTP connection pool."""
        self._http.close()

    @property
    def closed(self) -> bool:
        """True once ``close`` has released the connection pool."""
        return self._http.is_closed

    def on_call(self, schedule: str, at: datetime) -> list[str]:
        """Chat user ids on call in ``schedule`` at ``at`` (by escalation level, then order).

        Args:
            schedule: the PagerDuty schedule id, e.g. ``PI7DH85``.
            at: the instant (aware).

        Raises:
            OnCallUnavailable: PagerDuty could not be reached or refused the request.
        """
        cached = self._recent.get((schedule, at))
        if cached is not None:
            return list(cached)
        found: list[str] = []
        entries = sorted(self._entries(schedule, at), key=lambda e: e.get("escalation_level", 1))
        for entry in entries:
            user = entry.get("user") or {}
            email = user.get("email")
            who = self.email_to_user(email) if email else None
            if who is None:
                log.warning("on-call user %s of %s has no chat account", user.get("id"), schedule)
            elif who not in found:
                found.append(who)
        if len(self._recent) >= RECENT:
            self._recent.clear()
        self._recent[(schedule, at)] = found
        return list(found)

    def _entries(self, schedule: str, at: datetime) -> Iterator[dict[str, Any]]:
        params: dict[str, Any] = {
            "schedule_ids[]": schedule,
            "include[]": "users",
            "since": at.isoformat(),
            "until": (at + timedelta(seconds=1)).isoformat(),
            "limit": PAGE,
        }
        for page in range(MAX_PAGES):
            body = self._page({**params, "offset": page * PAGE}, schedule)
            yield from body.get("oncalls") or []
            if not body.get("more"):
                return

    def _page(self, params: dict[str, Any], schedule: str) -> dict[str, Any]:
        fetch = retry(
            retry=retry_if_exception(_transient),
            stop=stop_after_attempt(self.attempts),
            wait=wait_exponential(multiplier=0.2, max=2),
            reraise=True,
        )(self._get)
        try:
            return fetch(params)
        except httpx.HTTPStatusError as error:
            raise OnCallUnavailable(_refusal(schedule, error.response)) from None
        except httpx.HTTPError as error:
            raise OnCallUnavailable(
                f"PagerDuty could not be reached for schedule {schedule} "
                f"({type(error).__name__}: {error})"
            ) from None
        except ValueError:
            raise OnCallUnavailable(
                f"PagerDuty answered schedule {schedule} with no JSON"
            ) from None

    def _get(self, params: dict[str, Any]) -> dict[str, Any]:
        response = self._http.get("/oncalls", params=params)
        response.raise_for_status()
        body = response.json()
        if not isinstance(body, dict):
            raise ValueError("not a JSON object")
        return body


def _refusal(schedule: str, response: httpx.Response) -> str:
    try:
        error = response.json().get("error") or {}
        said = f": {error.get('message')}" + (
            f" ({'; '.join(error['errors'])})" if error.get("errors") else ""
        )
    except (ValueError, AttributeError):
        said = ""
    hint = {401: " (check CF_PAGERDUTY_TOKEN)", 403: " (the token may not read schedules)"}
    status = response.status_code
    return (
        f"PagerDuty refused the on-call lookup for schedule {schedule}: HTTP {status}{said}"
        f"{hint.get(status, '')}"
    )
