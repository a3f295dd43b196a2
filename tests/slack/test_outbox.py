"""Slack output is never lost: every write goes through the outbox, retried until Slack says
ok, in order within a thread, spaced per channel; what can never be sent is dead, told to the
requester and listed by the CLI. Waits that depend on time move the app's clock."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from approvals.models import ApprovalState
from approvals.render import APPROVE_ACTION
from bot import cli
from bot.http import create_http_app
from bot.slack.runtime import build_runtime
from core.aws import AwsClients
from core.settings import Settings
from tests.fakes.slack_server import Call, FakeSlack
from tests.slack.harness import (
    MovableClock,
    Stack,
    button_click,
    eventually,
    mention,
    sign,
    slack_settings,
    slash_command,
    thread_reply,
)
from tests.slack.slack_calls import accepted, answered_at, answers_in, position, unhourglassed_at


class ClockStack(Stack):
    """A Slack stack whose requests are signed on its movable clock."""

    clock: MovableClock

    def post_raw(self, raw: bytes, content_type: str, **headers: str) -> Any:
        """POST a body signed at the app's instant."""
        signed = {**sign(raw, at=int(self.clock.timestamp())), "Content-Type": content_type}
        return self.http.post("/slack/events", content=raw, headers={**signed, **headers})

    def drive(self, done: Callable[[], Any], step: float = 1.0, timeout: float = 30.0) -> Any:
        """Move the clock ``step`` seconds every 50 ms until ``done()`` is truthy."""
        deadline = time.monotonic() + timeout
        while not (found := done()):
            assert time.monotonic() < deadline, "the outbox did not deliver in time"
            self.clock.advance(step)
            time.sleep(0.05)
        return found


def _clock_stack(settings: Settings, aws: AwsClients, slack: FakeSlack) -> Iterator[ClockStack]:
    clock = MovableClock()
    runtime = build_runtime(settings, aws=aws, clock=clock)
    with TestClient(create_http_app(runtime)) as http:
        eventually(lambda: runtime.surface.identity.known)
        built = ClockStack(runtime, http, slack)
        built.clock = clock
        yield built
    runtime.close()


@pytest.fixture
def stack(tmp_path: Path, sandbox_aws: AwsClients, slack: FakeSlack) -> Iterator[ClockStack]:
    """A Slack stack on SQLite whose clock the test moves."""
    settings = slack_settings(tmp_path / "cf", slack, slack_outbox_poll_seconds=0.05)
    yield from _clock_stack(settings, sandbox_aws, slack)


@pytest.fixture(params=["sqlite", "postgres"])
def any_store_stack(
    request: pytest.FixtureRequest, tmp_path: Path, sandbox_aws: AwsClients, slack: FakeSlack
) -> Iterator[ClockStack]:
    """The same stack on SQLite, then on PostgreSQL."""
    extra = {}
    if request.param == "postgres":
        extra["database_url"] = request.getfixturevalue("own_postgres_url")
    settings = slack_settings(tmp_path / "cf", slack, slack_outbox_poll_seconds=0.05, **extra)
    yield from _clock_stack(settings, sandbox_aws, slack)


def test_a_storm_of_429s_loses_no_answer_and_keeps_each_thread_in_order(
    any_store_stack: ClockStack,
) -> None:
    stack = any_store_stack
    threads = [("C61", "6100.1"), ("C62", "6200.1"), ("C63", "6300.1")]
    stack.slack.fail("chat.postMessage", "ratelimited", times=24)
    for n, (channel, ts) in enumerate(threads):
        stack.post_event(mention("help", event_id=f"EvS{n}", channel=channel, ts=ts))
    surface = stack.runtime.surface
    for channel, ts in threads:
        eventually(lambda c=channel, t=ts: surface.is_conversation(_thread(c, t)))
    for n, (channel, ts) in enumerate(threads):
        second = f"{ts}1"
        question = "what instances are running in us-east-1?"
        body = thread_reply(question, event_id=f"EvT{n}", channel=channel, ts=second, thread_ts=ts)
        stack.post_event(body)

    stack.drive(lambda: all(len(answers_in(stack.slack, c, t)) >= 2 for c, t in threads))
    stack.drive(lambda: stack.runtime.surface.outbox.store.backlog(stack.clock.now()).pending == 0)

    limited = [c for c in stack.slack.calls_of("chat.postMessage") if not accepted(c)]
    assert len(limited) == 24
    for channel, ts in threads:
        first, second = answers_in(stack.slack, channel, ts)
        assert "what I can do" in first and "batch-worker" in second
        for message, words in ((ts, "what I can do"), (f"{ts}1", "batch-worker")):
            assert answered_at(stack.slack, channel, words) < unhourglassed_at(stack.slack, message)
    metrics = stack.http.get("/metrics").text
    assert (
        'cloudfabric_slack_outbox_retries_total{error="ratelimited",method="chat.postMessage"} 24.0'
        in metrics
    )
    assert "cloudfabric_slack_outbox_backlog 0.0" in metrics


