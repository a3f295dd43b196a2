"""Grafana's unified alerting webhook (built from its published field list: the
Alertmanager-like body plus orgId, title, state, message and per-alert values and URLs): one
alert per entry, Grafana's fingerprints and groupKey kept, firing and resolved told apart."""

from __future__ import annotations

from typing import Any

from core.db import Database
from core.settings import Settings
from tests.tools.alerts.support import (
    AUTH,
    Fetcher,
    MovableClock,
    alert_settings,
    intake_client,
    make_intake,
)


def _grafana_alert(name: str, status: str, fingerprint: str, ends: str) -> dict[str, Any]:
    return {
        "status": status,
        "labels": {"alertname": name, "instance": "web-1:9100", "severity": "critical"},
        "annotations": {"summary": f"{name} on web-1", "description": "load above 4"},
        "startsAt": "2027-01-05T10:00:00Z",
        "endsAt": ends,
        "generatorURL": "https://grafana.example/alerting/grafana/abc/view",
        "fingerprint": fingerprint,
        "silenceURL": "https://grafana.example/alerting/silence/new",
        "dashboardURL": "https://grafana.example/d/abc",
        "panelURL": "https://grafana.example/d/abc?viewPanel=2",
        "values": {"B": 4.2, "C": 1},
        "valueString": "[ var='B' labels={instance=web-1:9100} value=4.2 ]",
    }


UNIFIED = {
    "receiver": "cloudfabric",
    "status": "firing",
    "orgId": 1,
    "alerts": [
        _grafana_alert("HighLoad", "firing", "a1b2c3d4e5f60718", "0001-01-01T00:00:00Z"),
        _grafana_alert("DiskFull", "resolved", "0f1e2d3c4b5a6978", "2027-01-05T10:05:00Z"),
    ],
    "groupLabels": {"alertname": "HighLoad"},
    "commonLabels": {"instance": "web-1:9100"},
    "commonAnnotations": {},
    "externalURL": "https://grafana.example/",
    "version": "1",
    "groupKey": '{}:{alertname="HighLoad"}',
    "truncatedAlerts": 0,
    "title": "[FIRING:1] HighLoad",
    "state": "alerting",
    "message": "**Firing**",
}


def test_a_unified_alerting_webhook_gives_one_alert_per_entry(
    settings: Settings, db: Database
) -> None:
    intake = make_intake(alert_settings(settings), db, MovableClock(), Fetcher({}))
    with intake_client(intake) as client:
        answer = client.post("/alerts/grafana", json=UNIFIED, headers=AUTH["grafana"])
        again = client.post("/alerts/grafana", json=UNIFIED, headers=AUTH["grafana"])
    assert answer.status_code == 200 and answer.json()["accepted"] == 2
    assert again.json()["duplicates"] == 2
    rows = intake.store.alerts()
    assert [(row.fingerprint, row.status, row.severity) for row in rows] == [
        ("a1b2c3d4e5f60718", "firing", "critical"),
        ("0f1e2d3c4b5a6978", "resolved", "critical"),
    ]
    assert rows[0].ends_at is None and rows[1].ends_at is not None
    assert {row.group_key for row in rows} == {'{}:{alertname="HighLoad"}'}
    assert rows[0].resource == "instance=web-1:9100"
    assert len(intake.store.incidents()) == 1  # same groupKey (and the same instance)
