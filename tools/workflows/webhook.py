"""Webhook triggers: a secret URL token, and an HMAC-SHA256 signature over the body.

A caller posts to ``/workflows/hooks/<token>`` with the header
``X-CloudFabric-Signature: sha256=<hex HMAC-SHA256 of the raw body under the secret>``.
Both the token and the signature are compared in constant time.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from tools.workflows.spec import WebhookTrigger

HOOK_PATH = "/workflows/hooks/{token}"
"""The URL path a webhook trigger listens on."""
SIGNATURE_HEADER = "X-CloudFabric-Signature"
"""Header carrying ``sha256=<hex digest>``."""
DELIVERY_HEADER = "X-CloudFabric-Delivery"
"""Optional header naming a delivery; a retried delivery with the same id runs once."""
MAX_DELIVERY_ID = 200
"""Longest delivery id taken from the header, in characters."""
PREFIX = "sha256="
MAX_BODY = 256 * 1024
"""Largest body accepted, in bytes."""


def new_webhook() -> WebhookTrigger:
    """A webhook trigger with a fresh URL token and signing secret."""
    return WebhookTrigger(token=secrets.token_urlsafe(24), secret=secrets.token_hex(32))


def sign(secret: str, body: bytes) -> str:
    """The signature header value for ``body`` (what a sender computes).

    Args:
        secret: the trigger's signing secret.
        body: the raw request body.
    """
    return PREFIX + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify(trigger: WebhookTrigger, token: str, body: bytes, signature: str | None) -> bool:
    """Whether a request to ``token`` with ``body`` and ``signature`` comes from the holder.

    Args:
        trigger: the workflow's webhook trigger.
        token: the token in the URL path.
        body: the raw body, as received.
        signature: the ``X-CloudFabric-Signature`` header (``None`` when absent).
    """
    if not trigger.token or not trigger.secret or signature is None or len(body) > MAX_BODY:
        return False
    token_ok = hmac.compare_digest(trigger.token.encode(), token.encode())
    signature_ok = hmac.compare_digest(sign(trigger.secret, body).encode(), signature.encode())
    return token_ok and signature_ok
