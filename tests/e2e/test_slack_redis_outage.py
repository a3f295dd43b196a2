"""Redis stopped mid-run: two replicas keep taking Slack events on the database, answer each
once, and stay ready while saying they are degraded."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from core.aws import AwsClients
from tests.core.private_redis import private_redis
from tests.fakes.slack_server import FakeSlack
from tests.slack.harness import (
    Stack,
    eventually,
    mention,
    running_stack,
    sandbox_aws,
    slack,
    slack_settings,
)

__all__ = ["sandbox_aws", "slack"]
RETRY = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}


def _answers(stack: Stack, ts: str) -> int:
    calls = stack.slack.calls_of("chat.postMessage")
    return sum(1 for call in calls if call.params.get("thread_ts") == ts)


def _ask(stack: Stack, n: int, **headers: str) -> int:
    body = mention("help", event_id=f"EvOut{n}", channel="C70", ts=f"7000.{n}")
    return int(stack.post_event(body, **headers).status_code)


@pytest.mark.postgres
@pytest.mark.slow
def test_intake_survives_redis_stopping_without_duplicates(
    tmp_path: Path, own_postgres_url: str, sandbox_aws: AwsClients, slack: FakeSlack
) -> None:
    with private_redis(tmp_path) as (redis_url, redis_server):
        shared = {"database_url": own_postgres_url, "redis_url": redis_url}
        replicas = [
            running_stack(slack_settings(tmp_path / name, slack, **shared), sandbox_aws, slack)
            for name in ("a", "b")
        ]
        one, other = (next(replica) for replica in replicas)
        try:
            assert _ask(one, 1) == 200
            eventually(lambda: _answers(one, "7000.1"))
            per_answer = _answers(one, "7000.1")

            redis_server.kill()
            redis_server.wait(timeout=10)

            statuses = [_ask(one, n) for n in (2, 3, 4)]
            retries = [_ask(other, n, **RETRY) for n in (2, 3, 4)]
            ready = other.http.get("/readyz")

            assert statuses == retries == [200, 200, 200]
            for n in (2, 3, 4):
                eventually(lambda n=n: _answers(one, f"7000.{n}") >= per_answer)
            time.sleep(1.0)  # a duplicate turn would have answered by now
            assert [_answers(one, f"7000.{n}") for n in (1, 2, 3, 4)] == [per_answer] * 4
            assert other.runtime.surface.metrics.duplicates._value.get() == 3
            assert ready.status_code == 200
            assert ready.json() == {
                "status": "ready",
                "degraded": [
                    "Redis unreachable: de-duplication and locks fall back to the database"
                ],
            }
        finally:
            for replica in replicas:
                next(replica, None)
