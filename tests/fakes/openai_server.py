"""A local OpenAI-compatible server: answers ``POST /v1/chat/completions`` from a script.

Each request takes the next scripted answer: a Chat Completions response (``tool_calls``
with JSON-encoded arguments and ``finish_reason: tool_calls``, or a text answer with
``finish_reason: stop``), or an HTTP error status. Every request body is recorded.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any

from tests.fakes.local_server import LocalServer

MODEL = "local-model"
USAGE = {"prompt_tokens": 812, "completion_tokens": 24, "total_tokens": 836}


def tool_calls(*calls: tuple[str, dict[str, Any]]) -> dict[str, Any]:
    """A Chat Completions response asking for tools, as OpenAI sends it.

    Args:
        *calls: (function name, arguments) pairs.
    """
    return _completion(
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {
                    "id": f"call_{index}{name[:8]}",
                    "type": "function",
                    "function": {"name": name, "arguments": json.dumps(args)},
                }
                for index, (name, args) in enumerate(calls)
            ],
        },
        "tool_calls",
    )


def answer(text: str) -> dict[str, Any]:
    """A Chat Completions response with a final text answer.

    Args:
        text: the assistant's words.
    """
    return _completion({"role": "assistant", "content": text}, "stop")


_ids = itertools.count(1)


def _completion(message: dict[str, Any], finish_reason: str) -> dict[str, Any]:
    return {
        "id": f"chatcmpl-{next(_ids):06d}",
        "object": "chat.completion",
        "created": 1767225600,
        "model": MODEL,
        "choices": [
            {"index": 0, "message": message, "logprobs": None, "finish_reason": finish_reason}
        ],
        "usage": USAGE,
        "system_fingerprint": "fp_local",
    }


@dataclass
class FakeOpenAI(LocalServer):
    """The server's script and what it was asked; start it with ``start()``."""

    script: deque[tuple[int, dict[str, Any]]] = field(default_factory=deque)
    requests: list[dict[str, Any]] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)
    holds: deque[float] = field(default_factory=deque)
    """Seconds the next requests wait before they are answered, one taken per request."""
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _released: threading.Event = field(default_factory=threading.Event)

    @property
    def base_url(self) -> str:
        """The URL to give ``CF_OPENAI_BASE_URL``."""
        return self.root_url + "/v1"

    def reply(self, body: dict[str, Any]) -> None:
        """Answer the next request with ``body`` (200).

        Args:
            body: a Chat Completions response.
        """
        self.script.append((200, body))

    def fail(self, status: int = 500) -> None:
        """Answer the next request with an HTTP error.

        Args:
            status: the status code.
        """
        error = {"message": "The server had an error", "type": "server_error", "code": None}
        self.script.append((status, {"error": error}))

    def hold_next(self, seconds: float) -> None:
        """Keep the next request waiting ``seconds`` (or until ``release``) before it takes
        its answer: a turn stalls inside its model call.

        Args:
            seconds: the longest wait.
        """
        with self._lock:
            self.holds.append(seconds)

    def release(self) -> None:
        """End every wait of ``hold_next`` now (and those to come)."""
        self._released.set()

    def wait_for_requests(self, count: int, timeout: float = 60.0) -> None:
        """Wait until ``count`` requests arrived.

        Raises:
            AssertionError: they did not within ``timeout`` seconds.
        """
        deadline = time.monotonic() + timeout
        while len(self.requests) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"{len(self.requests)} of {count} model requests arrived")
            time.sleep(0.05)

    def answer_next(
        self, body: dict[str, Any], headers: dict[str, str]
    ) -> tuple[int, dict[str, Any]]:
        """Record a request and take the next scripted answer (500 when none is left).

        Args:
            body: the request's JSON body.
            headers: its HTTP headers, names in lower case.
        """
        with self._lock:
            self.requests.append(body)
            self.headers.append(headers)
            hold = self.holds.popleft() if self.holds else 0.0
        if hold:
            self._released.wait(hold)
        with self._lock:
            if not self.script:
                return 500, {"error": {"message": "nothing scripted", "type": "server_error"}}
            return self.script.popleft()


class _Handler(BaseHTTPRequestHandler):
    state: FakeOpenAI

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = json.loads(self.rfile.read(length) or b"{}")
        if self.path.rstrip("/") != "/v1/chat/completions":
            self._send(404, {"error": {"message": f"no route {self.path}"}})
            return
        self._send(*self.state.answer_next(body, {k.lower(): v for k, v in self.headers.items()}))

    def _send(self, status: int, payload: dict[str, Any]) -> None:
        raw = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def log_message(self, format: str, *args: Any) -> None:
        return


FakeOpenAI.handler = _Handler
