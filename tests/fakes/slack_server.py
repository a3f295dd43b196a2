"""A local Slack Web API: answers like Slack, records every call, fails when told to.

Response shapes follow the real payloads in ``shared/fixtures/slack/web_api_*.json``. Told to
(``limit_rate``), it enforces a per-channel rate on message writes as Slack does (about one a
second per channel, short bursts allowed): a write beyond it is answered HTTP 429 with a
``Retry-After`` header, and not performed.
"""

from __future__ import annotations

import itertools
import json
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qsl

from core.clock import Clock
from tests.conftest import SHARED
from tests.fakes.local_server import LocalServer

FIXTURES = SHARED / "fixtures" / "slack"
BOT_USER_ID = "W111"
BOT_ID = "B111"
TEAM_ID = "T111"


def fixture(name: str) -> dict[str, Any]:
    """A Slack fixture file as a dict.

    Args:
        name: file name under ``shared/fixtures/slack``.
    """
    return json.loads((FIXTURES / name).read_text())


@dataclass
class Call:
    """One Web API call the app made."""

    method: str
    params: dict[str, Any]
    token: str | None
    at: float = field(default_factory=time.monotonic)
    response: dict[str, Any] = field(default_factory=dict)


@dataclass
class Failure:
    """A scripted error for the next ``times`` calls of a method."""

    error: str
    times: int
    status: int = 200
    retry_after: int = 1


RATED_METHODS = frozenset({"chat.postMessage", "chat.update", "chat.delete"})
"""Message writes the per-channel rate applies to (Slack's "1 message per second" rule)."""


@dataclass
class ChannelRate:
    """A token bucket per channel: ``burst`` writes at once, refilled at ``per_second``."""

    per_second: float
    burst: int
    _tokens: dict[str, float] = field(default_factory=dict)
    _at: dict[str, float] = field(default_factory=dict)

    def take(self, channel: str, now: float) -> float | None:
        """Spend a token of ``channel``; None when there was one, else seconds until one is.

        Args:
            channel: the channel written to.
            now: ``time.monotonic()``.
        """
        elapsed = now - self._at.get(channel, now)
        tokens = min(self.burst, self._tokens.get(channel, self.burst) + elapsed * self.per_second)
        self._at[channel] = now
        if tokens >= 1:
            self._tokens[channel] = tokens - 1
            return None
        self._tokens[channel] = tokens
        return (1 - tokens) / self.per_second


