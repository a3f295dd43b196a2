"""The alert endpoints over HTTP: a 200 means the alert is committed in SQL (read back through
a connection of its own, on SQLite and PostgreSQL); wrong or missing tokens, oversized bodies,
non-JSON and payloads of the wrong shape are refused with a clear sentence and store nothing;
an intake without credentials is off."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from core.db import Database
from core.settings import Settings
from tests.tools.alerts.support import (
    AM_TOKEN,
    AUTH,
    EB_KEY,
    FIXTURES,
    Fetcher,
    MovableClock,
    alert_settings,
    intake_client,
    make_intake,
)
from tools.alerts.intake import AlertIntake

AM_BODY = (
    FIXTURES / "prometheus-alertmanager" / "webhook_v4_firing_alertmanager_bot.json"
).read_bytes()
EB_BODY = (
    FIXTURES / "aws-eventbridge" / "cloudwatch_alarm_state_change_single_metric.json"
).read_bytes()


def _client(settings: Settings, db: Database) -> tuple[TestClient, AlertIntake]:
    intake = make_intake(settings, db, MovableClock(), Fetcher({}))
    return intake_client(intake), intake


@pytest.fixture
def client(settings: Settings, db: Database) -> Iterator[TestClient]:
    test_client, _ = _client(alert_settings(settings), db)
    with test_client:
        yield test_client


def _rows_seen_elsewhere(url: str) -> list[tuple[Any, ...]]:
    """The alerts table read through an engine of its own (not the app's pool)."""
    engine = create_engine(Database(url).engine.url)
    try:
        with engine.connect() as connection:
            query = text("SELECT source, fingerprint, status, incident_id FROM alerts")
            return list(connection.execute(query))
    finally:
        engine.dispose()


def _assert_answered_means_committed(client: TestClient, url: str) -> None:
    answer = client.post("/alerts/alertmanager", content=AM_BODY, headers=AUTH["alertmanager"])
    assert answer.status_code == 200 and answer.json()["accepted"] == 1
    rows = _rows_seen_elsewhere(url)
    assert [(row[0], row[2]) for row in rows] == [("alertmanager", "firing")]
    assert rows[0][3] in answer.json()["incidents"]


def test_a_200_means_the_alert_is_in_sql(client: TestClient, settings: Settings) -> None:
    _assert_answered_means_committed(client, settings.sql_url)


@pytest.mark.postgres
def test_a_200_means_the_alert_is_in_postgresql(settings: Settings, own_postgres_url: str) -> None:
    configured = alert_settings(settings, database_url=own_postgres_url)
    db = Database(configured.sql_url)
    db.migrate()
    try:
        test_client, _ = _client(configured, db)
        with test_client:
            _assert_answered_means_committed(test_client, configured.sql_url)
            again = test_client.post(
                "/alerts/alertmanager", content=AM_BODY, headers=AUTH["alertmanager"]
            )
            assert again.json()["duplicates"] == 1
        assert len(_rows_seen_elsewhere(configured.sql_url)) == 1
    finally:
        db.dispose()


def test_basic_auth_with_the_token_as_password_is_accepted(client: TestClient) -> None:
    basic = base64.b64encode(f"alertmanager:{AM_TOKEN}".encode()).decode()
    answer = client.post(
        "/alerts/alertmanager", content=AM_BODY, headers={"Authorization": f"Basic {basic}"}
    )
    assert answer.status_code == 200


@pytest.mark.parametrize(
    ("path", "headers"),
    [
        ("/alerts/alertmanager", {}),
        ("/alerts/alertmanager", {"Authorization": "Bearer wrong"}),
        ("/alerts/alertmanager", {"Authorization": AM_TOKEN}),
        ("/alerts/alertmanager", {"Authorization": "Basic !!!"}),
        ("/alerts/grafana", {"Authorization": f"Bearer {AM_TOKEN}"}),
        ("/alerts/eventbridge", {"x-api-key": "wrong"}),
        ("/alerts/eventbridge", {"Authorization": f"Bearer {EB_KEY}"}),
    ],
)
def test_wrong_or_missing_credentials_are_refused(
    path: str, headers: dict[str, str], client: TestClient, settings: Settings
) -> None:
    body = EB_BODY if path.endswith("eventbridge") else AM_BODY
    answer = client.post(path, content=body, headers=headers)
    assert answer.status_code == 401
    assert "missing or wrong" in answer.json()["error"]
    assert _rows_seen_elsewhere(settings.sql_url) == []


def test_intakes_without_credentials_are_off(settings: Settings, db: Database) -> None:
    test_client, _ = _client(settings, db)
    with test_client:
        for path in ("sns", "alertmanager", "grafana", "eventbridge"):
            answer = test_client.post(f"/alerts/{path}", content=b"{}", headers=AUTH[path])
            assert answer.status_code == 404 and "off" in answer.json()["error"]


def test_an_oversized_body_is_refused_unread(settings: Settings, db: Database) -> None:
    test_client, _ = _client(alert_settings(settings, http_max_body_bytes=1000), db)
    padded = json.loads(AM_BODY)
    padded["commonAnnotations"]["padding"] = "x" * 2000
    with test_client:
        answer = test_client.post("/alerts/alertmanager", json=padded, headers=AUTH["alertmanager"])
    assert answer.status_code == 413 and "1,000 bytes" in answer.json()["error"]
    assert _rows_seen_elsewhere(settings.sql_url) == []


@pytest.mark.parametrize(
    ("body", "status", "phrase"),
    [
        (b"not json", 400, "not JSON"),
        (b"\xff\xfe", 400, "not UTF-8"),
        (b"[1, 2]", 400, "JSON object"),
        (b'{"a":' * 100 + b"1" + b"}" * 100, 400, "nests deeper"),
        (b'{"version": "3", "status": "firing", "alerts": [{"labels": {}}]}', 422, "version"),
        (b'{"version": "4", "status": "firing", "alerts": []}', 422, "alerts"),
        (b'{"version": "4", "status": "burning", "alerts": [{"labels": {}}]}', 422, "status"),
        (b'{"version": "4", "status": "firing"}', 422, "alerts: Field required"),
    ],
)
def test_bad_bodies_get_a_clear_sentence_and_store_nothing(
    body: bytes, status: int, phrase: str, client: TestClient, settings: Settings
) -> None:
    answer = client.post("/alerts/alertmanager", content=body, headers=AUTH["alertmanager"])
    assert answer.status_code == status
    assert phrase in answer.json()["error"]
    assert _rows_seen_elsewhere(settings.sql_url) == []


def test_eventbridge_key_header_is_a_setting(settings: Settings, db: Database) -> None:
    configured = alert_settings(settings, alerts_eventbridge_api_key_header="x-cf-key")
    test_client, intake = _client(configured, db)
    with test_client:
        answer = test_client.post(
            "/alerts/eventbridge", content=EB_BODY, headers={"x-cf-key": EB_KEY}
        )
    assert answer.status_code == 200
    assert intake.store.alerts()[0].fingerprint.endswith(":alarm:ServerCpuTooHigh")


@pytest.mark.parametrize(
    "detail",
    [
        {"alarmName": "x", "state": "ALARM"},
        {"alarmName": "x", "state": {"value": "ALARM"}, "configuration": "CPU > 80"},
    ],
)
def test_an_event_with_fields_of_the_wrong_type_is_refused_not_crashed(
    detail: dict[str, Any], client: TestClient, settings: Settings
) -> None:
    event = {**json.loads(EB_BODY), "detail": detail}
    answer = client.post("/alerts/eventbridge", json=event, headers=AUTH["eventbridge"])
    assert answer.status_code == 422
    assert "not well-formed" in answer.json()["error"]
    assert _rows_seen_elsewhere(settings.sql_url) == []


def test_long_account_labels_are_cut_not_refused(client: TestClient, settings: Settings) -> None:
    body = json.loads(AM_BODY)
    body["alerts"][0]["labels"]["account_id"] = "a" * 80
    answer = client.post("/alerts/alertmanager", json=body, headers=AUTH["alertmanager"])
    assert answer.status_code == 200
    assert _rows_seen_elsewhere(settings.sql_url)[0][2] == "firing"
