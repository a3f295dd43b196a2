"""Reading request bodies from outside safely: capped while read, decoded and parsed defensively.

Every HTTP intake (Slack's endpoint, and the alert endpoints) follows the same order: read at
most ``limit`` bytes (413 as soon as it is exceeded, without reading further), authenticate the
raw bytes, and only then decode and parse (400). ``BodyRejected`` carries the status and a
sentence for the sender; nothing here raises anything else for any input.
"""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse

# Real payloads nest a dozen levels at most; this keeps every later parse far from the
# interpreter's recursion limit.
MAX_DEPTH = 64


class BodyRejected(Exception):
    """The body cannot be taken; ``status`` and the message go back to the sender.

    Args:
        status: the HTTP status to answer.
        message: a sentence saying why.
    """

    def __init__(self, status: int, message: str) -> None:
        """Remember the status and the sentence."""
        super().__init__(message)
        self.status = status

    def response(self) -> JSONResponse:
        """The JSON answer for the sender (the connection is closed after a 413)."""
        headers = {"Connection": "close"} if self.status == 413 else None
        return JSONResponse({"error": str(self)}, status_code=self.status, headers=headers)


def too_large(limit: int) -> BodyRejected:
    """The 413 for a body over ``limit`` bytes.

    Args:
        limit: the cap in bytes.
    """
    return BodyRejected(413, f"The request body is larger than {limit:,} bytes.")


async def read_capped(request: Request, limit: int) -> bytes:
    """The raw body, read chunk by chunk and abandoned as soon as it passes ``limit`` bytes.

    Args:
        request: the incoming request.
        limit: the most bytes to read.

    Raises:
        BodyRejected: 413 when the declared or actual length is over ``limit``.
    """
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise too_large(limit)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise too_large(limit)
        chunks.append(chunk)
    return b"".join(chunks)


def decode_text(raw: bytes) -> str:
    """``raw`` as UTF-8 text.

    Args:
        raw: the body.

    Raises:
        BodyRejected: 400 when it is not UTF-8.
    """
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise BodyRejected(400, f"The body is not UTF-8 text (byte {error.start}).") from None


def json_object(value: Any, what: str = "The body") -> dict[str, Any]:
    """``value`` when it is a JSON object.

    Args:
        value: a parsed JSON value.
        what: how to name it in the refusal.

    Raises:
        BodyRejected: 400 for any other JSON value.
    """
    if not isinstance(value, dict):
        raise BodyRejected(400, f"{what} must be a JSON object, not {_json_kind(value)}.")
    return value


def _json_kind(value: Any) -> str:
    kinds = {list: "an array", str: "a string", bool: "a boolean", type(None): "null"}
    return kinds.get(type(value), "a number")


def nesting_depth(value: Any) -> int:
    """How deeply lists and objects nest in ``value`` (a scalar is 0), without recursion.

    Args:
        value: a parsed JSON value.
    """
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if not isinstance(item, dict | list):
            continue
        children = item.values() if isinstance(item, dict) else item
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return deepest
