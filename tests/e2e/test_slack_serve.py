"""``cloudfabric serve``: a real uvicorn server on a free port, and clear refusals."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from bot import cli
from bot.http import create_http_app, http_server
from bot.slack.runtime import build_runtime
from core.aws import AwsClients
from tests.fakes.slack_server import FakeSlack
from tests.slack.harness import mention, sandbox_aws, sign, slack, slack_settings

__all__ = ["sandbox_aws", "slack"]


def test_http_server_on_a_free_port_answers_slack_and_health(
    tmp_path: Path, sandbox_aws: AwsClients, slack: FakeSlack
) -> None:
    runtime = build_runtime(slack_settings(tmp_path / "cf", slack), aws=sandbox_aws)
    server = http_server(runtime, "127.0.0.1", 0)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 10
        while not server.started and time.monotonic() < deadline:
            time.sleep(0.02)
        port = server.servers[0].sockets[0].getsockname()[1]
        base = f"http://127.0.0.1:{port}"
        raw = json.dumps(mention("help", event_id="EvV1", channel="C40", ts="4000.1")).encode()
        headers = {**sign(raw), "Content-Type": "application/json"}

        response = httpx.post(f"{base}/slack/events", content=raw, headers=headers)

        assert response.status_code == 200
        slack.wait_for("chat.postMessage", lambda c: c.params.get("thread_ts") == "4000.1")
        assert httpx.get(f"{base}/healthz").json() == {"status": "ok"}
        assert "cloudfabric_slack_requests_total" in httpx.get(f"{base}/metrics").text
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        runtime.close()


@pytest.mark.parametrize(
    ("env", "args", "message"),
    [
        ({}, ["--http"], "CF_SLACK_BOT_TOKEN is not set"),
        ({"CF_SLACK_BOT_TOKEN": "xoxb-1"}, ["--http"], "CF_SLACK_SIGNING_SECRET is not set"),
        ({"CF_SLACK_BOT_TOKEN": "xoxb-1"}, [], "CF_SLACK_SIGNING_SECRET is not set"),
        ({"CF_SLACK_BOT_TOKEN": "xoxb-1", "CF_SLACK_APP_TOKEN": "xoxb-2"}, [], "app-level token"),
    ],
)
def test_serve_refuses_missing_secrets_clearly(
    env: dict[str, str],
    args: list[str],
    message: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("CF_SLACK_BOT_TOKEN", "CF_SLACK_SIGNING_SECRET", "CF_SLACK_APP_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)

    result = CliRunner().invoke(cli.app, ["serve", *args])

    assert result.exit_code == 1
    assert message in result.output
    assert not (tmp_path / ".cloudfabric").exists()


def test_without_a_signing_secret_http_events_are_off(
    tmp_path: Path, sandbox_aws: AwsClients, slack: FakeSlack
) -> None:
    settings = slack_settings(tmp_path / "cf", slack, slack_signing_secret=None)
    runtime = build_runtime(settings, aws=sandbox_aws)
    raw = json.dumps(mention("stop web-1", event_id="EvO1", channel="C41", ts="4100.1")).encode()
    try:
        with TestClient(create_http_app(runtime)) as http:
            response = http.post(
                "/slack/events",
                content=raw,
                headers={**sign(raw, secret=""), "Content-Type": "application/json"},
            )
            assert http.get("/healthz").status_code == 200
    finally:
        runtime.close()
    assert response.status_code == 404
    assert not slack.calls
