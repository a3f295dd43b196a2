"""The HTTP face of CloudFabric: Slack Events API, health, readiness and Prometheus metrics."""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable, Sequence

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST
from slack_bolt import BoltRequest, BoltResponse
from slack_sdk.signature import SignatureVerifier
from sqlalchemy import text
from starlette.concurrency import run_in_threadpool

from bot.slack.runtime import SlackRuntime

log = logging.getLogger(__name__)
SLACK_PATH = "/slack/events"


def create_http_app(runtime: SlackRuntime) -> FastAPI:
    """The FastAPI app: ``/slack/events``, ``/healthz``, ``/readyz``, ``/metrics``.

    Args:
        runtime: the Slack runtime whose bolt app answers ``/slack/events``.
    """
    api = FastAPI(title="CloudFabric", docs_url=None, redoc_url=None)
    surface = runtime.surface
    verifier = SignatureVerifier(runtime.cloudfabric.settings.slack_signing_secret or "")

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
        raw = await request.body()
        headers: dict[str, str | Sequence[str]] = dict(request.headers)
        try:
            bolt_request = BoltRequest(body=raw.decode("utf-8"), headers=headers)
            if not isinstance(bolt_request.body, dict):
                raise ValueError("body is not an object")
        except (ValueError, UnicodeDecodeError):
            if not verifier.is_valid_request(raw, dict(request.headers)):
                return JSONResponse({"error": "invalid request"}, status_code=401)
            return JSONResponse({"error": "malformed body"}, status_code=400)
        answer: BoltResponse = await run_in_threadpool(surface.bolt.dispatch, bolt_request)
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
        problems = []
        try:
            with runtime.cloudfabric.db.session() as session:
                session.execute(text("SELECT 1"))
        except Exception as failure:
            log.warning("readiness: database unreachable: %s", failure)
            problems.append("database unreachable")
        if not runtime.socket_connected():
            problems.append("Slack socket disconnected")
        if problems:
            return JSONResponse({"status": "unavailable", "problems": problems}, status_code=503)
        return JSONResponse({"status": "ready"})

    @api.get("/metrics")
    def metrics() -> Response:
        return Response(surface.metrics.exposition(), media_type=CONTENT_TYPE_LATEST)

    return api
