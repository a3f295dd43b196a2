"""SNS signatures over HTTP with a test CA's certificate served by the injectable fetcher:
SignatureVersion 1 and 2 verify, Subject is signed only when present, and forged or altered
messages, foreign certificate hosts, http certificate URLs and unknown topics are refused with
nothing stored. A subscription is confirmed only for an allowed topic."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from core.db import Database
from core.settings import Settings
from tests.tools.alerts.support import (
    CERT_URL,
    TOPIC,
    Fetcher,
    MovableClock,
    SnsSigner,
    alarm_message,
    alert_settings,
    intake_client,
    make_intake,
    notification,
)
from tools.alerts.intake import AlertIntake

SUBSCRIBE_URL = (
    "https://sns.eu-west-1.amazonaws.com/?Action=ConfirmSubscription"
    f"&TopicArn={TOPIC}&Token=2336412f37"
)


@pytest.fixture(scope="module")
def signer() -> SnsSigner:
    return SnsSigner()


@pytest.fixture
def fetcher(signer: SnsSigner) -> Fetcher:
    return Fetcher({CERT_URL: signer.certificate_pem()})


@pytest.fixture
def intake(settings: Settings, db: Database, fetcher: Fetcher) -> AlertIntake:
    return make_intake(alert_settings(settings), db, MovableClock(), fetcher)


@pytest.fixture
def client(intake: AlertIntake) -> Iterator[TestClient]:
    with intake_client(intake) as test_client:
        yield test_client


def _post(client: TestClient, body: dict[str, Any]) -> Any:
    return client.post("/alerts/sns", json=body, headers={"Content-Type": "text/plain"})


@pytest.mark.parametrize("version", ["1", "2"])
@pytest.mark.parametrize("subject", [None, 'ALARM: "cpu-high" in EU (Ireland)'])
def test_signed_alarms_are_stored(
    version: str, subject: str | None, client: TestClient, intake: AlertIntake, signer: SnsSigner
) -> None:
    body = signer.sign(notification(alarm_message("cpu-high", "ALARM"), subject=subject), version)
    answer = _post(client, body)
    assert answer.status_code == 200, answer.text
    assert answer.json()["accepted"] == 1
    (row,) = intake.store.alerts()
    assert (row.status, row.resource, row.account, row.region) == (
        "firing",
        "i-0abc",
        "111122223333",
        "eu-west-1",
    )
    assert row.fingerprint == "arn:aws:cloudwatch:eu-west-1:111122223333:alarm:cpu-high"


def _refused(client: TestClient, intake: AlertIntake, body: dict[str, Any]) -> tuple[int, str]:
    answer = _post(client, body)
    assert intake.store.alerts() == []
    return answer.status_code, answer.json()["error"]


def test_an_altered_message_is_refused(
    client: TestClient, intake: AlertIntake, signer: SnsSigner
) -> None:
    body = signer.sign(notification(alarm_message("cpu-high", "OK")))
    body["Message"] = alarm_message("cpu-high", "ALARM")
    assert _refused(client, intake, body) == (401, "The SNS signature does not verify.")


def test_adding_or_removing_a_subject_breaks_the_signature(
    client: TestClient, intake: AlertIntake, signer: SnsSigner
) -> None:
    with_subject = signer.sign(notification("disk full", subject="ALARM"))
    without = {key: value for key, value in with_subject.items() if key != "Subject"}
    added = {**signer.sign(notification("disk full")), "Subject": "ALARM"}
    assert _refused(client, intake, without)[0] == 401
    assert _refused(client, intake, added)[0] == 401


def test_a_message_signed_by_another_key_is_refused(
    client: TestClient, intake: AlertIntake
) -> None:
    forger = SnsSigner()
    assert _refused(client, intake, forger.sign(notification("hello")))[0] == 401


def test_a_garbled_signature_is_refused(
    client: TestClient, intake: AlertIntake, signer: SnsSigner
) -> None:
    body = {**signer.sign(notification("hello")), "Signature": "not base64 !!"}
    assert _refused(client, intake, body) == (401, "The SNS signature does not verify.")


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://sns.eu-west-1.amazonaws.com/cert.pem", "must use https"),
        ("https://sns.eu-west-1.amazonaws.com.evil.example/cert.pem", "sns.<region>"),
        ("https://evil.example/sns.eu-west-1.amazonaws.com/cert.pem", "sns.<region>"),
        ("https://s3.eu-west-1.amazonaws.com/cert.pem", "sns.<region>"),
        ("https://sns.eu-west-1.amazonaws.com/cert.txt", ".pem"),
        ("https://sns.eu-west-1.amazonaws.com:8443/cert.pem", "port"),
        ("https://user@sns.eu-west-1.amazonaws.com/cert.pem", "credentials"),
    ],
)
def test_certificates_from_anywhere_but_sns_over_https_are_refused(
    url: str,
    reason: str,
    client: TestClient,
    intake: AlertIntake,
    signer: SnsSigner,
    fetcher: Fetcher,
) -> None:
    body = {**signer.sign(notification("hello")), "SigningCertURL": url}
    status, error = _refused(client, intake, body)
    assert status == 401 and reason in error
    assert fetcher.fetched == []  # refused before anything is fetched


def test_china_region_certificate_hosts_are_accepted(
    settings: Settings, db: Database, signer: SnsSigner
) -> None:
    url = "https://sns.cn-north-1.amazonaws.com.cn/SimpleNotificationService-x.pem"
    fetcher = Fetcher({url: signer.certificate_pem()})
    intake = make_intake(alert_settings(settings), db, MovableClock(), fetcher)
    signed = {**signer.sign(notification("hello")), "SigningCertURL": url}
    with intake_client(intake) as client:
        assert _post(client, signed).status_code == 200


def test_an_unknown_topic_is_refused_before_any_fetch(
    client: TestClient, intake: AlertIntake, signer: SnsSigner, fetcher: Fetcher
) -> None:
    other = {**notification("hello"), "TopicArn": "arn:aws:sns:eu-west-1:999999999999:other"}
    assert _refused(client, intake, signer.sign(other))[0] == 403
    assert fetcher.fetched == []


def test_unsupported_signature_versions_are_refused(
    client: TestClient, intake: AlertIntake, signer: SnsSigner
) -> None:
    body = {**signer.sign(notification("hello")), "SignatureVersion": "3"}
    status, error = _refused(client, intake, body)
    assert status == 401 and "SignatureVersion" in error


def _confirmation(topic: str = TOPIC) -> dict[str, Any]:
    return {
        "Type": "SubscriptionConfirmation",
        "MessageId": "c-1",
        "Token": "2336412f37",
        "TopicArn": topic,
        "Message": f"You have chosen to subscribe to the topic {topic}.",
        "SubscribeURL": SUBSCRIBE_URL,
        "Timestamp": "2027-01-05T10:00:00.000Z",
    }


def test_a_subscription_to_an_allowed_topic_is_confirmed(
    client: TestClient, signer: SnsSigner, fetcher: Fetcher
) -> None:
    answer = _post(client, signer.sign(_confirmation(), "1"))
    assert answer.status_code == 200 and answer.json()["confirmed"] == TOPIC
    assert fetcher.fetched == [CERT_URL, SUBSCRIBE_URL]


def test_a_subscription_to_another_topic_is_not_confirmed(
    client: TestClient, signer: SnsSigner, fetcher: Fetcher
) -> None:
    other = "arn:aws:sns:eu-west-1:999999999999:other"
    answer = _post(client, signer.sign(_confirmation(other)))
    assert answer.status_code == 403
    assert SUBSCRIBE_URL not in fetcher.fetched


def test_a_forged_confirmation_is_not_confirmed(
    client: TestClient, signer: SnsSigner, fetcher: Fetcher
) -> None:
    body = {**signer.sign(_confirmation()), "Token": "someone-elses-token"}
    assert _post(client, body).status_code == 401
    assert SUBSCRIBE_URL not in fetcher.fetched


def test_a_confirmation_pointing_elsewhere_is_not_fetched(
    client: TestClient, signer: SnsSigner, fetcher: Fetcher
) -> None:
    evil = {**_confirmation(), "SubscribeURL": "https://evil.example/?Action=ConfirmSubscription"}
    answer = _post(client, signer.sign(evil))
    assert answer.status_code == 401 and "SubscribeURL" in answer.json()["error"]
    assert fetcher.fetched == [CERT_URL]


def test_an_unsubscribe_confirmation_stores_nothing(
    client: TestClient, intake: AlertIntake, signer: SnsSigner
) -> None:
    body = signer.sign({**_confirmation(), "Type": "UnsubscribeConfirmation"})
    answer = _post(client, body)
    assert answer.status_code == 200 and "unsubscribe" in answer.json()["ignored"]
    assert intake.store.alerts() == []


def test_a_redelivered_message_is_stored_once(
    client: TestClient, intake: AlertIntake, signer: SnsSigner
) -> None:
    body = signer.sign(notification(alarm_message("cpu-high", "ALARM"), message_id="same"))
    first, second = _post(client, body), _post(client, body)
    assert first.json()["accepted"] == 1
    assert second.status_code == 200 and second.json() == {**second.json(), "duplicates": 1}
    assert len(intake.store.alerts()) == 1


def test_insufficient_data_is_answered_but_not_stored(
    client: TestClient, intake: AlertIntake, signer: SnsSigner
) -> None:
    body = signer.sign(notification(alarm_message("cpu-high", "INSUFFICIENT_DATA")))
    answer = _post(client, body)
    assert answer.status_code == 200 and "INSUFFICIENT_DATA" in answer.json()["ignored"]
    assert intake.store.alerts() == []