def _thread(channel: str, ts: str) -> Any:
    from bot.slack.transport import Thread

    return Thread("T111", channel, ts)


def test_a_card_update_failing_eight_times_ends_in_the_final_state(stack: ClockStack) -> None:
    stack.post_event(
        mention("stop web-1", event_id="EvU1", channel="C64", ts="6400.1", user="U0ALICE")
    )
    approvals = stack.runtime.cloudfabric.approvals
    [request] = eventually(lambda: approvals.find(ApprovalState.PENDING))
    eventually(lambda: approvals.get(request.id).card_ts)
    card_ts = approvals.get(request.id).card_ts
    stack.slack.fail("chat.update", "ratelimited", times=4)
    stack.slack.fail("chat.update", "internal_error", times=4)

    stack.post_interaction(button_click(APPROVE_ACTION, request.id, user="U0BOB", channel="C64"))

    eventually(lambda: approvals.get(request.id).state == ApprovalState.SUCCEEDED)

    def final_card() -> Call | None:
        updates = [c for c in stack.slack.calls_of("chat.update") if c.params.get("ts") == card_ts]
        last = updates[-1] if updates else None
        if last is None or not accepted(last) or "U0BOB" not in json.dumps(last.params["blocks"]):
            return None
        return (
            last
            if stack.runtime.surface.outbox.store.backlog(stack.clock.now()).pending == 0
            else None
        )

    card = stack.drive(final_card, step=5.0)
    shown = json.dumps(card.params["blocks"])
    assert APPROVE_ACTION not in shown and "actions" not in [
        b["type"] for b in card.params["blocks"]
    ]
    failed = [c for c in stack.slack.calls_of("chat.update") if not accepted(c)]
    assert len(failed) == 8


def test_an_answer_to_a_missing_channel_is_dead_told_by_dm_and_listed(
    stack: ClockStack, monkeypatch: pytest.MonkeyPatch
) -> None:
    stack.slack.fail("chat.postMessage", "channel_not_found")
    stack.post_event(mention("help", event_id="EvD1", channel="C65", ts="6500.1", user="U0DAVE"))

    [dm] = stack.slack.wait_for(
        "chat.postMessage", lambda c: c.params["channel"] == "U0DAVE" and accepted(c)
    )
    assert "channel_not_found" in dm.params["text"]
    monkeypatch.setenv("CF_DATA_DIR", str(stack.runtime.cloudfabric.settings.data_dir))
    listed = CliRunner().invoke(cli.app, ["outbox", "list", "--state", "dead"])
    assert listed.exit_code == 0
    [line] = [row for row in listed.output.splitlines() if "channel_not_found" in row]
    assert "chat.postMessage" in line and "C65" in line and "U0DAVE" in line

    retried = CliRunner().invoke(cli.app, ["outbox", "retry", line.split()[0]])

    assert retried.exit_code == 0, retried.output
    stack.slack.wait_for(
        "chat.postMessage", lambda c: c.params.get("thread_ts") == "6500.1" and accepted(c)
    )
    again = CliRunner().invoke(cli.app, ["outbox", "retry", line.split()[0]])
    assert again.exit_code == 1 and "not dead" in again.output


def test_the_hourglass_stays_while_the_answer_is_undelivered(stack: ClockStack) -> None:
    stack.slack.fail("chat.postMessage", "internal_error", times=1000)
    stack.post_event(mention("help", event_id="EvH1", channel="C66", ts="6600.1"))

    stack.slack.wait_for("reactions.add", lambda c: c.params["timestamp"] == "6600.1")
    stack.drive(lambda: len(stack.slack.calls_of("chat.postMessage")) >= 3, step=5.0)
    time.sleep(0.3)
    assert not stack.slack.calls_of("reactions.remove")
    assert not answers_in(stack.slack, "C66", "6600.1")

    stack.slack.failures.clear()  # Slack recovers
    stack.drive(lambda: stack.slack.calls_of("reactions.remove"), step=5.0)

    answered = position(stack.slack, lambda c: c.method == "chat.postMessage" and accepted(c))
    removed = position(stack.slack, lambda c: c.method == "reactions.remove")
    assert answered < removed
    assert "what I can do" in answers_in(stack.slack, "C66", "6600.1")[0]


def test_a_slash_question_slack_holds_back_too_long_is_withdrawn_and_the_user_told(
    stack: ClockStack, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("bot.slack.writes.POST_WAIT_SECONDS", 0.5)
    stack.slack.fail("chat.postMessage", "ratelimited", retry_after=600)

    stack.post_command(slash_command("what instances are running?", user="U0EVE", channel="C67"))

    [dm] = stack.slack.wait_for(
        "chat.postMessage", lambda c: c.params["channel"] == "U0EVE" and accepted(c)
    )
    assert "ratelimited" in dm.params["text"]
    stack.clock.advance(700)
    time.sleep(0.5)
    assert [c for c in stack.slack.calls_of("chat.postMessage") if c.params["channel"] == "C67"]
    assert not [c for c in stack.slack.calls if accepted(c) and c.params.get("channel") == "C67"]