@dataclass
class FakeSlack(LocalServer):
    """The server's state; start it with ``start()``."""

    calls: list[Call] = field(default_factory=list)
    failures: dict[str, list[Failure]] = field(default_factory=dict)
    usergroups: dict[str, list[str]] = field(default_factory=dict)
    handles: dict[str, str] = field(default_factory=dict)
    """User-group id -> handle, listed by ``usergroups.list``."""
    emails: dict[str, str] = field(default_factory=dict)
    """Email -> user id, answered by ``users.lookupByEmail`` (else ``users_not_found``)."""
    uploads: list[bytes] = field(default_factory=list)
    delays: dict[str, float] = field(default_factory=dict)
    channels: list[dict[str, Any]] = field(default_factory=list)
    """What ``conversations.list`` lists; a listed channel with ``is_member`` false refuses
    ``chat.postMessage`` with ``not_in_channel``, as Slack does."""
    members: dict[str, list[str]] = field(default_factory=dict)
    """Channel id -> member user ids, paged by ``conversations.members`` (an unknown channel
    answers ``channel_not_found``)."""
    rate: ChannelRate | None = None
    """Per-channel rate of message writes, when ``limit_rate`` set one."""
    held: dict[str, list[float]] = field(default_factory=dict)
    """Delays of the next calls of a method, one taken per call (see ``hold_next``)."""
    _cond: threading.Condition = field(default_factory=threading.Condition)
    _ts: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    @property
    def api_url(self) -> str:
        """Base URL to give ``CF_SLACK_API_URL``."""
        return self.root_url + "/api/"

    # -- scripting ------------------------------------------------------------------------

    def fail(self, method: str, error: str, times: int = 1, retry_after: int = 1) -> None:
        """Answer the next ``times`` calls of ``method`` with ``{"ok": false, "error": error}``.

        ``ratelimited`` answers HTTP 429 with ``Retry-After: <retry_after>`` like Slack;
        failures scripted one after the other are answered in that order.
        """
        status = 429 if error == "ratelimited" else 200
        failure = Failure(error, times, status, retry_after)
        self.failures.setdefault(method, []).append(failure)

    def limit_rate(self, per_second: float, burst: int = 1) -> None:
        """Enforce Slack's per-channel rate on message writes from now on.

        Args:
            per_second: writes per second per channel (Slack: about 1).
            burst: writes allowed at once before the rate applies.
        """
        self.rate = ChannelRate(per_second, burst)

    def _rate_limited(self, method: str, params: dict[str, Any]) -> Failure | None:
        """A 429 (with the seconds until a write may go) when the channel's rate is spent."""
        if self.rate is None or method not in RATED_METHODS:
            return None
        with self._cond:
            wait = self.rate.take(str(params.get("channel", "")), time.monotonic())
        if wait is None:
            return None
        return Failure("ratelimited", 1, 429, max(1, math.ceil(wait)))

    def hold_next(self, method: str, seconds: float) -> None:
        """Keep the next call of ``method`` waiting ``seconds`` after it was recorded (the
        call after it is answered at once, unlike ``delays``)."""
        with self._cond:
            self.held.setdefault(method, []).append(seconds)

    def _delay(self, method: str) -> float:
        with self._cond:
            held = self.held.get(method) or []
            return held.pop(0) if held else self.delays.get(method, 0.0)

    def _take_failure(self, method: str) -> Failure | None:
        with self._cond:
            queue = self.failures.get(method) or []
            if not queue:
                return None
            failure = queue[0]
            failure.times -= 1
            if failure.times <= 0:
                queue.pop(0)
            return failure

    # -- reading --------------------------------------------------------------------------

    def writes(self, channel: str | None = None) -> list[Call]:
        """Message writes Slack accepted (posts and edits), to ``channel`` or to any."""
        with self._cond:
            return [
                c
                for c in self.calls
                if c.method in RATED_METHODS
                and c.response.get("ok")
                and (channel is None or c.params.get("channel") == channel)
            ]

    def refused(self, error: str = "ratelimited") -> list[Call]:
        """Calls answered with ``error`` (429s by default)."""
        with self._cond:
            return [c for c in self.calls if c.response.get("error") == error]

    def calls_of(self, method: str) -> list[Call]:
        """Recorded calls of one method, oldest first."""
        with self._cond:
            return [c for c in self.calls if c.method == method]

    def wait_for(
        self,
        method: str,
        where: Callable[[Call], bool] = lambda _: True,
        count: int = 1,
        timeout: float = 60.0,
    ) -> list[Call]:
        """Block until ``count`` calls of ``method`` matching ``where`` were made.

        Raises:
            AssertionError: on timeout, listing the calls seen.
        """
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                found = [c for c in self.calls if c.method == method and where(c)]
                if len(found) >= count:
                    return found
                left = deadline - time.monotonic()
                if left <= 0:
                    seen = [(c.method, str(c.params)[:200]) for c in self.calls]
                    raise AssertionError(f"no {count}x {method}; calls: {seen}")
                self._cond.wait(left)

    def record(self, call: Call) -> None:
        """Store a call and wake waiters."""
        with self._cond:
            self.calls.append(call)
            self._cond.notify_all()

    def next_ts(self) -> str:
        """A fresh message timestamp."""
        return f"{int(Clock().timestamp())}.{next(self._ts):06d}"


