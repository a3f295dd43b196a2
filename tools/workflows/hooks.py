"""Webhook deliveries: which workflow a token names, whether the body is signed, the run id.

The HTTP route (``bot.workflow_hooks``) reads the body and answers; this module decides. A
delivery is refused with the status to answer: 404 when no workflow has the token, 401 when
the signature is missing or does not match, 409 when the workflow is paused. An accepted
delivery runs under ``delivery_run_id``, which depends only on the token and the delivery id,
so a delivery sent again finds its run instead of starting a second one.
"""

from __future__ import annotations

import hashlib

from tools.workflows.service import WorkflowStore
from tools.workflows.spec import WebhookTrigger
from tools.workflows.store import WorkflowRow
from tools.workflows.webhook import MAX_DELIVERY_ID, verify


class HookRefused(Exception):
    """A delivery that is not taken; ``status`` and the sentence go back to the sender."""

    def __init__(self, status: int, message: str) -> None:
        """Remember the HTTP status and the sentence.

        Args:
            status: 404, 401 or 409.
            message: why, for the sender.
        """
        super().__init__(message)
        self.status = status


NOT_FOUND = "No webhook is listening at this URL."
BAD_SIGNATURE = (
    "The X-CloudFabric-Signature header is missing or does not match the body "
    "(sha256=<hex HMAC-SHA256 of the raw body under the webhook's secret>)."
)


def accepted_workflow(
    store: WorkflowStore, token: str, body: bytes, signature: str | None
) -> WorkflowRow:
    """The active workflow a signed delivery to ``token`` starts.

    Args:
        store: the workflows.
        token: the token in the URL path.
        body: the raw body, as received.
        signature: the ``X-CloudFabric-Signature`` header, if any.

    Raises:
        HookRefused: 404 unknown token, 401 bad or missing signature, 409 paused workflow.
    """
    row = store.by_webhook_token(token)
    trigger = store.spec(row).trigger if row is not None else None
    if row is None or not isinstance(trigger, WebhookTrigger):
        raise HookRefused(404, NOT_FOUND)
    if not verify(trigger, token, body, signature):
        raise HookRefused(401, BAD_SIGNATURE)
    if row.status != "active":
        raise HookRefused(
            409, f"Workflow {row.name} is {row.status}; resume it to take deliveries again."
        )
    return row


def delivery_id(header: str | None, body: bytes) -> str:
    """The id of a delivery: the ``X-CloudFabric-Delivery`` header, else the body's SHA-256.

    Args:
        header: the header's value, if sent.
        body: the raw body.
    """
    given = (header or "").strip()[:MAX_DELIVERY_ID]
    return given or hashlib.sha256(body).hexdigest()


def delivery_run_id(name: str, token: str, delivery: str) -> str:
    """The durable run id of one delivery to a workflow (the same for a retried delivery).

    The token enters only through a hash, so the id reveals nothing of the URL.

    Args:
        name: the workflow.
        token: its webhook token.
        delivery: the delivery id (see ``delivery_id``).
    """
    digest = hashlib.sha256(f"{token}\n{delivery}".encode()).hexdigest()[:32]
    return f"wf-{name}-hook-{digest}"
