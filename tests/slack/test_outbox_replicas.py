"""Two replicas drain one outbox on PostgreSQL: both send, and every write is sent once, in its
lane's order, through a storm of 429s."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from slack_sdk import WebClient

from bot.slack.metrics import SlackMetrics
from bot.slack.outbox.service import Outbox, Write
from core.db import Database
from tests.fakes.slack_server import FakeSlack
from tests.slack.harness import MovableClock, slack, slack_settings

__all__ = ["slack"]


@pytest.fixture
def replicas(
    tmp_path: Path, slack: FakeSlack, own_postgres_url: str
) -> Iterator[tuple[Outbox, Outbox, MovableClock]]:
    db = Database(own_postgres_url)
    db.migrate()
    clock = MovableClock()
    client = WebClient(token="xoxb-test", base_url=slack.api_url)
    built = []
    for name in ("a", "b"):
        settings = slack_settings(
            tmp_path / name, slack, slack_outbox_poll_seconds=0.02, replica_id=f"replica-{name}"
        )
        built.append(Outbox(db, clock, client, settings, SlackMetrics()))
    yield built[0], built[1], clock
    for outbox in built:
        outbox.stop()
    db.dispose()


def _post(channel: str, thread: str, text: str) -> Write:
    payload = {"channel": channel, "thread_ts": thread, "text": text}
    return Write("chat.postMessage", channel, f"thread:{channel}/{thread}", payload)


def test_two_replicas_send_each_write_once_and_in_order(
    replicas: tuple[Outbox, Outbox, MovableClock], slack: FakeSlack
) -> None:
    first, second, clock = replicas
    slack.fail("chat.postMessage", "ratelimited", times=6)
    for n in range(12):
        (first if n % 2 else second).queue(_post("C70", "7000.1", f"one-{n}"))
        (second if n % 2 else first).queue(_post("C71", "7100.1", f"two-{n}"))
    first.start()
    second.start()

    deadline = time.monotonic() + 30
    while first.store.backlog(clock.now()).pending:
        assert time.monotonic() < deadline
        clock.advance(0.5)
        time.sleep(0.03)

    sent = [c for c in slack.calls_of("chat.postMessage") if c.response.get("ok")]
    for channel, prefix in (("C70", "one"), ("C71", "two")):
        texts = [c.params["text"] for c in sent if c.params["channel"] == channel]
        assert texts == [f"{prefix}-{n}" for n in range(12)]
    claimed = {e.claimed_by for e in first.store.listing()}
    assert claimed == {"replica-a", "replica-b"}
