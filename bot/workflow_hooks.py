"""``POST /workflows/hooks/{token}``: a signed delivery starts a run of its workflow.

Order, as for every intake: the body is read up to ``webhook.MAX_BODY`` bytes (413), the token
must name a workflow (404) and the body carry its HMAC signature (401, checked in constant
time), the workflow must be active (409), and only then is the body parsed (400 unless a JSON
object; empty means ``{}``). The run is started on the durable engine under an id made from
the token and the delivery id, and is recorded before the answer: 202 with its id, or 200 with
the same id when that delivery was taken before (no second run).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

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
from tools.workflows.hooks import HookRefused, accepted_workflow, delivery_id, delivery_run_id
from tools.workflows.service import WorkflowStore
from tools.workflows.webhook import DELIVERY_HEADER, HOOK_PATH, MAX_BODY, SIGNATURE_HEADER

if TYPE_CHECKING:
    from starlette.datastructures import Headers

    from bot.app import CloudFabric

NOT_RUNNING = "Workflow runs are not set up in this process (CF_DURABLE_ENABLED is off)."


def register(api: FastAPI, cloudfabric: CloudFabric) -> None:
    """Add the webhook route to ``api``.

    Args:
        api: the HTTP app.
        cloudfabric: the services (store, clock, the durable runner).
    """

    @api.post(HOOK_PATH)
    async def workflow_hook(token: str, request: Request) -> JSONResponse:
        try:
            raw = await read_capped(request, MAX_BODY)
        except BodyRejected as rejected:
            return rejected.response()
        return await run_in_threadpool(deliver, cloudfabric, token, raw, request.headers)


def deliver(cloudfabric: CloudFabric, token: str, raw: bytes, headers: Headers) -> JSONResponse:
    """Answer one delivery whose body was read (see the module docstring for the order).

    Args:
        cloudfabric: the services.
        token: the token in the URL path.
        raw: the body.
        headers: the request's headers.
    """
    from tools.workflows.durable import DurableRunner
    from tools.workflows.handlers import RUNNER_KEY

    store = WorkflowStore(cloudfabric.db, cloudfabric.clock)
    try:
        row = accepted_workflow(store, token, raw, headers.get(SIGNATURE_HEADER))
        payload = _payload(raw)
    except (HookRefused, BodyRejected) as refused:
        return JSONResponse({"error": str(refused)}, status_code=refused.status)
    runner = cloudfabric.extras.get(RUNNER_KEY)
    if not isinstance(runner, DurableRunner):
        return JSONResponse({"error": NOT_RUNNING}, status_code=503)
    run_id = delivery_run_id(row.name, token, delivery_id(headers.get(DELIVERY_HEADER), raw))
    started = runner.start(row.name, run_id, payload)
    answer = {"workflow": row.name, "run_id": run_id, "duplicate": not started}
    return JSONResponse(answer, status_code=202 if started else 200)


def _payload(raw: bytes) -> dict[str, Any]:
    """The body as the run's event: a JSON object (``{}`` for an empty body).

    Raises:
        BodyRejected: 400 when it is not a JSON object or nests too deeply.
    """
    text = decode_text(raw).strip()
    if not text:
        return {}
    try:
        value = json_object(json.loads(text))
    except json.JSONDecodeError as error:
        raise BodyRejected(400, f"The body is not JSON ({error.msg}).") from None
    if nesting_depth(value) > MAX_DEPTH:
        raise BodyRejected(400, f"The body nests deeper than {MAX_DEPTH} levels.")
    return value
