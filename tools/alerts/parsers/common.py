"""Small readers shared by the parsers: instants, severities, labels, schema errors."""

from __future__ import annotations

from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from core.clock import as_utc
from tools.alerts.errors import AlertRefused
from tools.alerts.models import Severity, cap

M = TypeVar("M", bound=BaseModel)
# Go's zero time: Alertmanager's endsAt for an alert still firing (older versions).
_ZERO_YEAR = 1
_SEVERITY_WORDS: dict[str, Severity] = {
    "critical": "critical",
    "crit": "critical",
    "page": "critical",
    "fatal": "critical",
    "emergency": "critical",
    "high": "error",
    "major": "error",
    "error": "error",
    "err": "error",
    "warning": "warning",
    "warn": "warning",
    "minor": "warning",
    "medium": "warning",
    "info": "info",
    "informational": "info",
    "low": "info",
    "none": "info",
}


def instant(value: object) -> datetime | None:
    """``value`` (ISO 8601, ``+0000`` offsets, nanoseconds, or an RFC 1123 date) as UTC.

    Go's zero time and anything unreadable give None.

    Args:
        value: a timestamp from a payload.
    """
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        try:
            moment = parsedate_to_datetime(text)
        except (TypeError, ValueError):
            return None
    return None if moment.year <= _ZERO_YEAR else as_utc(moment)


def severity_word(word: object, default: Severity = "warning") -> Severity:
    """A sender's severity word mapped onto ours (``default`` when unknown or absent).

    Args:
        word: e.g. ``critical``, ``P1``, ``warning``.
        default: what an unknown word means.
    """
    return _SEVERITY_WORDS.get(str(word or "").strip().lower(), default)


def render_labels(labels: dict[str, str], keys: tuple[str, ...] = ()) -> str:
    """Labels as ``k=v,k=v`` (only ``keys`` when given and present), capped.

    Args:
        labels: the labels.
        keys: the labels that name a resource, in order of preference.
    """
    chosen = [key for key in keys if labels.get(key)] or sorted(labels)
    return cap(",".join(f"{key}={labels[key]}" for key in chosen), 500)


def string_map(value: object) -> dict[str, str]:
    """``value`` as a str -> str map (other values are turned into text, each capped).

    Args:
        value: a JSON object, or anything else (gives an empty map).
    """
    if not isinstance(value, dict):
        return {}
    return {cap(key, 100): cap(item, 300) for key, item in list(value.items())[:100]}


def validated(model: type[M], payload: Any, what: str) -> M:
    """``payload`` validated as ``model``, or a 422 naming the first problems.

    Args:
        model: the pydantic model of the payload.
        payload: the parsed JSON.
        what: how to name the payload in the refusal.

    Raises:
        AlertRefused: 422 with the field paths and what is wrong with them.
    """
    try:
        return model.model_validate(payload)
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in item['loc']) or 'body'}: {item['msg']}"
            for item in error.errors()[:3]
        )
        raise AlertRefused(422, f"Not {what}: {problems}.") from None
