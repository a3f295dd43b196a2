"""Slack output through real processes: one ``cloudfabric serve`` that only records requests
and one ``cloudfabric worker`` that runs them, on PostgreSQL and Redis, writing to a fake Slack
that refuses writes as told. Everything the worker says goes through the durable outbox, which
retries until Slack takes it, with Slack's ``Retry-After`` and in order within each thread.

- A storm of 24 429s on ``chat.postMessage`` while three threads each ask two questions: every
  answer is posted once, in order in its thread, and the hourglass is taken off a message only
  after its answer is posted.
- An approval card whose ``chat.update`` fails eight times after another user's click on
  Approve (four 429s, four ``internal_error``): the action runs, and the card ends up showing
  the final state, without its buttons and naming the approver.
"""

from __future__ import annotations

import json
from functools import partial

import pytest

from approvals.models import ApprovalState
from approvals.render import APPROVE_ACTION
from tests.e2e.slack_processes import Process, Replicas
from tests.fakes.slack_server import TEAM_ID, Call, FakeSlack
from tests.slack.harness import choice_click, eventually, mention, slack, thread_reply
from tests.slack.slack_calls import accepted, answered_at, answers_in, unhourglassed_at

__all__ = ["slack"]

pytestmark = pytest.mark.slow

QUESTION = "what instances are running in us-east-1?"


def _start(replicas: Replicas) -> Process:
    """Start one record-only ``serve`` and one ``worker``; returns the serve once both are up."""
    serve = replicas.serve("serve", "serve-1")
    worker = replicas.worker("worker", "worker-1")
    serve.wait_ready()
    worker.wait_for_log("runs queued work")
    return serve


def _unhourglassed(slack: FakeSlack, message_ts: str) -> list[Call]:
    """Accepted removals of the hourglass from the message ``message_ts``."""
    return [
        c
        for c in slack.calls_of("reactions.remove")
        if accepted(c) and c.params.get("timestamp") == message_ts
    ]


def _turn_ran(replicas: Replicas, channel: str, message_ts: str) -> bool:
    """True once the worker ran the turn answering the message (its answer is queued)."""
    turn = f"slack-turn:{TEAM_ID}:{channel}:{message_ts}"
    return [state for _, state, _ in replicas.runs(turn)] == ["SUCCESS"]


def test_a_storm_of_429s_loses_no_answer_and_keeps_each_thread_in_order(
    slack_replicas: Replicas, slack: FakeSlack
) -> None:
    replicas = slack_replicas
    serve = _start(replicas)
    threads = [("C61", "6100.1"), ("C62", "6200.1"), ("C63", "6300.1")]
    slack.fail("chat.postMessage", "ratelimited", times=24, retry_after=1)

    for n, (channel, ts) in enumerate(threads):
        ack = serve.post_event(mention("help", event_id=f"EvS{n}", channel=channel, ts=ts))
        assert ack.status_code == 200
    for channel, ts in threads:  # each thread is a conversation once its first turn ran
        eventually(partial(_turn_ran, replicas, channel, ts), 60)
    for n, (channel, ts) in enumerate(threads):
        second = f"{ts}1"
        body = thread_reply(QUESTION, event_id=f"EvT{n}", channel=channel, ts=second, thread_ts=ts)
        assert serve.post_event(body).status_code == 200

    every = [(channel, message) for channel, ts in threads for message in (ts, f"{ts}1")]
    eventually(lambda: all(_unhourglassed(slack, message) for _, message in every), 90)
    eventually(lambda: replicas.unsent_writes() == 0, 30)

    limited = [c for c in slack.calls_of("chat.postMessage") if not accepted(c)]
    assert len(limited) == 24
    assert {c.response.get("error") for c in limited} == {"ratelimited"}
    for channel, ts in threads:
        first, second = answers_in(slack, channel, ts)  # each answer once, in order
        assert "what I can do" in first and "batch-worker" in second
        for message, words in ((ts, "what I can do"), (f"{ts}1", "batch-worker")):
            assert answered_at(slack, channel, words) < unhourglassed_at(slack, message)
            assert len(_unhourglassed(slack, message)) == 1


def _card_posted(slack: FakeSlack) -> Call | None:
    """The approval card Slack accepted (the post carrying the Approve button), if any."""
    for call in slack.calls_of("chat.postMessage"):
        if accepted(call) and APPROVE_ACTION in json.dumps(call.params.get("blocks") or []):
            return call
    return None


def test_a_card_update_failing_eight_times_ends_in_the_final_state(
    slack_replicas: Replicas, slack: FakeSlack
) -> None:
    replicas = slack_replicas
    serve = _start(replicas)
    asked = mention("stop web-1", event_id="EvU1", channel="C64", ts="6400.1", user="U0ALICE")
    assert serve.post_event(asked).status_code == 200

    card = eventually(lambda: _card_posted(slack), 60)
    card_ts = card.response["ts"]
    click = choice_click(card, 0, user="U0BOB")
    assert click["actions"][0]["action_id"] == APPROVE_ACTION
    approval_id = click["actions"][0]["value"]
    slack.fail("chat.update", "ratelimited", times=4, retry_after=1)
    slack.fail("chat.update", "internal_error", times=4)

    assert serve.post_interaction(click).status_code == 200

    def state() -> str:
        [(found,)] = replicas.query(
            "SELECT state FROM approval_request WHERE id = :id", id=approval_id
        )
        return str(found)

    def final_card() -> Call | None:
        """The card's last edit, once Slack took it, it names the approver and nothing else
        is left to send."""
        updates = [c for c in slack.calls_of("chat.update") if c.params.get("ts") == card_ts]
        last = updates[-1] if updates else None
        if last is None or not accepted(last) or "U0BOB" not in json.dumps(last.params["blocks"]):
            return None
        return last if replicas.unsent_writes() == 0 else None

    eventually(lambda: state() == ApprovalState.SUCCEEDED, 60)
    shown = eventually(final_card, 60).params["blocks"]
    assert "Approved and done" in json.dumps(shown)
    assert APPROVE_ACTION not in json.dumps(shown)
    assert "actions" not in [block["type"] for block in shown]
    failed = [c for c in slack.calls_of("chat.update") if not accepted(c)]
    assert [c.response["error"] for c in failed] == ["ratelimited"] * 4 + ["internal_error"] * 4
    assert all(c.params.get("ts") == card_ts for c in failed)