class _Handler(BaseHTTPRequestHandler):
    state: FakeSlack
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        return

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length)
        if self.path.startswith("/upload/"):
            self.state.uploads.append(raw)
            self._send(200, b"OK - " + str(len(raw)).encode(), "text/plain")
            return
        method = self.path.removeprefix("/api/").split("?")[0]
        params = _params(raw, self.headers.get("Content-Type", ""))
        token = (self.headers.get("Authorization") or "").removeprefix("Bearer ") or None
        failure = self.state._take_failure(method) or self.state._rate_limited(method, params)
        if failure is not None:
            body = {"ok": False, "error": failure.error}
        else:
            body = _answer(self.state, method, params)
        delay = self.state._delay(method)
        self.state.record(Call(method, params, token, response=body))
        time.sleep(delay)  # a slow Slack, when told to be
        if failure is not None:
            headers = {"Retry-After": str(failure.retry_after)} if failure.status == 429 else {}
            self._json(failure.status, body, headers)
            return
        self._json(200, body)

    def _json(
        self, status: int, body: dict[str, Any], headers: dict[str, str] | None = None
    ) -> None:
        self._send(status, json.dumps(body).encode(), "application/json", headers)

    def _send(
        self, status: int, data: bytes, kind: str, headers: dict[str, str] | None = None
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)


def _params(raw: bytes, content_type: str) -> dict[str, Any]:
    text = raw.decode("utf-8") if raw else ""
    if "json" in content_type:
        return json.loads(text) if text else {}
    params: dict[str, Any] = dict(parse_qsl(text))
    for key in ("blocks", "view", "files", "attachments"):
        if isinstance(params.get(key), str) and params[key][:1] in "[{":
            params[key] = json.loads(params[key])
    return params


def _auth_test(state: FakeSlack, params: dict[str, Any]) -> dict[str, Any]:
    return {
        "ok": True,
        "url": "https://example.slack.com/",
        "team": "Example",
        "user": "cloudfabric",
        "team_id": TEAM_ID,
        "user_id": BOT_USER_ID,
        "bot_id": BOT_ID,
        "is_enterprise_install": False,
    }


def _post_message(state: FakeSlack, params: dict[str, Any]) -> dict[str, Any]:
    refused = _refused_post(state, str(params.get("channel", "")))
    if refused is not None:
        return refused
    answer = fixture("web_api_chat_postMessage_ok.json")
    ts = state.next_ts()
    message = {**answer["message"], "text": params.get("text", ""), "ts": ts}
    message.pop("attachments", None)
    message["blocks"] = params.get("blocks", [])
    if params.get("thread_ts"):
        message["thread_ts"] = params["thread_ts"]
    return {**answer, "channel": params.get("channel", "C111"), "ts": ts, "message": message}


def _refused_post(state: FakeSlack, channel: str) -> dict[str, Any] | None:
    """Slack's answer to a post in a listed channel the bot is not a member of."""
    listed = next((c for c in state.channels if c["id"] == channel), None)
    if listed is not None and not listed.get("is_member", True):
        return {"ok": False, "error": "not_in_channel"}
    return None


def _conversations_list(state: FakeSlack, params: dict[str, Any]) -> dict[str, Any]:
    """One page of ``state.channels``; the cursor is the index of the page's first channel."""
    start = int(params.get("cursor") or 0)
    size = int(params.get("limit") or 100)
    page = state.channels[start : start + size]
    following = start + size if start + size < len(state.channels) else ""
    shown = [{"is_channel": True, "is_archived": False, **c} for c in page]
    return {"ok": True, "channels": shown, "response_metadata": {"next_cursor": str(following)}}


def _conversation_members(state: FakeSlack, params: dict[str, Any]) -> dict[str, Any]:
    """One page of a channel's members; the cursor is the index of the page's first member."""
    channel = str(params.get("channel", ""))
    if channel not in state.members:
        return {"ok": False, "error": "channel_not_found"}
    start, size = int(params.get("cursor") or 0), int(params.get("limit") or 100)
    everyone = state.members[channel]
    following = start + size if start + size < len(everyone) else ""
    page = everyone[start : start + size]
    return {"ok": True, "members": page, "response_metadata": {"next_cursor": str(following)}}


