"""The alert in an SNS Notification: a CloudWatch alarm when ``Message`` is one (single metric,
metric math or composite), else the message itself as an alert on its topic."""

from __future__ import annotations

import json
from typing import Any

from tools.alerts.models import Alert, cap, fingerprint_of
from tools.alerts.parsers import cloudwatch
from tools.alerts.parsers.common import instant
from tools.alerts.parsers.sns_envelope import SnsEnvelope


def parse_notification(envelope: SnsEnvelope, raw: dict[str, Any]) -> list[Alert]:
    """The alert a (verified) Notification carries.

    Args:
        envelope: the validated message.
        raw: the delivery body as parsed JSON.

    Raises:
        NotAnAlert: a CloudWatch alarm message in a state that is neither firing nor resolved.
    """
    message = _json_message(envelope.Message)
    if message is not None and "AlarmName" in message and "NewStateValue" in message:
        return [cloudwatch.from_sns_message(message, envelope.region, envelope.MessageId, raw)]
    first_line = envelope.Message.strip().splitlines()[0] if envelope.Message.strip() else ""
    return [
        Alert(
            source="sns",
            fingerprint=fingerprint_of("sns", envelope.TopicArn, envelope.Subject),
            status="firing",
            severity="warning",
            title=cap(envelope.Subject or first_line or "SNS notification"),
            description=cap(envelope.Message, 2000),
            labels={"topic": cap(envelope.TopicArn, 300)},
            account=envelope.account,
            region=envelope.region,
            starts_at=instant(envelope.Timestamp),
            delivery_id=envelope.MessageId,
            raw=raw,
        )
    ]


def _json_message(text: str) -> dict[str, Any] | None:
    """``text`` as a JSON object, or None when it is plain text."""
    if not text.lstrip().startswith("{"):
        return None
    try:
        value = json.loads(text)
    except (json.JSONDecodeError, RecursionError):
        return None
    return value if isinstance(value, dict) else None
