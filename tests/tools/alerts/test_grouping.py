"""Grouping into incidents with the clock moved: the same fingerprint, groupKey or resource
within the window joins one incident and later ones open another; re-posted groups are dropped
as duplicates; an incident resolves when all its alerts do; an alert that flaps stops
re-notifying until its flips age out. A scaled-down storm over HTTP keeps every alert."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

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
from tools.alerts.grouping import GroupingRules
from tools.alerts.models import Alert, Status
from tools.alerts.store import AlertStore

pytestmark = pytest.mark.time_sensitive
RULES = GroupingRules(window=timedelta(minutes=30), flap_flips=4, flap_window=timedelta(hours=1))
T0 = datetime(2027, 1, 5, 10, 0, tzinfo=UTC)


def _alert(
    fingerprint: str,
    status: Status = "firing",
    *,
    minute: int = 0,
    resource: str = "",
    group_key: str | None = None,
) -> Alert:
    started = T0 + timedelta(minutes=minute)
    return Alert(
        source="alertmanager",
        fingerprint=fingerprint,
        status=status,
        severity="warning",
        title=f"{fingerprint} is {status}",
        resource=resource,
        group_key=group_key,
        starts_at=started,
        ends_at=started if status == "resolved" else None,
        raw={"fingerprint": fingerprint, "minute": minute},
    )


@pytest.fixture
def clock() -> MovableClock:
    return MovableClock()


@pytest.fixture
def store(db: Database, clock: MovableClock) -> AlertStore:
    return AlertStore(db, clock, RULES)


def test_the_same_fingerprint_joins_its_incident_within_the_window(
    store: AlertStore, clock: MovableClock
) -> None:
    first = store.accept([_alert("cpu", minute=0)])
    clock.advance(20 * 60)
    second = store.accept([_alert("cpu", minute=20)])
    assert second.incidents == first.incidents
    (incident,) = store.incidents()
    assert incident.count == 2
    assert incident.last_seen - incident.first_seen >= timedelta(minutes=20)


def test_after_the_window_the_same_fingerprint_opens_a_new_incident(
    store: AlertStore, clock: MovableClock
) -> None:
    first = store.accept([_alert("cpu", minute=0)])
    clock.advance(31 * 60)
    later = store.accept([_alert("cpu", minute=31)])
    assert later.incidents != first.incidents
    assert [incident.count for incident in store.incidents()] == [1, 1]


def test_the_same_group_key_or_resource_joins_one_incident(store: AlertStore) -> None:
    grouped = store.accept(
        [_alert("a", group_key="{}:{job=web}"), _alert("b", group_key="{}:{job=web}")]
    )
    assert len(grouped.incidents) == 1
    alarm = store.accept([_alert("cpu-alarm", resource="i-0abc")])
    state = store.accept([_alert("ec2-state:i-0abc", resource="i-0abc")])
    assert alarm.incidents == state.incidents != grouped.incidents
    other = store.accept([_alert("disk", resource="i-0def")])
    assert other.incidents not in (alarm.incidents, grouped.incidents)
    assert len(store.incidents()) == 3


def test_a_reposted_group_is_dropped_as_a_duplicate(store: AlertStore) -> None:
    group = [_alert("a", group_key="g"), _alert("b", group_key="g")]
    store.accept(group)
    again = store.accept(group)
    assert (again.accepted, again.duplicates, again.notify) == (0, 2, [])
    assert len(store.alerts()) == 2
    assert store.incidents()[0].count == 2


def test_an_incident_resolves_when_all_its_alerts_do(
    store: AlertStore, clock: MovableClock
) -> None:
    store.accept([_alert("a", group_key="g"), _alert("b", group_key="g")])
    clock.advance(60)
    store.accept([_alert("a", "resolved", group_key="g")])
    assert store.incidents()[0].status == "open"
    clock.advance(60)
    resolved = store.accept([_alert("b", "resolved", group_key="g")])
    (incident,) = store.incidents()
    assert incident.status == "resolved" and resolved.notify == [incident.id]


def test_a_flapping_alert_stops_renotifying_until_its_flips_age_out(
    db: Database, clock: MovableClock
) -> None:
    store = AlertStore(db, clock, GroupingRules(timedelta(hours=3), 4, timedelta(hours=1)))
    opened = store.accept([_alert("cpu", minute=0)])
    assert opened.notify == opened.incidents
    heard = []
    for flip in range(1, 9):
        clock.advance(60)
        status: Status = "resolved" if flip % 2 else "firing"
        heard.append(bool(store.accept([_alert("cpu", status, minute=flip)]).notify))
    # flips 1-4 notify; from the 5th (more than 4 in the hour) the incident flaps, silently
    assert heard == [True] * 4 + [False] * 4
    (incident,) = store.incidents()
    assert incident.flapping and incident.count == 9
    clock.advance(61 * 60)  # the flips age out of the flap window; the incident is still joined
    calm = store.accept([_alert("cpu", "resolved", minute=70)])
    (incident,) = store.incidents()
    assert not incident.flapping and calm.notify == [incident.id]
    assert incident.status == "resolved"


def test_a_resolve_with_nothing_firing_is_kept_but_not_announced(store: AlertStore) -> None:
    result = store.accept([_alert("cpu", "resolved")])
    assert result.accepted == 1 and result.notify == []
    assert store.incidents()[0].status == "resolved"


def _am_post(fingerprint: int, index: int) -> dict[str, Any]:
    started = (T0 + timedelta(seconds=index)).isoformat()
    return {
        "version": "4",
        "status": "firing",
        "groupKey": f'{{}}:{{alertname="storm-{fingerprint}"}}',
        "receiver": "cloudfabric",
        "alerts": [
            {
                "labels": {"alertname": f"storm-{fingerprint}", "instance": f"web-{fingerprint}"},
                "annotations": {"summary": "storm"},
                "startsAt": started,
                "fingerprint": f"fp-{fingerprint}",
            }
        ],
    }


def test_a_storm_of_200_alerts_over_10_fingerprints_gives_10_incidents(
    settings: Settings, db: Database
) -> None:
    intake = make_intake(alert_settings(settings), db, MovableClock(), Fetcher({}))
    posts = [_am_post(index % 10, index) for index in range(200)]
    with intake_client(intake) as client, ThreadPoolExecutor(max_workers=4) as pool:

        def send(body: dict[str, Any]) -> int:
            answer = client.post("/alerts/alertmanager", json=body, headers=AUTH["alertmanager"])
            return answer.status_code

        statuses = list(pool.map(send, posts))
    assert statuses == [200] * 200
    alerts, incidents = intake.store.alerts(), intake.store.incidents()
    assert len(alerts) == 200
    assert len(incidents) == 10
    assert sorted(incident.count for incident in incidents) == [20] * 10
    assert {json.loads(row.raw_json)["alert"]["startsAt"] for row in alerts} == {
        post["alerts"][0]["startsAt"] for post in posts
    }


def test_senders_at_once_share_commits_yet_each_hears_of_its_own_alerts(store: AlertStore) -> None:
    deliveries = [[_alert(f"fp-{n % 5}", minute=n // 5)] for n in range(60)]
    deliveries += [[_alert("fp-0", minute=0)]]  # the same alert as the first sender's
    with ThreadPoolExecutor(max_workers=12) as pool:
        results = list(pool.map(store.accept, deliveries))
    assert sum(r.accepted for r in results) == 60
    assert sum(r.duplicates for r in results) == 1
    assert all(len(r.incidents) == 1 for r in results if r.accepted)
    assert len(store.alerts()) == 60 and len(store.incidents()) == 5


def test_a_delivery_that_cannot_be_stored_fails_alone(
    store: AlertStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    store_one = AlertStore._accept_one

    def refusing_poison(self: AlertStore, session: Any, alert: Alert) -> Any:
        if alert.fingerprint == "poison":
            raise ValueError("alert poison cannot be stored")
        return store_one(self, session, alert)

    monkeypatch.setattr(AlertStore, "_accept_one", refusing_poison)
    deliveries = [[_alert(f"ok-{n}")] for n in range(20)] + [[_alert("poison")]]
    with ThreadPoolExecutor(max_workers=8) as pool:
        futures = [pool.submit(store.accept, delivery) for delivery in deliveries]
    failed = [f for f in futures if f.exception() is not None]
    assert len(failed) == 1 and "poison" in str(failed[0].exception())
    assert sorted(row.fingerprint for row in store.alerts()) == sorted(f"ok-{n}" for n in range(20))
