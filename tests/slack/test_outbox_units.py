"""The outbox's parts on their own: what Slack's answers mean, the channel pace, and edits
that replace older unsent ones."""

from __future__ import annotations

from datetime import timedelta

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.web import SlackResponse

from bot.slack.metrics import SlackMetrics
from bot.slack.outbox.outcome import backoff_seconds, of_slack_error
from bot.slack.outbox.pace import ChannelPacer
from bot.slack.outbox.service import Outbox, Write, queued_by
from bot.slack.outbox.tables import PENDING, SUPERSEDED
from core.clock import Clock
from core.db import Database
from core.settings import Settings


def _refusal(error: str, status: int = 200, headers: dict | None = None) -> SlackApiError:
    response = SlackResponse(
        client=None,
        http_verb="POST",
        api_url="https://slack.com/api/chat.postMessage",
        req_args={},
        data={"ok": False, "error": error},
        headers=headers or {},
        status_code=status,
    )
    return SlackApiError(error, response)


@pytest.mark.parametrize(
    ("error", "status", "headers", "kind", "wait"),
    [
        ("ratelimited", 429, {"Retry-After": ["7"]}, "retry", 7.0),
        ("ratelimited", 429, {"retry-after": "3"}, "retry", 3.0),
        ("ratelimited", 429, {}, "retry", 1.0),
        ("internal_error", 200, {}, "retry", None),
        ("fatal_error", 200, {}, "retry", None),
        ("channel_not_found", 200, {}, "dead", None),
        ("not_in_channel", 200, {}, "dead", None),
        ("invalid_blocks", 200, {}, "dead", None),
        ("already_reacted", 200, {}, "done", None),
        ("no_reaction", 200, {}, "done", None),
    ],
)
def test_slack_answers_are_sorted_into_retry_dead_or_done(
    error: str, status: int, headers: dict, kind: str, wait: float | None
) -> None:
    outcome = of_slack_error(_refusal(error, status, headers))
    assert (outcome.kind, outcome.retry_after) == (kind, wait)
    assert outcome.rate_limited == (error == "ratelimited")


def test_back_off_grows_exponentially_with_jitter_up_to_five_minutes() -> None:
    for errors in range(1, 30):
        assert 0 <= backoff_seconds(errors) <= min(2**errors, 300)
    assert max(backoff_seconds(12) for _ in range(50)) > 60


def test_a_channel_takes_a_burst_then_one_write_a_second(db: Database) -> None:
    pacer = ChannelPacer(db, timedelta(seconds=1), burst=3)
    now = Clock().now()
    assert [pacer.take("C1", now) for _ in range(3)] == [None, None, None]
    assert pacer.take("C1", now) == now + timedelta(seconds=1)
    assert pacer.take("C2", now) is None  # another channel has its own pace
    assert pacer.take("C1", now + timedelta(seconds=1)) is None
    pacer.hold("C1", now + timedelta(seconds=30))  # Slack said Retry-After: 29
    assert pacer.take("C1", now + timedelta(seconds=29)) is not None
    assert pacer.take("C1", now + timedelta(seconds=30)) is None


def test_a_newer_edit_replaces_an_older_one_not_sent_yet(db: Database, settings: Settings) -> None:
    client = WebClient(token="xoxb-test", base_url="http://127.0.0.1:9/api/")
    outbox = Outbox(db, Clock(), client, settings, SlackMetrics())
    post = outbox.queue(Write("chat.postMessage", "C1", "thread:C1/1.0", {"channel": "C1"}))

    def edit(text: str) -> Write:
        payload = {"channel": "C1", "text": text}
        lane = f"message:{post.id}"
        return Write("chat.update", "C1", lane, payload, post.id, "ts", supersede=True)

    older, newer = outbox.queue(edit("approved")), outbox.queue(edit("succeeded"))

    states = {e.id: e.state for e in outbox.store.listing()}
    assert states[older.id] == SUPERSEDED and states[newer.id] == PENDING
    backlog = outbox.store.backlog(Clock().now())
    assert (backlog.pending, backlog.dead) == (2, 0)


@pytest.mark.parametrize("store", ["sqlite", "postgres"])
def test_a_step_run_again_is_given_its_first_writes_and_queues_none_twice(
    store: str, db: Database, settings: Settings, request: pytest.FixtureRequest
) -> None:
    if store == "postgres":
        db = Database(request.getfixturevalue("own_postgres_url"))
        db.migrate()
    client = WebClient(token="xoxb-test", base_url="http://127.0.0.1:9/api/")
    outbox = Outbox(db, Clock(), client, settings, SlackMetrics())

    def answer() -> list[int | None]:
        lane = "thread:C1/1.0"
        post = Write("chat.postMessage", "C1", lane, {"channel": "C1", "text": "Done."})
        done = Write("reactions.remove", "C1", lane, {"channel": "C1", "name": "hourglass"})
        return [outbox.queue(post).id, outbox.queue(done).id]

    first = queued_by("slack-turn:T1:C1:1.0", answer)
    again = queued_by("slack-turn:T1:C1:1.0", answer)  # the step re-run after a crash
    other = queued_by("slack-turn:T1:C1:2.0", answer)
    outside = answer()  # no step: every write is its own

    assert again == first
    assert len({*first, *other, *outside}) == 6
    assert outbox.store.backlog(Clock().now()).pending == 6


def test_a_retention_sweep_purges_finished_entries_but_keeps_pending_and_dead(
    db: Database, settings: Settings
) -> None:
    client = WebClient(token="xoxb-test", base_url="http://127.0.0.1:9/api/")
    clock = Clock()
    outbox = Outbox(db, clock, client, settings, SlackMetrics())
    ids = [outbox.queue(Write("chat.postMessage", "C1", f"thread:C1/{n}", {})).id for n in range(3)]
    store, now = outbox.store, clock.now()
    store.delivered(ids[0], now, "C1", "1.0")
    store.kill(ids[1], now, "channel_not_found")

    assert store.purge(now + timedelta(days=1)) == 1
    assert sorted(e.state for e in store.listing()) == ["dead", "pending"]
