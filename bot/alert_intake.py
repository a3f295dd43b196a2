"""``POST /alerts/sns``, ``/alerts/alertmanager``, ``/alerts/grafana``, ``/alerts/eventbridge``.

Order, as for every intake: the body is read up to ``http_max_body_bytes`` (413), the sender
authenticated (401/403; 404 while an intake has no credentials configured), the JSON parsed
(400) and validated (422), and every alert stored in SQL before the 200. A well-formed payload
that carries no alert is answered 200 with the reason (so the sender does not retry).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from bot.http_body import (
    MAX_DEPTH,
    BodyRejected,
    decode_text,
    json_object,
    nesting_depth,
    read_capped,
)
from tools.alerts.errors import AlertRefused
from tools.alerts.intake import AlertIntake, IntakeAnswer

SNS_PATH = "/alerts/sns"
ALERTMANAGER_PATH = "/alerts/alertmanager"
GRAFANA_PATH = "/alerts/grafana"
EVENTBRIDGE_PATH = "/alerts/eventbridge"
Take = Callable[[dict[str, Any]], IntakeAnswer]


def register(api: FastAPI, intake: AlertIntake) -> None:
    """Add the four alert routes to ``api``.

    Args:
        api: the HTTP app.
        intake: authenticates, parses and stores.
    """
    limit = intake.settings.http_max_body_bytes
    key_header = intake.settings.alerts_eventbridge_api_key_header

    @api.post(SNS_PATH)
    async def sns(request: Request) -> JSONResponse:
        return await _answer(request, limit, intake.sns)

    @api.post(ALERTMANAGER_PATH)
    async def alertmanager(request: Request) -> JSONResponse:
        auth = request.headers.get("authorization")
        return await _answer(request, limit, lambda body: intake.alertmanager(body, auth))

    @api.post(GRAFANA_PATH)
    async def grafana(request: Request) -> JSONResponse:
        auth = request.headers.get("authorization")
        return await _answer(request, limit, lambda body: intake.grafana(body, auth))

    @api.post(EVENTBRIDGE_PATH)
    async def eventbridge(request: Request) -> JSONResponse:
        key = request.headers.get(key_header)
        return await _answer(request, limit, lambda body: intake.eventbridge(body, key))


async def _answer(request: Request, limit: int, take: Take) -> JSONResponse:
    """Read, parse and hand the body to ``take`` (in a worker thread: it writes SQL)."""
    try:
        payload = json_body(await read_capped(request, limit))
    except BodyRejected as rejected:
        return rejected.response()
    try:
        answer = await run_in_threadpool(take, payload)
    except AlertRefused as refused:
        return JSONResponse({"error": str(refused)}, status_code=refused.status)
    return JSONResponse(answer.model_dump(exclude_none=True))


def json_body(raw: bytes) -> dict[str, Any]:
    """The body as a JSON object.

    Args:
        raw: the body.

    Raises:
        BodyRejected: 400 when it is not UTF-8 JSON, not an object or nests too deeply.
    """
    text = decode_text(raw)
    try:
        value = json_object(json.loads(text))
    except (json.JSONDecodeError, RecursionError) as error:
        detail = error.msg if isinstance(error, json.JSONDecodeError) else "nested too deeply"
        raise BodyRejected(400, f"The body is not JSON ({detail}).") from None
    if nesting_depth(value) > MAX_DEPTH:
        raise BodyRejected(400, f"The body nests deeper than {MAX_DEPTH} levels.")
    return value
