"""Nothing acked is lost: real ``serve`` and ``worker`` processes on PostgreSQL, killed with
SIGKILL at the worst moments, and every message still answered exactly once. They share the
machine's Redis (locks and caches), as replicas do.

- A worker killed in the middle of a turn (inside its model call): the other worker takes the
  turn over once the dead one's heartbeat is stale, and the thread gets one answer.
- A serve process killed right after its 200, with no worker running yet: the event was
  recorded before the 200, so a worker started afterwards answers it; Slack's retry of the
  same event, sent to a restarted serve, is acknowledged and answers nothing more.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.e2e.slack_processes import Replicas
from tests.fakes.openai_server import FakeOpenAI, answer
from tests.fakes.slack_server import FakeSlack
from tests.slack.harness import eventually, mention, slack
from tests.slack.slack_calls import answers_in

__all__ = ["slack"]

pytestmark = pytest.mark.slow


@pytest.fixture
def model() -> Iterator[FakeOpenAI]:
    """An OpenAI-compatible model server the workers ask; its held requests are let go at the
    end."""
    server = FakeOpenAI().start()
    yield server
    server.release()
    server.stop()


def test_a_worker_killed_mid_turn_is_taken_over_and_answers_once(
    slack_replicas: Replicas, slack: FakeSlack, model: FakeOpenAI
) -> None:
    slack_replicas.settings.update(
        {"CF_MODEL_PROVIDER": "openai", "CF_OPENAI_BASE_URL": model.base_url}
    )
    serve = slack_replicas.serve("serve", "serve-1")
    workers = {name: slack_replicas.worker(name, name) for name in ("worker-a", "worker-b")}
    serve.wait_ready()
    for worker in workers.values():
        worker.wait_for_log("runs queued work")
    model.hold_next(120)  # the turn that takes the message stalls inside its model call
    for _ in range(2):
        model.reply(answer("Nothing is on fire: 3 instances are running."))

    ack = serve.post_event(mention("help", event_id="EvK1", channel="C70", ts="7000.1"))
    assert ack.status_code == 200
    model.wait_for_requests(1)
    ((_, state, holder),) = slack_replicas.runs("slack-turn:")
    assert state == "PENDING" and holder in workers
    workers[holder].kill()

    eventually(lambda: answers_in(slack, "C70", "7000.1"), timeout=60)
    eventually(lambda: slack_replicas.runs("slack-turn:")[0][1] == "SUCCESS", timeout=30)
    ((_, _, finisher),) = slack_replicas.runs("slack-turn:")
    assert finisher != holder
    assert answers_in(slack, "C70", "7000.1") == ["Nothing is on fire: 3 instances are running."]
    assert [state for _, state, _ in slack_replicas.runs("slack-event:")] == ["SUCCESS"]


def test_serve_killed_right_after_its_ack_loses_nothing_and_the_retry_adds_nothing(
    slack_replicas: Replicas, slack: FakeSlack
) -> None:
    first = slack_replicas.serve("serve-first", "serve-1")
    first.wait_ready()
    event = mention("help", event_id="EvK2", channel="C71", ts="7100.1")

    ack = first.post_event(event)
    first.kill()
    assert ack.status_code == 200
    assert [state for _, state, _ in slack_replicas.runs("slack-event:")] == ["ENQUEUED"]

    again = slack_replicas.serve("serve-again", "serve-2")
    worker = slack_replicas.worker("worker", "worker-a")
    again.wait_ready()
    worker.wait_for_log("runs queued work")
    retry = again.post_event(event, **{"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "timeout"})
    assert retry.status_code == 200

    eventually(lambda: answers_in(slack, "C71", "7100.1"), timeout=60)
    eventually(lambda: slack_replicas.runs("slack-turn:")[0][1] == "SUCCESS", timeout=30)
    assert len(answers_in(slack, "C71", "7100.1")) == 1
    assert len(slack_replicas.runs("slack-event:")) == 1
    assert "acknowledged duplicate EvK2" in again.log()
