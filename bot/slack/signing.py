"""Slack's v0 request signature, checked on the raw bytes before anything is decoded or parsed.

``X-Slack-Signature`` is ``v0=`` + HMAC-SHA256(signing secret, ``v0:<timestamp>:<raw body>``)
and ``X-Slack-Request-Timestamp`` must be within five minutes of now, judged on CloudFabric's
``Clock`` (not the SDK's ``time.time()``), so a process whose clock was started elsewhere
(``CF_CLOCK_START``) judges staleness consistently. Bytes that are not UTF-8, headers that are
not ASCII or not numbers: every oddity is simply "not signed". bolt's own verification is off:
this check runs first, before anything is decoded or parsed.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping

FRESHNESS_SECONDS = 300


def is_signed(secret: str, raw: bytes, headers: Mapping[str, str], now: float) -> bool:
    """True when ``raw`` carries a valid, fresh Slack signature.

    Args:
        secret: the app's signing secret.
        raw: the body exactly as received.
        headers: the request headers (case-insensitive mapping).
        now: the current instant, seconds since the epoch (from the app's clock).
    """
    timestamp = headers.get("x-slack-request-timestamp", "")
    signature = headers.get("x-slack-signature", "")
    if not (timestamp.isascii() and timestamp.isdigit() and len(timestamp) <= 12):
        return False
    if not signature.isascii():
        return False
    if abs(now - int(timestamp)) > FRESHNESS_SECONDS:
        return False
    base = b"v0:" + timestamp.encode() + b":" + raw
    expected = "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected.encode(), signature.encode())
