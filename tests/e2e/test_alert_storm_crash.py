"""Restart mid-storm: ``cloudfabric serve --http`` (a real process on PostgreSQL) is killed with
SIGKILL while a storm of alerts arrives and its Slack writes are still queued; a fresh process
on the same database takes over.

Alertmanager resends what was not answered 200 (the test does the same); afterwards every alert
is stored once, in its incident, and every incident is shown exactly once: one thread root, or
one line of the one storm digest, showing all of its alerts. Nothing is lost, nothing doubled.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from core.db import Database
from tests.approvals.replicas import Replica, ReplicaConfig, Replicas
from tests.fakes.slack_server import FakeSlack
from tests.slack.harness import eventually, slack
from tests.tools.alerts.storm import PATH, drained, outcome, webhooks

__all__ = ["slack"]
pytestmark = [pytest.mark.slow, pytest.mark.postgres]

CHANNEL = "C0STORM"
TOKEN = "storm-alertmanager-token"
ALERTS, FINGERPRINTS, THREADS = 200, 10, 4
KILL_AFTER = 60
"""Alerts answered 200 before the kill."""
SLACK_RATE = 4.0
"""Writes per second per channel the fake Slack allows (Slack's ~1/s, scaled up)."""


@pytest.fixture
def replicas(tmp_path: Path, moto_url: str, slack: FakeSlack) -> Iterator[Replicas]:
    """Replicas that take alerts and open threads in ``CHANNEL``, paced faster than Slack."""
    extra = {
        "CF_ALERTS_CHANNEL": CHANNEL,
        "CF_ALERTS_ALERTMANAGER_TOKEN": TOKEN,
        "CF_ALERTS_STORM_THREADS": str(THREADS),
        "CF_SLACK_OUTBOX_POLL_SECONDS": "0.1",
        "CF_SLACK_OUTBOX_LEASE_SECONDS": "2",
        "CF_SLACK_OUTBOX_CHANNEL_INTERVAL_SECONDS": str(1 / (SLACK_RATE * 2)),
    }
    config = ReplicaConfig(tmp_path, moto_url, slack.api_url, extra=extra)
    group = Replicas(config)
    yield group
    group.kill_all()


class Sender:
    """Alertmanager's side: sends each webhook until it is answered 200."""

    def __init__(self, bodies: list[bytes]) -> None:
        """Nothing answered yet."""
        self.unanswered = dict(enumerate(bodies))
        self.answered = threading.Semaphore(0)
        self._lock = threading.Lock()

    def send(self, base: str, clients: int = 6) -> None:
        """Send what is unanswered to ``base`` (a delivery that fails stays unanswered)."""
        with ThreadPoolExecutor(clients) as pool:
            list(pool.map(lambda item: self._one(base, *item), list(self.unanswered.items())))

    def _one(self, base: str, index: int, raw: bytes) -> None:
        headers = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}
        try:
            answer = httpx.post(f"{base}{PATH}", content=raw, headers=headers, timeout=30)
        except httpx.HTTPError:
            return
        if answer.status_code == 200:
            with self._lock:
                self.unanswered.pop(index, None)
            self.answered.release()


def test_kill_9_mid_storm_loses_and_doubles_nothing(
    replicas: Replicas, slack: FakeSlack, own_postgres_url: str
) -> None:
    slack.limit_rate(SLACK_RATE, burst=2)
    first = replicas.start("storm-a", own_postgres_url)
    successor: Replica = replicas.spawn("storm-b", own_postgres_url)
    sender = Sender(webhooks("cf", ALERTS, FINGERPRINTS))
    storm = threading.Thread(target=sender.send, args=(first.base_url,))
    storm.start()
    for _ in range(KILL_AFTER):
        assert sender.answered.acquire(timeout=60)
    first.kill()
    storm.join(timeout=120)
    writes_at_kill = len(slack.writes(CHANNEL))
    assert sender.unanswered  # the storm was not over

    successor.go()
    sender.send(successor.base_url)
    assert sender.unanswered == {}
    drained(slack, quiet=5.0, timeout=90)
    db = Database(own_postgres_url)
    try:
        seen = eventually(lambda: _settled(db, slack), timeout=60)
    finally:
        db.dispose()

    assert len(slack.writes(CHANNEL)) > writes_at_kill  # the successor finished the job
    assert seen.alerts == ALERTS
    assert sorted(seen.incidents.values()) == [ALERTS // FINGERPRINTS] * FINGERPRINTS
    assert sum(seen.roots.values()) == THREADS
    assert len(seen.digests) == 1 and len(seen.listed) == FINGERPRINTS - THREADS
    assert (seen.lost, seen.duplicated, seen.stale) == ([], [], [])


def _settled(db: Database, slack: FakeSlack) -> object:
    """The storm's outcome once every incident shows all of its alerts (else None)."""
    seen = outcome(db, slack, CHANNEL, "cf-")
    return seen if seen.incidents and not (seen.lost or seen.stale) else None
