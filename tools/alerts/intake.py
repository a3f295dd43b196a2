"""The intake of each sender: authenticate, validate, parse and store, in that order.

Token checks are constant-time. SNS messages must come from an allowed topic and carry a valid
SNS signature; a SubscriptionConfirmation of an allowed topic is confirmed by fetching its
SubscribeURL (through the same injectable fetcher as the certificates).
"""

from __future__ import annotations

import base64
import binascii
import hmac
from collections.abc import Callable
from typing import Any

from pydantic import Field, SecretStr

from core.clock import Clock
from core.db import Database
from core.settings import Settings
from tools.alerts.errors import AlertRefused, NotAnAlert
from tools.alerts.grouping import GroupingRules
from tools.alerts.models import Alert
from tools.alerts.parsers.alertmanager import AlertmanagerWebhook, parse_group
from tools.alerts.parsers.common import validated
from tools.alerts.parsers.eventbridge import parse_eventbridge
from tools.alerts.parsers.grafana import parse_grafana
from tools.alerts.parsers.sns import parse_notification
from tools.alerts.parsers.sns_envelope import SnsEnvelope, normalise_keys
from tools.alerts.sns_signature import Fetch, SnsVerifier, check_sns_url, https_get
from tools.alerts.store import AlertStore, StoreResult


class IntakeAnswer(StoreResult):
    """The answer to one delivery (200)."""

    ignored: str | None = Field(default=None, description="Why a payload carried no alert.")
    confirmed: str | None = Field(
        default=None, description="Topic whose subscription was confirmed."
    )


def token_matches(secret: SecretStr | None, authorization: str | None, what: str) -> None:
    """Refuse unless ``authorization`` is ``Bearer <secret>`` or Basic with ``secret`` as password.

    Args:
        secret: the configured token (None: this intake is off).
        authorization: the request's Authorization header.
        what: the sender's name for the refusal.

    Raises:
        AlertRefused: 404 when no token is configured, 401 when it does not match.
    """
    if secret is None or not secret.get_secret_value():
        raise AlertRefused(404, f"The {what} intake is off: no token is configured.")
    scheme, _, value = (authorization or "").strip().partition(" ")
    offered = value.strip()
    if scheme.lower() == "basic":
        try:
            offered = base64.b64decode(offered, validate=True).decode().partition(":")[2]
        except (binascii.Error, UnicodeDecodeError):
            offered = ""
    elif scheme.lower() != "bearer":
        offered = ""
    expected = secret.get_secret_value().encode()
    if not hmac.compare_digest(offered.encode(), expected):
        raise AlertRefused(401, f"The {what} token is missing or wrong.")


class AlertIntake:
    """Authenticates and takes alerts from every sender into the store.

    Args:
        settings: runtime settings (tokens, topics, grouping).
        db: the SQL store.
        clock: the one clock.
        fetch: GETs an https URL (certificates, subscription confirmation).
        on_stored: told the incidents to show after alerts are committed (their Slack
            threads), before the sender is answered.
    """

    def __init__(
        self,
        settings: Settings,
        db: Database,
        clock: Clock,
        fetch: Fetch = https_get,
        on_stored: Callable[[list[int]], None] | None = None,
    ) -> None:
        """Build the verifier and the store."""
        self.settings = settings
        self.clock = clock
        self.fetch = fetch
        self.on_stored = on_stored
        self.verifier = SnsVerifier(fetch)
        self.store = AlertStore(db, clock, GroupingRules.from_settings(settings))

    def sns(self, payload: dict[str, Any]) -> IntakeAnswer:
        """Take one SNS HTTP/S delivery.

        Args:
            payload: the parsed body.

        Raises:
            AlertRefused: 404 (off), 422 (not SNS), 403 (topic not allowed), 401 (signature),
                502 (certificate or confirmation fetch failed).
        """
        allowed = self.settings.alerts_sns_topic_arns
        if not allowed:
            raise AlertRefused(404, "The SNS intake is off: no topic is allowed.")
        envelope = validated(SnsEnvelope, normalise_keys(payload), "an SNS message")
        if envelope.TopicArn not in allowed:
            raise AlertRefused(403, "Messages from this SNS topic are not accepted.")
        self.verifier.verify(envelope)
        if envelope.Type == "SubscriptionConfirmation":
            return self._confirm(envelope)
        if envelope.Type == "UnsubscribeConfirmation":
            return IntakeAnswer(ignored="an unsubscribe confirmation carries no alert")
        return self._take(lambda: parse_notification(envelope, payload))

    def alertmanager(self, payload: dict[str, Any], authorization: str | None) -> IntakeAnswer:
        """Take one Alertmanager webhook (version 4).

        Args:
            payload: the parsed body.
            authorization: the Authorization header.
        """
        token_matches(self.settings.alerts_alertmanager_token, authorization, "Alertmanager")
        webhook = validated(AlertmanagerWebhook, payload, "an Alertmanager v4 webhook")
        return self._take(lambda: parse_group(webhook, "alertmanager", payload))

    def grafana(self, payload: dict[str, Any], authorization: str | None) -> IntakeAnswer:
        """Take one Grafana alerting webhook (unified or legacy).

        Args:
            payload: the parsed body.
            authorization: the Authorization header.
        """
        token_matches(self.settings.alerts_grafana_token, authorization, "Grafana")
        return self._take(lambda: parse_grafana(payload, self.clock.now()))

    def eventbridge(self, payload: dict[str, Any], api_key: str | None) -> IntakeAnswer:
        """Take one event from an EventBridge API destination.

        Args:
            payload: the parsed body.
            api_key: the API-key header's value.
        """
        secret = self.settings.alerts_eventbridge_api_key
        if secret is None or not secret.get_secret_value():
            raise AlertRefused(404, "The EventBridge intake is off: no API key is configured.")
        offered = (api_key or "").encode()
        if not hmac.compare_digest(offered, secret.get_secret_value().encode()):
            raise AlertRefused(401, "The EventBridge API key is missing or wrong.")
        return self._take(lambda: parse_eventbridge(payload))

    def _take(self, parse: Any) -> IntakeAnswer:
        """Parse (a payload with no alert is answered with the reason) and store."""
        try:
            alerts: list[Alert] = parse()
        except NotAnAlert as reason:
            return IntakeAnswer(ignored=str(reason))
        except (AttributeError, TypeError, KeyError, IndexError, ValueError) as error:
            # a field of an unexpected type deep inside (a string where an object belongs)
            message = (
                f"The payload is not well-formed ({type(error).__name__}); nothing was stored."
            )
            raise AlertRefused(422, message) from None
        stored = self.store.accept(alerts)
        if self.on_stored is not None and stored.notify:
            self.on_stored(stored.notify)
        return IntakeAnswer(**stored.model_dump())

    def _confirm(self, envelope: SnsEnvelope) -> IntakeAnswer:
        """Confirm the subscription of an allowed topic by GETting its SubscribeURL."""
        url = envelope.SubscribeURL or ""
        check_sns_url(url, "SubscribeURL", pem=False)
        try:
            self.fetch(url)
        except Exception as error:  # noqa: BLE001 - any failure: SNS will ask again
            raise AlertRefused(502, f"Confirming the subscription failed ({error}).") from None
        return IntakeAnswer(confirmed=envelope.TopicArn)
