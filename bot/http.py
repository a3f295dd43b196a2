"""The HTTP face of CloudFabric: Slack Events API, health, readiness and Prometheus metrics."""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Awaitable, Callable, Sequence

import uvicorn
from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST
from slack_bolt import BoltRequest, BoltResponse
from slack_sdk.signature import SignatureVerifier
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from bot.slack import signing
from bot.slack.runtime import SlackRuntime, build_runtime
from core.settings import Settings

log = logging.getLogger(__name__)
SLACK_PATH = "/slack/events"


def create_http_app(runtime: SlackRuntime) -> FastAPI:
    """The FastAPI app: ``/slack/events``, ``/healthz``, ``/readyz``, ``/metrics``.

    Args:
        runtime: the Slack runtime whose bolt app answers ``/slack/events``.
    """
    api = FastAPI(title="CloudFabric", docs_url=None, redoc_url=None)
    surface = runtime.surface
    secret = runtime.cloudfabric.settings.slack_signing_secret
    verifier = signing.verifier(secret, runtime.cloudfabric.clock) if secret else None

    @api.middleware("http")
    async def timed(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        started = time.perf_counter()
        response = await call_next(request)
        surface.metrics.http.labels(request.url.path).observe(time.perf_counter() - started)
        return response

    @api.post(SLACK_PATH)
    async def slack_events(request: Request) -> Response:
        if verifier is None:
            off = "HTTP events are off: CF_SLACK_SIGNING_SECRET is not set."
            return JSONResponse({"error": off}, status_code=404)
        bolt_request = _bolt_request(await request.body(), dict(request.headers), verifier)
        if isinstance(bolt_request, Response):
            return bolt_request
        # In the event loop on purpose: dispatch only verifies, de-duplicates, acks and
        # enqueues (about a millisecond); a thread hop would cost more than it saves.
        answer: BoltResponse = surface.bolt.dispatch(bolt_request)
        return Response(
            status_code=answer.status,
            content=answer.body,
            headers=answer.first_headers_without_set_cookie(),
        )

    @api.get("/healthz")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @api.get("/readyz")
    def readyz() -> JSONResponse:
        problems = _readiness_problems(runtime)
        if problems:
            return JSONResponse({"status": "unavailable", "problems": problems}, status_code=503)
        return JSONResponse({"status": "ready"})

    @api.get("/metrics")
    def metrics() -> Response:
        return Response(surface.metrics.exposition(), media_type=CONTENT_TYPE_LATEST)

    return api


def _readiness_problems(runtime: SlackRuntime) -> list[str]:
    """What keeps this replica from serving: the database, or in Socket Mode the socket."""
    problems = []
    try:
        with runtime.cloudfabric.db.session() as session:
            session.execute(text("SELECT 1"))
    except SQLAlchemyError as failure:
        log.warning("readiness: database unreachable: %s", failure)
        problems.append("database unreachable")
    if not runtime.socket_connected():
        problems.append("Slack socket disconnected")
    return problems


def _bolt_request(
    raw: bytes, headers: dict[str, str], verifier: SignatureVerifier
) -> BoltRequest | Response:
    """The request for bolt, or the answer to a body that is not a JSON or form object (401 when
    it is not even signed, 400 when it is)."""
    bolt_headers: dict[str, str | Sequence[str]] = dict(headers)
    try:
        bolt_request = BoltRequest(body=raw.decode("utf-8"), headers=bolt_headers)
        if not isinstance(bolt_request.body, dict):
            raise ValueError("body is not an object")
    except (ValueError, UnicodeDecodeError):
        if not verifier.is_valid_request(raw, headers):
            return JSONResponse({"error": "invalid request"}, status_code=401)
        return JSONResponse({"error": "malformed body"}, status_code=400)
    return bolt_request


class ServeError(Exception):
    """The settings do not allow serving (a clear sentence for the operator)."""


def check_serve_settings(settings: Settings, use_http: bool) -> None:
    """Raise ``ServeError`` when a token or secret the chosen transport needs is missing.

    Args:
        settings: runtime settings.
        use_http: True for the HTTP Events API, False for Socket Mode.
    """
    if not settings.slack_bot_token:
        raise ServeError("CF_SLACK_BOT_TOKEN is not set: copy the Bot User OAuth Token (xoxb-).")
    if use_http and not settings.slack_signing_secret:
        raise ServeError(
            "CF_SLACK_SIGNING_SECRET is not set: HTTP mode needs it to verify Slack's requests."
        )
    if not use_http and not (settings.slack_app_token or "").startswith("xapp-"):
        raise ServeError("CF_SLACK_APP_TOKEN must be an app-level token (xapp-) for Socket Mode.")


def tune_for_latency() -> None:
    """Let a thread waiting for the GIL get it after 1 ms instead of 5 ms.

    Acknowledgements share the process with agent turns running in worker threads; a
    shorter switch interval keeps their latency low at a small cost in throughput.
    """
    sys.setswitchinterval(0.001)


def http_server(runtime: SlackRuntime, host: str, port: int) -> uvicorn.Server:
    """A uvicorn server for the HTTP app (``port`` 0 picks a free port).

    Args:
        runtime: the Slack runtime.
        host: interface to bind.
        port: TCP port.
    """
    config = uvicorn.Config(
        create_http_app(runtime), host=host, port=port, log_level="info", access_log=False
    )
    return uvicorn.Server(config)


def serve(settings: Settings, *, force_http: bool, host: str, port: int) -> None:
    """Run the Slack app until interrupted: Socket Mode when an app token is set, else HTTP.

    The HTTP server always runs (health, readiness and metrics); in Socket Mode it also
    accepts ``/slack/events`` but Slack talks over the socket.

    Args:
        settings: runtime settings.
        force_http: use the HTTP Events API even when an app token is set.
        host: interface of the HTTP server.
        port: port of the HTTP server.
    """
    use_http = force_http or not settings.slack_app_token
    check_serve_settings(settings, use_http)
    tune_for_latency()
    runtime = build_runtime(settings)
    try:
        runtime.cloudfabric.start_background()
        runtime.start_card_retries()
        if not use_http:
            assert settings.slack_app_token is not None
            runtime.connect_socket(settings.slack_app_token)
            log.warning("connected to Slack over Socket Mode")
        http_server(runtime, host, port).run()
    finally:
        runtime.close()
