"""CloudTrail ``LookupEvents`` for the sandbox: seeded management events, answered like AWS.

moto implements trails but not ``LookupEvents``. The sandbox adds that one operation to moto's
CloudTrail handler and answers it from the events seeded for each (account, region), the way
``costs.CostAnswers`` answers Cost Explorer. Supported: ``LookupAttributes`` (one attribute:
``EventName``, ``Username``, ``ResourceName``, ``ResourceType``, ``EventSource``, ``EventId``
or ``ReadOnly``), ``StartTime`` / ``EndTime`` (inclusive), ``MaxResults`` (default 50) and
``NextToken``; events come newest first. Regions with nothing seeded answer with no events,
as a quiet region of a real account does.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

ATTRIBUTES = {
    "EventName": lambda e: [e.name],
    "Username": lambda e: [e.user],
    "ResourceName": lambda e: [name for _, name in e.resources],
    "ResourceType": lambda e: [kind for kind, _ in e.resources],
    "EventSource": lambda e: [e.source],
    "EventId": lambda e: [e.event_id],
    "ReadOnly": lambda e: ["true" if e.read_only else "false"],
}


@dataclass(frozen=True)
class TrailEvent:
    """One management event as CloudTrail records it.

    Attributes:
        name: API call (``StartInstances``).
        user: IAM user name that made it.
        at: when (aware UTC).
        account_id: account it happened in.
        region: region it happened in.
        resources: ``(ResourceType, ResourceName)`` pairs, e.g. ``("AWS::EC2::Instance", id)``.
        request: ``requestParameters`` of the record.
        source: service endpoint (``ec2.amazonaws.com``).
        read_only: whether the call only read.
    """

    name: str
    user: str
    at: datetime
    account_id: str
    region: str
    resources: tuple[tuple[str, str], ...] = ()
    request: dict[str, Any] = field(default_factory=dict)
    source: str = "ec2.amazonaws.com"
    read_only: bool = False

    @property
    def event_id(self) -> str:
        """A stable id derived from the event's content."""
        key = f"{self.account_id}/{self.region}/{self.name}/{self.user}/{self.at.isoformat()}"
        return str(uuid.uuid5(uuid.NAMESPACE_URL, key))

    def record(self) -> dict[str, Any]:
        """The full CloudTrail record (the ``CloudTrailEvent`` JSON of a lookup result)."""
        return {
            "eventVersion": "1.08",
            "userIdentity": {
                "type": "IAMUser",
                "principalId": f"AIDA{uuid.uuid5(uuid.NAMESPACE_DNS, self.user).hex[:16]}",
                "arn": f"arn:aws:iam::{self.account_id}:user/{self.user}",
                "accountId": self.account_id,
                "userName": self.user,
            },
            "eventTime": self.at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "eventSource": self.source,
            "eventName": self.name,
            "awsRegion": self.region,
            "sourceIPAddress": "198.51.100.23",
            "userAgent": "aws-cli/2.15.0",
            "requestParameters": self.request,
            "responseElements": None,
            "eventID": self.event_id,
            "readOnly": self.read_only,
            "eventType": "AwsApiCall",
            "managementEvent": True,
            "recipientAccountId": self.account_id,
        }

    def lookup_item(self) -> dict[str, Any]:
        """The event as one item of a ``LookupEvents`` answer."""
        return {
            "EventId": self.event_id,
            "EventName": self.name,
            "ReadOnly": "true" if self.read_only else "false",
            "EventTime": self.at.timestamp(),
            "EventSource": self.source,
            "Username": self.user,
            "Resources": [{"ResourceType": k, "ResourceName": n} for k, n in self.resources],
            "CloudTrailEvent": json.dumps(self.record()),
        }


class TrailAnswers:
    """Answers ``LookupEvents`` request bodies from seeded events (see module docstring)."""

    def __init__(self, events: list[TrailEvent]) -> None:
        """Keep the events, newest first.

        Args:
            events: the events of one account and region.
        """
        self.events = sorted(events, key=lambda e: e.at, reverse=True)

    def __call__(self, request: dict[str, Any]) -> dict[str, Any]:
        """The response for one decoded request, shaped like CloudTrail's."""
        matching = [e for e in self.events if _in_time(e, request) and _has(e, request)]
        start = int(request.get("NextToken") or 0)
        size = int(request.get("MaxResults") or 50)
        page = matching[start : start + size]
        answer: dict[str, Any] = {"Events": [e.lookup_item() for e in page]}
        if start + size < len(matching):
            answer["NextToken"] = str(start + size)
        return answer


def _instant(value: Any) -> datetime:
    if isinstance(value, int | float):
        return datetime.fromtimestamp(value, UTC)
    return datetime.fromisoformat(str(value).replace("Z", "+00:00"))


def _in_time(event: TrailEvent, request: dict[str, Any]) -> bool:
    start, end = request.get("StartTime"), request.get("EndTime")
    if start is not None and event.at < _instant(start):
        return False
    return not (end is not None and event.at > _instant(end))


def _has(event: TrailEvent, request: dict[str, Any]) -> bool:
    for attribute in request.get("LookupAttributes") or []:
        values = ATTRIBUTES.get(attribute.get("AttributeKey", ""), lambda e: [])(event)
        if attribute.get("AttributeValue") not in values:
            return False
    return True


def _lookup_events(self: Any) -> str:
    """moto handler method: answer from the backend's seeded events, or say it is missing."""
    answers = getattr(self.cloudtrail_backend, "sandbox_lookup", None)
    if answers is None:
        answers = TrailAnswers([])
    return json.dumps(answers(json.loads(self.body or "{}")))


def install_trail_answers(events: list[TrailEvent]) -> None:
    """Make ``LookupEvents`` answer ``events`` in their accounts and regions (inside moto).

    Args:
        events: every seeded event; each lands in its own account and region.
    """
    from moto.cloudtrail.models import cloudtrail_backends
    from moto.cloudtrail.responses import CloudTrailResponse

    CloudTrailResponse.lookup_events = _lookup_events  # type: ignore[attr-defined]
    grouped: dict[tuple[str, str], list[TrailEvent]] = {}
    for event in events:
        grouped.setdefault((event.account_id, event.region), []).append(event)
    for (account, region), found in grouped.items():
        backend = cloudtrail_backends[account][region]
        backend.sandbox_lookup = TrailAnswers(found)  # type: ignore[attr-defined]
