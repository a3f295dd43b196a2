"""``POST /alerts/sns``, ``/alerts/alertmanager``, ``/alerts/grafana``, ``/alerts/eventbridge``.

Order, as for every intake: the body is read up to ``http_max_body_bytes`` (413), the sender
authenticated (401/403; 404 while an intake has no credentials configured), the JSON parsed
(400) and validated (422), and every alert stored in SQL before the 200. A well-formed payload
that carries no alert is answered 200 with the reason (so the sender does not retry).

An EventBridge event, whether posted by an API destination or carried in an SNS notification,
is then given to ``on_event`` (the workflows waiting for events), still before the 200: alert
or not, a CloudTrail call included.
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
from tools.workflows.event_runs import EVENT_FIELDS, event_in

SNS_PATH = "/alerts/sns"
ALERTMANAGER_PATH = "/alerts/alertmanager"
GRAFANA_PATH = "/alerts/grafana"
EVENTBRIDGE_PATH = "/alerts/eventbridge"
Take = Callable[[dict[str, Any]], IntakeAnswer]
OnEvent = Callable[[dict[str, Any]], object]
EventOf = Callable[[dict[str, Any]], dict[str, Any] | None]


def register(api: FastAPI, intake: AlertIntake, on_event: OnEvent | None = None) -> None:
    """Add the four alert routes to ``api``.

    Args:
        api: the HTTP app.
        intake: authenticates, parses and stores.
        on_event: receives each accepted EventBridge event (see the module docstring).
    """
    limit = intake.settings.http_max_body_bytes
    key_header = intake.settings.alerts_eventbridge_api_key_header

    @api.post(SNS_PATH)
    async def sns(request: Request) -> JSONResponse:
        return await _answer(request, limit, _feeding(intake.sns, _sns_event, on_event))

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
        take = _feeding(lambda body: intake.eventbridge(body, key), _bare_event, on_event)
        return await _answer(request, limit, take)


def _feeding(take: Take, event_of: EventOf, on_event: OnEvent | None) -> Take:
    """``take``, then the event in what it accepted given to ``on_event``; a refusal feeds
    nothing (it raises before)."""
    if on_event is None:
        return take

    def taken(body: dict[str, Any]) -> IntakeAnswer:
        answer = take(body)
        event = event_of(body)
        if event is not None:
            on_event(event)
        return answer

    return taken


def _sns_event(body: dict[str, Any]) -> dict[str, Any] | None:
    """The EventBridge event a (verified) SNS notification carries, if any."""
    if body.get("Type") != "Notification":
        return None
    return event_in(str(body.get("Message") or ""))


def _bare_event(body: dict[str, Any]) -> dict[str, Any] | None:
    """The body itself when it is an EventBridge event (not a CloudWatch alarm action)."""
    return body if all(key in body for key in EVENT_FIELDS) else None


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
