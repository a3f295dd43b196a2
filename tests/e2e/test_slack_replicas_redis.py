"""Redis stopped mid-run under real processes: two ``cloudfabric serve`` replicas and one
``cloudfabric worker`` on a PostgreSQL database of their own and a private redis-server.

Before the outage every mention is answered once. After Redis is stopped, new mentions sent to
either replica are still acknowledged and answered exactly once; Slack's retries of them, sent
to the other replica, are acknowledged and answer nothing more; and each replica stays ready
(``/readyz`` 200) while saying it is degraded because Redis is unreachable.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from functools import partial
from pathlib import Path

import httpx
import pytest

from tests.core.private_redis import private_redis
from tests.e2e.slack_processes import Process, Replicas
from tests.fakes.slack_server import FakeSlack
from tests.slack.harness import eventually, mention, slack
from tests.slack.slack_calls import answers_in

__all__ = ["slack"]

pytestmark = pytest.mark.slow

RETRY = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
CHANNEL = "C72"


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """A redis-server of this test alone (its URL and process), killed at the end; the
    machine's own Redis is never touched."""
    folder = tmp_path / "redis"
    folder.mkdir()
    with private_redis(folder) as started:
        yield started


@pytest.fixture
def replicas(
    slack_replicas: Replicas, redis_server: tuple[str, subprocess.Popen[bytes]]
) -> Replicas:
    """The test's processes, on the private Redis."""
    slack_replicas.redis_url, _ = redis_server
    return slack_replicas


def ask(replica: Process, n: int, **headers: str) -> int:
    """Send the mention number ``n`` ("help", ts ``7200.<n>``) to ``replica``; its status."""
    body = mention("help", event_id=f"EvRR{n}", channel=CHANNEL, ts=f"7200.{n}")
    return replica.post_event(body, **headers).status_code


def settle(replicas: Replicas, slack: FakeSlack, numbers: list[int]) -> None:
    """Wait until every mention in ``numbers`` has an answer, every Slack run (intake and
    turn) has finished and the outbox has nothing left to send, so that a late duplicate
    answer would already be in the fake Slack."""
    for n in numbers:
        eventually(partial(answers_in, slack, CHANNEL, f"7200.{n}"), timeout=40)
    turns = {f"slack-turn:T111:{CHANNEL}:7200.{n}" for n in numbers}

    def finished() -> bool:
        states = {run: state for run, state, _ in replicas.runs("slack-")}
        done = turns <= states.keys() and set(states.values()) == {"SUCCESS"}
        return done and replicas.unsent_writes() == 0

    eventually(finished, timeout=30)


def test_redis_stopped_under_two_serve_replicas_and_a_worker(
    replicas: Replicas,
    redis_server: tuple[str, subprocess.Popen[bytes]],
    slack: FakeSlack,
) -> None:
    one = replicas.serve("serve-one", "serve-1")
    other = replicas.serve("serve-other", "serve-2")
    worker = replicas.worker("worker", "worker-a")
    one.wait_ready()
    other.wait_ready()
    worker.wait_for_log("runs queued work")
    both = (one, other)

    before = [1, 2, 3, 4]
    assert [ask(both[n % 2], n) for n in before] == [200] * 4
    settle(replicas, slack, before)
    assert [len(answers_in(slack, CHANNEL, f"7200.{n}")) for n in before] == [1] * 4
    (help_text,) = answers_in(slack, CHANNEL, "7200.1")

    _, server = redis_server
    server.kill()
    server.wait(timeout=10)

    during = [5, 6, 7, 8]
    assert [ask(both[n % 2], n) for n in during] == [200] * 4
    assert [ask(both[(n + 1) % 2], n, **RETRY) for n in during] == [200] * 4
    for replica in both:
        ready = httpx.get(f"{replica.url}/readyz", timeout=10)
        assert ready.status_code == 200, (replica.name, ready.text)
        degraded = ready.json().get("degraded", [])
        assert any("Redis" in entry for entry in degraded), (replica.name, ready.json())

    settle(replicas, slack, during)
    everything = before + during
    assert [answers_in(slack, CHANNEL, f"7200.{n}") for n in everything] == [[help_text]] * 8
    assert "taking locks with PostgreSQL advisory locks" in worker.log()
    events = replicas.runs("slack-event:")
    assert sorted(run for run, _, _ in events) == sorted(
        f"slack-event:T111:EvRR{n}" for n in everything
    )
    for n in during:
        retried = both[(n + 1) % 2]
        assert f"acknowledged duplicate EvRR{n} (retry 1, http_timeout)" in retried.log()
