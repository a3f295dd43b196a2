"""A local PagerDuty REST API v2: ``GET /oncalls`` with the real response shapes.

It answers the on-call entries of its schedules that overlap ``since``..``until``, pages them
with ``limit`` / ``offset`` / ``more``, expands ``user`` to the full user (with ``email``) only
for ``include[]=users`` (otherwise a ``user_reference`` with id and summary, as PagerDuty
does), checks the ``Authorization: Token token=…`` header and the versioned ``Accept``, and
fails when told to (PagerDuty's error body: ``{"error": {"message", "code"}}``).
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from datetime import datetime
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.fakes.local_server import LocalServer

ACCEPT = "application/vnd.pagerduty+json;version=2"
BASE = "https://api.pagerduty.com"


@dataclass(frozen=True)
class Shift:
    """One on-call entry: a user on call in a schedule from ``start`` to ``end``."""

    schedule: str
    user_id: str
    name: str
    email: str
    start: datetime
    end: datetime
    level: int = 1


def _user(shift: Shift, full: bool) -> dict[str, Any]:
    reference = {
        "id": shift.user_id,
        "type": "user" if full else "user_reference",
        "summary": shift.name,
        "self": f"{BASE}/users/{shift.user_id}",
        "html_url": f"https://example.pagerduty.com/users/{shift.user_id}",
    }
    if full:
        reference |= {"name": shift.name, "email": shift.email, "time_zone": "Etc/UTC"}
    return reference


def _entry(shift: Shift, full: bool) -> dict[str, Any]:
    return {
        "escalation_policy": {
            "id": "PT20YPA", "type": "escalation_policy_reference", "summary": "Platform",
            "self": f"{BASE}/escalation_policies/PT20YPA",
            "html_url": "https://example.pagerduty.com/escalation_policies/PT20YPA",
        },
        "escalation_level": shift.level,
        "schedule": {
            "id": shift.schedule, "type": "schedule_reference", "summary": "Primary",
            "self": f"{BASE}/schedules/{shift.schedule}",
            "html_url": f"https://example.pagerduty.com/schedules/{shift.schedule}",
        },
        "user": _user(shift, full),
        "start": shift.start.isoformat(),
        "end": shift.end.isoformat(),
    }  # fmt: skip


@dataclass
class FakePagerDuty(LocalServer):
    """The server's state; start it with ``start()``."""

    token: str = "pd-test-token"
    shifts: list[Shift] = field(default_factory=list)
    failures: list[int] = field(default_factory=list)
    """HTTP statuses to answer the next requests with, in order."""
    requests: list[dict[str, list[str]]] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        """Base URL of the API."""
        return self.root_url

    def answer(self, headers: dict[str, str], query: dict[str, list[str]]) -> tuple[int, Any]:
        """Status and JSON body for one ``GET /oncalls``."""
        with self._lock:
            self.requests.append(query)
            failure = self.failures.pop(0) if self.failures else None
        if failure is not None:
            return failure, {"error": {"message": "Internal Server Error", "code": 2001}}
        if headers.get("authorization") != f"Token token={self.token}":
            return 401, {"error": {"message": "Unauthorized", "code": 2006}}
        if headers.get("accept") != ACCEPT:
            return 406, {"error": {"message": "Not Acceptable", "code": 2000}}
        return 200, self._oncalls(query)

    def _oncalls(self, query: dict[str, list[str]]) -> dict[str, Any]:
        since = datetime.fromisoformat(query["since"][0])
        until = datetime.fromisoformat(query["until"][0])
        schedules = set(query.get("schedule_ids[]", []))
        full = "users" in query.get("include[]", [])
        limit, offset = int(query.get("limit", ["25"])[0]), int(query.get("offset", ["0"])[0])
        found = [
            s for s in self.shifts
            if (not schedules or s.schedule in schedules) and s.start < until and s.end > since
        ]  # fmt: skip
        page = found[offset : offset + limit]
        return {
            "oncalls": [_entry(s, full) for s in page],
            "limit": limit,
            "offset": offset,
            "more": offset + limit < len(found),
            "total": None,
        }


class _Handler(BaseHTTPRequestHandler):
    state: FakePagerDuty

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        if parts.path != "/oncalls":
            self._send(404, {"error": {"message": "Not Found", "code": 2100}})
            return
        headers = {k.lower(): v for k, v in self.headers.items()}
        self._send(*self.state.answer(headers, parse_qs(parts.query)))

    def _send(self, status: int, body: Any) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: Any) -> None:
        """Quiet."""


FakePagerDuty.handler = _Handler
