"""Nothing acked is lost: real ``serve`` and ``worker`` processes on PostgreSQL, killed with
SIGKILL at the worst moments, and every message still answered exactly once.

- A worker killed in the middle of a turn: the other worker takes the turn over once the
  dead one's heartbeat is stale, and the thread gets one answer.
- A serve process killed right after its 200, with no worker running yet: the event was
  recorded before the 200, so a worker started afterwards answers it; Slack's retry of the
  same event, sent to a restarted serve, is acknowledged and answers nothing more.
"""

from __future__ import annotations

import pytest

from tests.e2e.slack_processes import Replicas
from tests.fakes.slack_server import FakeSlack
from tests.slack.harness import eventually, mention, slack

__all__ = ["slack"]

pytestmark = pytest.mark.slow


def answers_in(slack: FakeSlack, thread_ts: str) -> list[str]:
    """Texts of the messages the app posted in the thread ``thread_ts``."""
    posted = slack.calls_of("chat.postMessage")
    return [str(c.params.get("text")) for c in posted if c.params.get("thread_ts") == thread_ts]


def test_a_worker_killed_mid_turn_is_taken_over_and_answers_once(
    slack_replicas: Replicas, slack: FakeSlack
) -> None:
    serve = slack_replicas.serve("serve", "serve-1")
    workers = {name: slack_replicas.worker(name, name) for name in ("worker-a", "worker-b")}
    serve.wait_ready()
    for worker in workers.values():
        worker.wait_for_log("runs queued work")
    slack.hold_next("reactions.add", 120)  # the turn that takes the message stalls there

    ack = serve.post_event(mention("help", event_id="EvK1", channel="C70", ts="7000.1"))
    assert ack.status_code == 200
    slack.wait_for("reactions.add", timeout=30)
    ((_, state, holder),) = slack_replicas.runs("slack-turn:")
    assert state == "PENDING" and holder in workers
    workers[holder].kill()

    eventually(lambda: answers_in(slack, "7000.1"), timeout=60)
    eventually(lambda: slack_replicas.runs("slack-turn:")[0][1] == "SUCCESS", timeout=30)
    ((_, _, finisher),) = slack_replicas.runs("slack-turn:")
    assert finisher != holder
    assert len(answers_in(slack, "7000.1")) == 1
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

    eventually(lambda: answers_in(slack, "7100.1"), timeout=60)
    eventually(lambda: slack_replicas.runs("slack-turn:")[0][1] == "SUCCESS", timeout=30)
    assert len(answers_in(slack, "7100.1")) == 1
    assert len(slack_replicas.runs("slack-event:")) == 1
    assert "acknowledged duplicate EvK2" in again.log()
