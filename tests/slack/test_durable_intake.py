"""Slack requests recorded as runs of the durable engine before the 200 (SQLite, one process
running its own queue workers, as the embedded mode does).

The run id is the de-duplication record: a retried event is acknowledged and answered once;
the turn of a message is a run of its own, partitioned by conversation.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from core import durable
from core.aws import AwsClients
from tests.fakes.slack_server import FakeSlack
from tests.slack.harness import Stack, eventually, mention, running_stack, slack_settings


@pytest.fixture
def durable_stack(tmp_path: Path, sandbox_aws: AwsClients, slack: FakeSlack) -> Iterator[Stack]:
    """A Slack stack whose process launched the durable engine (and listens to its queues)."""
    settings = slack_settings(
        tmp_path / "cf",
        slack,
        durable_enabled=True,
        durable_executor_id="intake-test",
        durable_queue_poll_seconds=0.05,
    )
    for stack in running_stack(settings, sandbox_aws, slack):
        stack.runtime.cloudfabric.start_background(role="serve")
        yield stack


def _answers(slack: FakeSlack, thread_ts: str) -> list[str]:
    posted = slack.calls_of("chat.postMessage")
    return [str(c.params.get("text")) for c in posted if c.params.get("thread_ts") == thread_ts]


def _settled(prefix: str) -> list[durable.RunStatus]:
    runs = durable.list_runs(prefix=prefix)
    return runs if runs and all(run.finished for run in runs) else []


def test_an_event_is_a_run_and_its_retry_answers_nothing_more(
    durable_stack: Stack, slack: FakeSlack
) -> None:
    event = mention("help", event_id="EvD1", channel="C80", ts="8000.1")

    first = durable_stack.post_event(event)
    retry = durable_stack.post_event(event, **{"X-Slack-Retry-Num": "1"})

    assert (first.status_code, retry.status_code) == (200, 200)
    eventually(lambda: _answers(slack, "8000.1"))
    (intake,) = eventually(lambda: _settled("slack-event:"))
    (turn,) = eventually(lambda: _settled("slack-turn:"))
    assert (intake.run_id, intake.state) == ("slack-event:T111:EvD1", "SUCCESS")
    assert (turn.run_id, turn.state) == ("slack-turn:T111:C80:8000.1", "SUCCESS")
    assert len(_answers(slack, "8000.1")) == 1
    exposed = durable_stack.runtime.surface.metrics.exposition().decode()
    assert "cloudfabric_slack_duplicate_events_total 1.0" in exposed


def test_a_bot_message_is_acknowledged_without_a_run(
    durable_stack: Stack, slack: FakeSlack
) -> None:
    event = mention("hello", event_id="EvD2", channel="C81", ts="8100.1", bot_id="B999")

    assert durable_stack.post_event(event).status_code == 200

    assert durable.list_runs(prefix="slack-event:T111:EvD2") == []
