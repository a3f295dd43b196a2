"""CloudTrail LookupEvents for one resource around the fire time, as event evidence."""

from __future__ import annotations

import json
from collections.abc import Collection
from datetime import datetime, timedelta
from typing import Any

from core.aws_read import paginate
from tools.alerts.playbooks.models import EventEvidence, quote
from tools.alerts.playbooks.notebook import Notebook

LOOKBACK = timedelta(hours=24)
"""How far before the fire time CloudTrail is searched."""
PERMISSION = "cloudtrail:LookupEvents"
MAX_EVENTS = 200
"""At most this many events are read for one resource."""


def _user(event: dict[str, Any]) -> str | None:
    name = event.get("Username")
    if name:
        return quote(name, 120)
    try:
        identity = json.loads(event.get("CloudTrailEvent") or "{}").get("userIdentity", {})
    except (TypeError, ValueError):
        return None
    found = identity.get("arn") or identity.get("type")
    return quote(found, 120) if found else None


def evidence(event: dict[str, Any]) -> EventEvidence:
    """One LookupEvents item as event evidence.

    Args:
        event: an item of a LookupEvents answer.
    """
    at = event.get("EventTime")
    return EventEvidence(
        source="cloudtrail", event_id=quote(event.get("EventId", "?"), 80),
        name=quote(event.get("EventName", "?"), 80), user=_user(event),
        at=at if isinstance(at, datetime) else None,
    )  # fmt: skip


def record(event: dict[str, Any]) -> dict[str, Any]:
    """The full CloudTrail record of a LookupEvents item (empty when it is not JSON).

    Args:
        event: an item of a LookupEvents answer.
    """
    try:
        loaded = json.loads(event.get("CloudTrailEvent") or "{}")
    except (TypeError, ValueError):
        return {}
    return loaded if isinstance(loaded, dict) else {}


def events_for(
    book: Notebook, resource: str, names: Collection[str] = (), start: datetime | None = None
) -> list[dict[str, Any]] | None:
    """Changing CloudTrail events naming ``resource`` since ``start``, newest first (None if
    unreadable); read-only calls are left out.

    Args:
        book: the playbook run.
        resource: the resource name CloudTrail records (instance id, group id...).
        names: only these event names (empty = all).
        start: from when (default: a day before the fire time).
    """
    end = book.ctx.clock.now()
    begin = start or book.signal.fired_at - LOOKBACK
    client = book.client("cloudtrail")

    def read() -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        attributes = [{"AttributeKey": "ResourceName", "AttributeValue": resource}]
        for event in paginate(
            client, "lookup_events", "Events",
            LookupAttributes=attributes, StartTime=begin, EndTime=end,
        ):  # fmt: skip
            if str(event.get("ReadOnly", "false")).lower() == "true":
                continue  # reads change nothing
            if not names or event.get("EventName") in names:
                found.append(event)
            if len(found) >= MAX_EVENTS:
                break
        return found

    return book.read(f"CloudTrail events of {resource}", PERMISSION, read)
