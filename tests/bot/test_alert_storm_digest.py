"""The storm limit on the project clock: within the window a channel gets
``alerts_storm_threads`` new thread roots; the incidents beyond are lines of one digest message,
which their repeats edit; once the window has passed a new incident gets its own thread again,
and the next storm starts a new digest. Alert text in a digest line is escaped data."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from bot.http import create_http_app
from bot.slack.runtime import build_runtime
from core.aws import AwsClients
from tests.fakes.slack_server import Call, FakeSlack
from tests.slack.harness import MovableClock, eventually, sandbox_aws, slack, slack_settings
from tests.tools.alerts.storm import webhooks

__all__ = ["sandbox_aws", "slack"]
CHANNEL = "C0STORMS"
TOKEN = "digest-token"
WINDOW = 60.0


@pytest.fixture
def clock() -> MovableClock:
    return MovableClock()


@pytest.fixture
def http(
    tmp_path: Path, sandbox_aws: AwsClients, slack: FakeSlack, clock: MovableClock
) -> Iterator[TestClient]:
    settings = slack_settings(
        tmp_path / "cf",
        slack,
        alerts_channel=CHANNEL,
        alerts_alertmanager_token=SecretStr(TOKEN),
        alerts_storm_threads=1,
        alerts_storm_window_seconds=WINDOW,
        slack_outbox_poll_seconds=0.05,
        slack_outbox_channel_interval_seconds=0.0,
    )
    runtime = build_runtime(settings, aws=sandbox_aws, clock=clock)
    with TestClient(create_http_app(runtime)) as client:
        eventually(lambda: runtime.surface.identity.known)
        yield client
    runtime.close()


def _alert(http: TestClient, name: str, index: int = 0) -> None:
    raw = webhooks(name, index + 1, 1)[index]
    headers = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}
    assert http.post("/alerts/alertmanager", content=raw, headers=headers).status_code == 200


def _blocks(call: Call) -> str:
    return json.dumps(call.params.get("blocks"))


def _posts(slack: FakeSlack) -> list[str]:
    return [_blocks(c) for c in slack.writes(CHANNEL) if c.method == "chat.postMessage"]


def test_beyond_the_limit_incidents_share_one_digest_until_the_window_passes(
    http: TestClient, slack: FakeSlack, clock: MovableClock
) -> None:
    _alert(http, "first")
    eventually(lambda: len(_posts(slack)) == 1)
    _alert(http, "second")
    _alert(http, "<!channel> third")
    _alert(http, "second", index=1)  # a repeat: the digest line counts it, no new post

    eventually(
        lambda: any(
            "second-storm-0: CPU above 90% (2 alerts" in _blocks(c) and "third" in _blocks(c)
            for c in slack.writes(CHANNEL)
        )
    )
    posts = _posts(slack)
    assert len(posts) == 2
    assert "alert incident #1" in posts[0] and "Alert storm" in posts[1]
    digest = slack.writes(CHANNEL)[-1]
    assert "&lt;!channel&gt; third" in _blocks(digest) and "<!channel>" not in _blocks(digest)
    digest_ts = digest.params["ts"]
    assert {c.params["ts"] for c in slack.calls_of("chat.update")} == {digest_ts}

    clock.advance(WINDOW + 1)
    _alert(http, "fourth")  # the window has passed: its own thread
    eventually(lambda: len(_posts(slack)) == 3)
    assert "alert incident #4" in _posts(slack)[2]
    _alert(http, "fifth")  # a new storm, a new digest (the old one is over)
    eventually(lambda: len(_posts(slack)) == 4)
    assert "Alert storm: 1 more incident" in _posts(slack)[3] and "fifth" in _posts(slack)[3]
