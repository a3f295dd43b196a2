"""Which workflows an event starts: the active ones whose event trigger's pattern matches it.

Events reach here from the alert intake (EventBridge API destinations, and EventBridge events
delivered through SNS), CloudTrail calls included ("AWS API Call via CloudTrail"). A run's id is
made from the workflow and the event's id, so an event delivered twice starts one run.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Mapping
from typing import Any

from tools.workflows.events import PatternError, matches
from tools.workflows.service import WorkflowStore
from tools.workflows.spec import EventTrigger

log = logging.getLogger(__name__)
EVENT_FIELDS = ("source", "detail-type", "detail")
"""Fields every EventBridge event carries; a JSON object without them is not one."""


def triggered_by(store: WorkflowStore, event: Mapping[str, Any]) -> list[str]:
    """Names of the active workflows whose event trigger matches ``event``.

    Args:
        store: the workflows.
        event: an EventBridge event.
    """
    names: list[str] = []
    for row in store.all():
        trigger = store.spec(row).trigger
        if row.status != "active" or not isinstance(trigger, EventTrigger):
            continue
        try:
            if matches(trigger.pattern, event):
                names.append(row.name)
        except PatternError as error:  # validated when stored; an older spec may not be
            log.warning("workflow %s has a pattern that cannot be read: %s", row.name, error)
    return names


def event_run_id(name: str, event: Mapping[str, Any]) -> str:
    """The durable run id of ``event`` starting workflow ``name`` (the same when redelivered).

    Args:
        name: the workflow.
        event: the event; its ``id``, else a hash of its canonical JSON, names it.
    """
    ident = str(event.get("id") or "").strip()
    if not ident:
        canonical = json.dumps(event, sort_keys=True, separators=(",", ":"), default=str)
        ident = hashlib.sha256(canonical.encode()).hexdigest()
    digest = hashlib.sha256(f"{name}\n{ident}".encode()).hexdigest()[:32]
    return f"wf-{name}-event-{digest}"


def event_in(message: str) -> dict[str, Any] | None:
    """The EventBridge event an SNS message carries (EventBridge rules targeting a topic).

    Args:
        message: an SNS notification's ``Message``.

    Returns:
        The event, or None when the message is not an EventBridge event.
    """
    if not message.lstrip().startswith("{"):
        return None
    try:
        value = json.loads(message)
    except json.JSONDecodeError:
        return None
    is_event = isinstance(value, dict) and all(key in value for key in EVENT_FIELDS)
    return value if is_event else None
