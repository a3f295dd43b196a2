"""Shared pieces of the alert tests: a test CA and an SNS-like signing certificate built with
``cryptography``, SNS message signing, a movable clock, and the intake app over a real store."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import SecretStr

from bot import alert_intake
from core.clock import Clock
from core.db import Database
from core.settings import Settings
from tests.conftest import SHARED
from tools.alerts.intake import AlertIntake
from tools.alerts.parsers.sns_envelope import SnsEnvelope
from tools.alerts.sns_signature import string_to_sign

FIXTURES = SHARED / "fixtures"
TOPIC = "arn:aws:sns:eu-west-1:111122223333:cloudfabric-alarms"
CERT_URL = "https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-test.pem"
AM_TOKEN = "am-secret-token"
GRAFANA_TOKEN = "grafana-secret-token"
EB_KEY = "eventbridge-api-key"
AWS_TOPICS = [
    "arn:aws:sns:us-east-2:295079676684:publish-and-verify-892f85fe-4836-424d-8188-ab85bef0f362",
    "arn:aws:sns:us-east-2:295079676684:publish-and-verify-62674b1d-4295-426b-88e7-5fb75652a04e",
]


class MovableClock(Clock):
    """The system clock, moved forward on demand."""

    def advance(self, seconds: float) -> None:
        """Move this clock ``seconds`` ahead.

        Args:
            seconds: how far.
        """
        self._offset += timedelta(seconds=seconds)


def _name(common: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common)])


@dataclass
class SnsSigner:
    """A test CA and an SNS signing certificate it issued; signs messages like SNS."""

    key: rsa.RSAPrivateKey = field(
        default_factory=lambda: rsa.generate_private_key(public_exponent=65537, key_size=2048)
    )
    ca_key: rsa.RSAPrivateKey = field(
        default_factory=lambda: rsa.generate_private_key(public_exponent=65537, key_size=2048)
    )

    def certificate_pem(self) -> bytes:
        """The signing certificate (CN=sns.amazonaws.com), issued by the test CA."""
        start = datetime(2020, 1, 1, tzinfo=UTC)
        certificate = (
            x509.CertificateBuilder()
            .subject_name(_name("sns.amazonaws.com"))
            .issuer_name(_name("CloudFabric Test CA"))
            .public_key(self.key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(start)
            .not_valid_after(start + timedelta(days=36500))
            .sign(self.ca_key, hashes.SHA256())
        )
        return certificate.public_bytes(serialization.Encoding.PEM)

    def sign(self, message: dict[str, Any], version: str = "2") -> dict[str, Any]:
        """``message`` with SignatureVersion, SigningCertURL and a valid Signature added.

        Args:
            message: the SNS fields (Type, MessageId, TopicArn, Message, Timestamp...).
            version: "1" (SHA1) or "2" (SHA256).
        """
        body = {"SignatureVersion": version, "SigningCertURL": CERT_URL, **message}
        envelope = SnsEnvelope.model_validate({**body, "Signature": ""})
        algorithm = hashes.SHA1() if version == "1" else hashes.SHA256()
        signature = self.key.sign(string_to_sign(envelope), padding.PKCS1v15(), algorithm)
        return {**body, "Signature": base64.b64encode(signature).decode()}


def notification(
    message: str, message_id: str = "m-1", subject: str | None = None
) -> dict[str, Any]:
    """The unsigned fields of an SNS Notification on ``TOPIC``.

    Args:
        message: the Message text.
        message_id: the MessageId.
        subject: the Subject, when there is one.
    """
    fields = {
        "Type": "Notification",
        "MessageId": message_id,
        "TopicArn": TOPIC,
        "Message": message,
        "Timestamp": "2027-01-05T10:00:00.000Z",
    }
    return fields if subject is None else {**fields, "Subject": subject}


def alarm_message(name: str, state: str, when: str = "2027-01-05T10:00:00.000+0000") -> str:
    """A CloudWatch alarm state change as SNS carries it in Message (JSON text).

    Args:
        name: the alarm name.
        state: ALARM, OK or INSUFFICIENT_DATA.
        when: StateChangeTime.
    """
    return json.dumps(
        {
            "AlarmName": name,
            "AlarmDescription": "CPU above 80%",
            "AWSAccountId": "111122223333",
            "NewStateValue": state,
            "NewStateReason": "Threshold Crossed",
            "StateChangeTime": when,
            "Region": "EU (Ireland)",
            "OldStateValue": "OK",
            "Trigger": {
                "MetricName": "CPUUtilization",
                "Namespace": "AWS/EC2",
                "Dimensions": [{"name": "InstanceId", "value": "i-0abc"}],
            },
        }
    )


@dataclass
class Fetcher:
    """The injectable fetcher: serves certificates by URL and records every GET."""

    pems: dict[str, bytes]
    fetched: list[str] = field(default_factory=list)

    def __call__(self, url: str) -> bytes:
        """GET ``url`` (a known certificate, or an empty body for a confirmation).

        Args:
            url: the URL.
        """
        self.fetched.append(url)
        for prefix, pem in self.pems.items():
            if url.startswith(prefix):
                return pem
        return b"<ConfirmSubscriptionResponse/>"


def alert_settings(settings: Settings, **extra: Any) -> Settings:
    """``settings`` with every alert intake switched on (test tokens and topics).

    Args:
        settings: the test's settings.
        **extra: more fields to set.
    """
    values: dict[str, Any] = {
        "alerts_sns_topic_arns": [TOPIC, *AWS_TOPICS],
        "alerts_alertmanager_token": SecretStr(AM_TOKEN),
        "alerts_grafana_token": SecretStr(GRAFANA_TOKEN),
        "alerts_eventbridge_api_key": SecretStr(EB_KEY),
        **extra,
    }
    return settings.model_copy(update=values)


def intake_client(intake: AlertIntake) -> TestClient:
    """A TestClient on an app with the alert routes over ``intake``.

    Args:
        intake: the intake under test.
    """
    api = FastAPI()
    alert_intake.register(api, intake)
    return TestClient(api)


def make_intake(settings: Settings, db: Database, clock: Clock, fetch: Fetcher) -> AlertIntake:
    """The intake over a real migrated store.

    Args:
        settings: settings (with alert credentials).
        db: the migrated store.
        clock: the clock.
        fetch: the fetcher.
    """
    return AlertIntake(settings, db, clock, fetch)


AUTH = {
    "alertmanager": {"Authorization": f"Bearer {AM_TOKEN}"},
    "grafana": {"Authorization": f"Bearer {GRAFANA_TOKEN}"},
    "eventbridge": {"x-api-key": EB_KEY},
    "sns": {},
}
