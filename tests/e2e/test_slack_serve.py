"""``cloudfabric serve``: a real uvicorn server on a free port, and clear refusals."""

from __future__ import annotations

import json
import time
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from bot import cli
from bot.http import create_http_app
from bot.slack.runtime import build_runtime
from core.aws import AwsClients
from tests.fakes.slack_server import FakeSlack, fixture
from tests.slack.harness import (
    eventually,
    mention,
    sandbox_aws,
    serving,
    sign,
    slack,
    slack_settings,
)

__all__ = ["sandbox_aws", "slack"]


def test_http_server_on_a_free_port_answers_slack_and_health(
    tmp_path: Path, sandbox_aws: AwsClients, slack: FakeSlack
) -> None:
    runtime = build_runtime(slack_settings(tmp_path / "cf", slack), aws=sandbox_aws)
    with serving(runtime) as base:
        eventually(lambda: httpx.get(f"{base}/readyz").status_code == 200)
        raw = json.dumps(mention("help", event_id="EvV1", channel="C40", ts="4000.1")).encode()
        headers = {**sign(raw), "Content-Type": "application/json"}

        response = httpx.post(f"{base}/slack/events", content=raw, headers=headers)

        assert response.status_code == 200
        slack.wait_for("chat.postMessage", lambda c: c.params.get("thread_ts") == "4000.1")
        assert httpx.get(f"{base}/healthz").json() == {"status": "ok"}
        assert "cloudfabric_slack_requests_total" in httpx.get(f"{base}/metrics").text


def _post_signed(url: str, raw: bytes) -> httpx.Response:
    return httpx.post(url, content=raw, headers={**sign(raw), "Content-Type": "application/json"})


CHALLENGE = fixture("events_url_verification.json")


def _post_signed(url: str, raw: bytes) -> httpx.Response:
    return httpx.post(url, content=raw, headers={**sign(raw), "Content-Type": "application/json"})


def _timed_get(url: str) -> tuple[httpx.Response, float]:
    started = time.perf_counter()
    response = httpx.get(url, timeout=30)
    return response, time.perf_counter() - started


def test_a_slow_slack_at_start_up_delays_neither_health_nor_the_first_ack(
    tmp_path: Path, sandbox_aws: AwsClients, slack: FakeSlack
) -> None:
    delay = 3.0
    slack.delays["auth.test"] = delay
    runtime = build_runtime(slack_settings(tmp_path / "cf", slack), aws=sandbox_aws)
    raw = json.dumps(mention("help", event_id="EvSl1", channel="C42", ts="4200.1")).encode()
    with serving(runtime) as base:
        health, health_time = _timed_get(f"{base}/healthz")
        starting = httpx.get(f"{base}/readyz")
        early = _post_signed(f"{base}/slack/events", raw)
        handshake = _post_signed(f"{base}/slack/events", json.dumps(CHALLENGE).encode())
        eventually(lambda: httpx.get(f"{base}/readyz", timeout=30).status_code == 200)
        started = time.perf_counter()
        ack = _post_signed(f"{base}/slack/events", raw)
        ack_time = time.perf_counter() - started

    assert health.status_code == 200 and health_time < delay / 10
    assert starting.status_code == 503
    assert "bot identity not known yet" in starting.json()["problems"][0]
    assert (early.status_code, early.headers["retry-after"]) == (503, "1")
    assert handshake.status_code == 200 and CHALLENGE["challenge"] in handshake.text
    assert ack.status_code == 200 and ack_time < delay / 10
    assert len(slack.calls_of("auth.test")) == 1


@pytest.mark.parametrize(
    ("error", "ready", "asked", "problems"),
    [
        ("internal_error", 200, 3, None),
        ("invalid_auth", 503, 1, ["Slack refused the bot token (invalid_auth)"]),
    ],
)
def test_start_up_retries_auth_test_unless_slack_refuses_the_token(
    tmp_path: Path,
    sandbox_aws: AwsClients,
    slack: FakeSlack,
    error: str,
    ready: int,
    asked: int,
    problems: list[str] | None,
) -> None:
    slack.fail("auth.test", error, times=2)
    runtime = build_runtime(slack_settings(tmp_path / "cf", slack), aws=sandbox_aws)
    identity = runtime.surface.identity
    with serving(runtime) as base:
        eventually(lambda: identity.known or identity.failure)
        answer = httpx.get(f"{base}/readyz")

    assert answer.status_code == ready
    assert answer.json().get("problems") == problems
    assert len(slack.calls_of("auth.test")) == asked


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
    assert [call.method for call in slack.calls if call.method != "auth.test"] == []
