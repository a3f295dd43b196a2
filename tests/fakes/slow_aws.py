"""A slow AWS: an HTTP proxy in front of a moto server that counts calls and holds some back.

Every AWS call a CloudFabric process makes goes to ``CF_AWS_ENDPOINT_URL``; pointing that here
lets a test see each call (by API operation) and make chosen operations slow. A slowed call is
forwarded to moto at once (AWS acts on it) and its answer is held back for ``delay`` seconds, so
the caller is still waiting for the answer when the test does something to it.
"""

from __future__ import annotations

import http.client
import threading
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.fakes.local_server import LocalServer

HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "proxy-connection", "upgrade"}


def operation_of(body: bytes, headers: Any) -> str:
    """The API operation of an AWS request: ``Action=`` of the query protocols (EC2, STS...),
    else the ``X-Amz-Target`` of the JSON protocols, else ``?``. An EC2 dry run (the permission
    check made when a plan is filed) is ``<Action>:DryRun``, counted and held apart from the call.

    Args:
        body: the raw request body.
        headers: its headers.
    """
    target = headers.get("X-Amz-Target")
    if target:
        return str(target).rsplit(".", 1)[-1]
    query = parse_qs(body.decode("utf-8", "replace"))
    action = query.get("Action")
    if not action:
        return "?"
    return f"{action[0]}:DryRun" if query.get("DryRun") == ["true"] else action[0]


@dataclass
class SlowAws(LocalServer):
    """The proxy's state; ``start()`` binds it on 127.0.0.1, port 0.

    Attributes:
        upstream: base URL of the moto server.
        delays: operation -> seconds its answer is held back.
        seen: how many requests of each operation arrived.
    """

    upstream: str
    delays: dict[str, float] = field(default_factory=dict)
    seen: Counter[str] = field(default_factory=Counter)
    _cond: threading.Condition = field(default_factory=threading.Condition)
    _closing: threading.Event = field(default_factory=threading.Event)

    @property
    def url(self) -> str:
        """Base URL to give ``CF_AWS_ENDPOINT_URL``."""
        return self.root_url

    def stop(self) -> None:
        """Release every held answer and shut the server down."""
        self._closing.set()
        super().stop()

    def count(self, operation: str) -> int:
        """How many requests of ``operation`` arrived so far.

        Args:
            operation: e.g. ``StopInstances``.
        """
        with self._cond:
            return self.seen[operation]

    def wait_for(self, operation: str, count: int = 1, timeout: float = 30.0) -> None:
        """Block until ``count`` requests of ``operation`` arrived.

        Args:
            operation: e.g. ``StopInstances``.
            count: how many.
            timeout: seconds to wait.

        Raises:
            AssertionError: on timeout, listing what arrived.
        """
        with self._cond:
            if not self._cond.wait_for(lambda: self.seen[operation] >= count, timeout):
                raise AssertionError(f"no {count}x {operation} within {timeout}s: {self.seen}")

    def _arrived(self, operation: str) -> None:
        with self._cond:
            self.seen[operation] += 1
            self._cond.notify_all()

    def _hold(self, operation: str) -> None:
        self._closing.wait(self.delays.get(operation, 0.0))

    def _forward(self, method: str, path: str, headers: Any, body: bytes) -> tuple[int, Any, bytes]:
        target = urlsplit(self.upstream)
        connection = http.client.HTTPConnection(target.netloc, timeout=60)
        try:
            sent = {k: v for k, v in headers.items() if k.lower() not in HOP_BY_HOP}
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            return response.status, response.getheaders(), response.read()
        finally:
            connection.close()


class _Handler(BaseHTTPRequestHandler):
    state: SlowAws
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        return

    def _proxy(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        operation = operation_of(body, self.headers)
        self.state._arrived(operation)
        status, headers, answer = self.state._forward(self.command, self.path, self.headers, body)
        self.state._hold(operation)
        try:
            self.send_response(status)
            for key, value in headers:
                if key.lower() not in HOP_BY_HOP and key.lower() != "content-length":
                    self.send_header(key, value)
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)
            self.wfile.flush()
        except OSError:
            return  # the caller is gone (killed while it waited)

    def do_POST(self) -> None:
        self._proxy()

    def do_GET(self) -> None:
        self._proxy()


SlowAws.handler = _Handler
