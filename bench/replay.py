"""A recording proxy in front of a moto server, so a benchmark can model an AWS region's service
time without moto's CPU competing with the scanner for this machine's cores.

The first time a request is seen it is forwarded to moto; the proxy keeps moto's response and how
long moto took to produce it. Every later identical request gets the kept response after sleeping
that long, without touching moto: the server's work then costs wall time, as a real region's
does, but no CPU here. Requests are told apart by method, path, body and the signing credential
(access key, region, service), so the accounts and regions of a scan never share an answer.

Run: ``python -m bench.replay --upstream http://127.0.0.1:5000 --port 5001``.
``GET /__replay_stats`` answers ``{"forwarded": n, "replayed": m}``.
"""

from __future__ import annotations

import argparse
import http.client
import json
import re
import threading
import time
import urllib.parse
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

STATS_PATH = "/__replay_stats"
_CREDENTIAL = re.compile(r"Credential=([^/]+)/[^/]+/([^/]+)/([^/]+)/")
_HOP_BY_HOP = {"connection", "content-length", "date", "keep-alive", "server", "transfer-encoding"}

RequestKey = tuple[str, str, bytes, tuple[str, ...]]


@dataclass(frozen=True)
class Recorded:
    """One kept answer.

    Attributes:
        status: HTTP status moto returned.
        headers: moto's response headers, without hop-by-hop ones.
        body: the response body.
        service_seconds: how long moto took to answer, replayed as a sleep.
    """

    status: int
    headers: list[tuple[str, str]]
    body: bytes
    service_seconds: float


class Tape:
    """The kept answers, shared by the proxy's handler threads."""

    def __init__(self, upstream: str) -> None:
        parsed = urllib.parse.urlsplit(upstream)
        self.host = parsed.hostname or "127.0.0.1"
        self.port = parsed.port or 80
        self.lock = threading.Lock()
        self.answers: dict[RequestKey, Recorded] = {}
        self.forwarded = 0
        self.replayed = 0
        self.local = threading.local()

    def answer(self, key: RequestKey, headers: dict[str, str]) -> Recorded:
        """The kept answer for ``key`` (after its service time), or moto's, which is then kept."""
        with self.lock:
            kept = self.answers.get(key)
            if kept is not None:
                self.replayed += 1
        if kept is not None:
            time.sleep(kept.service_seconds)
            return kept
        recorded = self._forward(key, headers)
        with self.lock:
            self.answers[key] = recorded
            self.forwarded += 1
        return recorded

    def _forward(self, key: RequestKey, headers: dict[str, str]) -> Recorded:
        method, path, body, _ = key
        connection = getattr(self.local, "connection", None)
        if connection is None:
            connection = http.client.HTTPConnection(self.host, self.port, timeout=300)
            self.local.connection = connection
        started = time.perf_counter()
        connection.request(method, path, body=body or None, headers=headers)
        response = connection.getresponse()
        payload = response.read()
        elapsed = time.perf_counter() - started
        kept = [(k, v) for k, v in response.getheaders() if k.lower() not in _HOP_BY_HOP]
        return Recorded(response.status, kept, payload, elapsed)

    def stats(self) -> dict[str, int]:
        """How many requests went to moto and how many were answered from the tape."""
        with self.lock:
            return {"forwarded": self.forwarded, "replayed": self.replayed}


def request_key(method: str, path: str, body: bytes, authorization: str) -> RequestKey:
    """What tells two requests apart: method, path with query, body and signing scope."""
    match = _CREDENTIAL.search(authorization)
    scope = match.groups() if match else (authorization,)
    return (method, path, body, tuple(scope))


def make_handler(tape: Tape) -> type[BaseHTTPRequestHandler]:
    """A request handler class bound to ``tape``."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # headers and body go out without a delayed-ACK stall

        def _handle(self) -> None:
            if self.path == STATS_PATH:
                self._send(Recorded(200, [("Content-Type", "application/json")],
                                    json.dumps(tape.stats()).encode(), 0.0))  # fmt: skip
                return
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            key = request_key(self.command, self.path, body, self.headers.get("Authorization", ""))
            forward = {k: v for k, v in self.headers.items() if k.lower() != "connection"}
            self._send(tape.answer(key, forward))

        def _send(self, recorded: Recorded) -> None:
            self.send_response(recorded.status)
            for name, value in recorded.headers:
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(recorded.body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(recorded.body)

        do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _handle  # noqa: N815 (http.server names)

        def log_message(self, format: str, *args: object) -> None:
            """Quiet: the benchmark prints its own figures."""

    return Handler


def main() -> None:
    """Serve the proxy until terminated."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--upstream", required=True, help="moto server URL")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", args.port), make_handler(Tape(args.upstream)))
    server.daemon_threads = True
    server.serve_forever()


if __name__ == "__main__":
    main()
