"""The HTTP face of CloudFabric: Slack Events API, workflow webhooks, alert intake, health,
readiness and Prometheus metrics."""

from __future__ import annotations

import gc
import logging
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from functools import partial

import uvicorn
from fastapi import FastAPI, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from prometheus_client import CONTENT_TYPE_LATEST
from slack_bolt import BoltRequest, BoltResponse

from bot import alert_intake, workflow_hooks
from bot.alert_threads import AlertThreads
from bot.http_body import BodyRejected, decode_text, read_capped
from bot.readiness import readiness
from bot.slack.envelope import parse_envelope
from bot.slack.runtime import SlackRuntime, build_runtime
from bot.slack.signing import is_signed
from bot.workflow_events import start_event_runs
from core.settings import Settings
from tools.alerts.intake import AlertIntake
from tools.alerts.routing import Router
from tools.alerts.sns_signature import FETCH_KEY, https_get
from tools.alerts.storm import StormRules

log = logging.getLogger(__name__)
SLACK_PATH = "/slack/events"
# Answered by bolt without knowing who the bot is (the URL check when the app is configured).
WITHOUT_IDENTITY = ("url_verification", "ssl_check")


def create_http_app(runtime: SlackRuntime) -> FastAPI:
    """The FastAPI app: ``/slack/events``, ``/workflows/hooks/{token}``, ``/alerts/*``,
    ``/healthz``, ``/readyz``, ``/metrics``.

    Starting the app (its lifespan) starts resolving the bot identity and delivering the Slack
    outbox in the background.

    Args:
        runtime: the Slack runtime whose bolt app answers ``/slack/events``.
    """

    threads = _alert_threads(runtime)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        runtime.start_identity()
        runtime.start_delivery()
        if threads is not None:
            threads.start()
        yield
        if threads is not None:
            threads.stop()

    api = FastAPI(title="CloudFabric", docs_url=None, redoc_url=None, lifespan=lifespan)
    surface = runtime.surface

    @api.middleware("http")
    async def timed(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        started = time.perf_counter()
        response = await call_next(request)
        route = request.scope.get("route")
        path = route.path if isinstance(route, APIRoute) else "unrouted"
        surface.metrics.http.labels(path).observe(time.perf_counter() - started)
        return response

    @api.post(SLACK_PATH)
    async def slack_events(request: Request) -> Response:
        return await _slack_events(request, runtime)

    workflow_hooks.register(api, runtime.cloudfabric)
    cloudfabric = runtime.cloudfabric
    fetch = cloudfabric.extras.get(FETCH_KEY)
    intake = AlertIntake(
        cloudfabric.settings,
        cloudfabric.db,
        cloudfabric.clock,
        fetch=fetch if callable(fetch) else https_get,
        on_stored=threads.show if threads is not None else None,
    )
    alert_intake.register(api, intake, on_event=partial(start_event_runs, cloudfabric))

    @api.get("/healthz")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @api.get("/readyz")
    def readyz() -> JSONResponse:
        state = readiness(runtime)
        return JSONResponse(state.body(), status_code=503 if state.problems else 200)

    @api.get("/metrics")
    def metrics() -> Response:
        return Response(surface.metrics.exposition(), media_type=CONTENT_TYPE_LATEST)

    return api


def _alert_threads(runtime: SlackRuntime) -> AlertThreads | None:
    """Threads of incidents in their routed channel (``alerts_routes``, else ``alerts_channel``),
    when either is set.

    Args:
        runtime: the Slack runtime (its outbox carries the threads).
    """
    cf = runtime.cloudfabric
    router = Router.from_settings(cf.settings)
    if not router.active:
        return None
    storm = StormRules.from_settings(cf.settings)
    charts = runtime.charts.request if runtime.charts is not None else None
    transport = runtime.surface.transport
    return AlertThreads(
        transport, cf.db, router.fallback or "", storm, on_posted=charts, router=router
    )


async def _slack_events(request: Request, runtime: SlackRuntime) -> Response:
    """Answer one Slack Events API / interactivity request.

    Args:
        request: the incoming request.
        runtime: the Slack runtime.
    """
    surface = runtime.surface
    if not runtime.cloudfabric.settings.slack_signing_secret:
        off = "HTTP events are off: CF_SLACK_SIGNING_SECRET is not set."
        return JSONResponse({"error": off}, status_code=404)
    try:
        bolt_request = await _verified_slack_request(request, runtime)
    except BodyRejected as rejected:
        return rejected.response()
    needs_identity = bolt_request.body.get("type") not in WITHOUT_IDENTITY
    if needs_identity and not surface.identity.known:
        starting = {"error": "Starting: the bot identity is not known yet; retry shortly."}
        return JSONResponse(starting, status_code=503, headers={"Retry-After": "1"})
    answer: BoltResponse
    if surface.durable:  # recording the request is a database commit: off the event loop
        answer = await run_in_threadpool(surface.bolt.dispatch, bolt_request)
    else:  # in the loop on purpose: a hand-off to the pool is far cheaper than a thread hop
        answer = surface.bolt.dispatch(bolt_request)
    return Response(
        status_code=answer.status,
        content=answer.body,
        headers=answer.first_headers_without_set_cookie(),
    )


async def _verified_slack_request(request: Request, runtime: SlackRuntime) -> BoltRequest:
    """The request for bolt: size capped (413), signed (401), then parsed and checked (400).

    Args:
        request: the incoming request.
        runtime: the Slack runtime (settings and clock).

    Raises:
        BodyRejected: the status and sentence to answer with.
    """
    settings = runtime.cloudfabric.settings
    raw = await read_capped(request, settings.http_max_body_bytes)
    now = runtime.cloudfabric.clock.timestamp()
    if not is_signed(settings.slack_signing_secret or "", raw, request.headers, now):
        raise BodyRejected(401, "The request is not signed by Slack (or the signature is stale).")
    body = decode_text(raw)
    content_type = request.headers.get("content-type", "").split(";")[0].strip() or None
    parse_envelope(body, content_type)
    headers: dict[str, str | Sequence[str]] = dict(request.headers)
    try:
        return BoltRequest(body=body, headers=headers)
    except (AttributeError, KeyError, IndexError, TypeError, ValueError) as error:
        raise BodyRejected(400, f"Not a Slack payload ({type(error).__name__}).") from None


class ServeError(Exception):
    """The settings do not allow serving (a clear sentence for the operator)."""


def check_serve_settings(settings: Settings, use_http: bool) -> None:
    """Raise ``ServeError`` when a token or secret the chosen transport needs is missing.

    Args:
        settings: runtime settings.
        use_http: True for the HTTP Events API, False for Socket Mode.
    """
    check_policy_file(settings)
    if not settings.slack_bot_token:
        raise ServeError("CF_SLACK_BOT_TOKEN is not set: copy the Bot User OAuth Token (xoxb-).")
    if use_http and not settings.slack_signing_secret:
        raise ServeError(
            "CF_SLACK_SIGNING_SECRET is not set: HTTP mode needs it to verify Slack's requests."
        )
    if not use_http and not (settings.slack_app_token or "").startswith("xapp-"):
        raise ServeError("CF_SLACK_APP_TOKEN must be an app-level token (xapp-) for Socket Mode.")


def check_policy_file(settings: Settings) -> None:
    """Raise ``ServeError`` naming the line and the reason when the policy file is invalid.

    Args:
        settings: runtime settings (``approval_policy_file``).
    """
    from tools.policy.loader import PolicyFileError, load_policy

    if settings.approval_policy_file is None:
        return
    try:
        load_policy(settings.approval_policy_file)
    except PolicyFileError as error:
        raise ServeError(f"Refusing to start: {error}") from None


def tune_for_latency() -> None:
    """Let a thread waiting for the GIL get it after 1 ms instead of 5 ms.

    Acknowledgements share the process with agent turns running in worker threads; a
    shorter switch interval keeps their latency low at a small cost in throughput.
    """
    sys.setswitchinterval(0.001)


def freeze_startup_heap() -> None:
    """Keep what start-up built out of the garbage collector's full collections.

    A process holds a large heap of long-lived objects once its services are built (the
    sandbox estate, the offline model); a full collection walked all of it, stalling every
    request of the process at once (about half a second: with every ack recording a run,
    the ack bench's p99 went to 600 ms). ``gc.freeze()`` moves them to the permanent
    generation, so collections walk only what requests create.
    """
    gc.collect()
    gc.freeze()


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
    accepts ``/slack/events`` but Slack talks over the socket. The durable engine always
    runs: every accepted request is recorded on its queue before Slack's 200, and this
    process's queue workers run it unless ``durable_listen`` is false (then
    ``cloudfabric worker`` processes do).

    Args:
        settings: runtime settings.
        force_http: use the HTTP Events API even when an app token is set.
        host: interface of the HTTP server.
        port: port of the HTTP server.
    """
    use_http = force_http or not settings.slack_app_token
    check_serve_settings(settings, use_http)
    tune_for_latency()
    settings = settings.model_copy(update={"durable_enabled": True})  # intake is durable
    runtime = build_runtime(settings)
    try:
        runtime.cloudfabric.start_background(role="serve")
        freeze_startup_heap()
        runtime.start_card_retries()
        runtime.start_delivery()
        runtime.start_identity(None if use_http else settings.slack_app_token)
        http_server(runtime, host, port).run()
    finally:
        runtime.close()