def _update(state: FakeSlack, params: dict[str, Any]) -> dict[str, Any]:
    channel = params.get("channel", "C111")
    return {"ok": True, "channel": channel, "ts": params.get("ts"), "text": params.get("text")}


def _view(state: FakeSlack, params: dict[str, Any]) -> dict[str, Any]:
    view = params.get("view") or {}
    return {"ok": True, "view": {**view, "id": "V" + state.next_ts().replace(".", "")}}


def _upload_url(state: FakeSlack, params: dict[str, Any]) -> dict[str, Any]:
    file_id = "F" + state.next_ts().replace(".", "")
    base = state.api_url.removesuffix("api/")
    return {"ok": True, "upload_url": f"{base}upload/{file_id}", "file_id": file_id}


def _complete_upload(state: FakeSlack, params: dict[str, Any]) -> dict[str, Any]:
    files = params.get("files") or []
    return {"ok": True, "files": [{"id": f["id"], "title": f.get("title")} for f in files]}


def _conversation_info(state: FakeSlack, params: dict[str, Any]) -> dict[str, Any]:
    channel = params.get("channel", "C111")
    return {"ok": True, "channel": {"id": channel, "name": "general", "is_channel": True}}


def _lookup_by_email(state: FakeSlack, params: dict[str, Any]) -> dict[str, Any]:
    email = str(params.get("email", ""))
    found = next((uid for mail, uid in state.emails.items() if mail.lower() == email.lower()), None)
    if found is None:
        return {"ok": False, "error": "users_not_found"}
    user = {
        "id": found, "team_id": TEAM_ID, "name": email.split("@")[0], "deleted": False,
        "real_name": email.split("@")[0].capitalize(), "is_bot": False, "is_admin": False,
        "profile": {"email": email, "real_name": email.split("@")[0].capitalize()},
    }  # fmt: skip
    return {"ok": True, "user": user}


def _usergroups_list(state: FakeSlack, params: dict[str, Any]) -> dict[str, Any]:
    groups = [
        {
            "id": group, "team_id": TEAM_ID, "is_usergroup": True, "name": handle.title(),
            "description": "", "handle": handle, "is_external": False, "date_create": 1446598059,
            "date_update": 1446670362, "date_delete": 0, "auto_type": None,
            "created_by": "U060RNRCZ", "updated_by": "U060RNRCZ", "deleted_by": None,
            "prefs": {"channels": [], "groups": []},
            "user_count": len(state.usergroups.get(group, [])),
        }
        for group, handle in state.handles.items()
    ]  # fmt: skip
    return {"ok": True, "usergroups": groups}


ANSWERS: dict[str, Callable[[FakeSlack, dict[str, Any]], dict[str, Any]]] = {
    "auth.test": _auth_test,
    "chat.postMessage": _post_message,
    "chat.update": _update,
    "chat.postEphemeral": lambda state, _: {"ok": True, "message_ts": state.next_ts()},
    "views.open": _view,
    "views.publish": _view,
    "files.getUploadURLExternal": _upload_url,
    "files.completeUploadExternal": _complete_upload,
    "usergroups.users.list": lambda state, params: {
        "ok": True,
        "users": state.usergroups.get(params.get("usergroup", ""), []),
    },
    "users.lookupByEmail": _lookup_by_email,
    "usergroups.list": _usergroups_list,
    "conversations.info": _conversation_info,
    "conversations.list": _conversations_list,
    "conversations.members": _conversation_members,
    "reactions.add": lambda state, _: {"ok": True},
    "reactions.remove": lambda state, _: {"ok": True},
}
"""How the fake answers each Web API method it knows."""


def _answer(state: FakeSlack, method: str, params: dict[str, Any]) -> dict[str, Any]:
    handler = ANSWERS.get(method)
    return handler(state, params) if handler else {"ok": False, "error": "unknown_method"}


FakeSlack.handler = _Handler
