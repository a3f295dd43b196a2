"""A storm of alerts through the real HTTP server, against a fake Slack that enforces a
per-channel rate (scaled up from Slack's ~1 message/s) and answers 429 with Retry-After.

200 Alertmanager alerts (bearer token, as Alertmanager sends them) over 10 fingerprints: every
alert is stored in its incident; the first incidents of the storm open their own thread, the
rest are listed in one digest message; every incident is shown exactly once, and its root or
digest line ends up counting all of its alerts, although Slack refused writes with 429.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest
from pydantic import SecretStr

from bot.slack.runtime import build_runtime
from core.aws import AwsClients
from tests.fakes.slack_server import FakeSlack
from tests.slack.harness import eventually, sandbox_aws, serving, slack, slack_settings
from tests.tools.alerts.storm import drained, fire, outcome, webhooks

__all__ = ["sandbox_aws", "slack"]
pytestmark = pytest.mark.slow

CHANNEL = "C0STORM"
TOKEN = "storm-alertmanager-token"
THREADS = 4
"""Threads a channel gets per storm window in this test (the other incidents go to the digest)."""
SLACK_RATE = 10.0
"""Writes per second per channel the fake Slack allows: Slack's ~1/s, scaled up ten times."""


def test_a_storm_opens_few_threads_one_digest_and_loses_nothing_to_429s(
    tmp_path: Path, sandbox_aws: AwsClients, slack: FakeSlack
) -> None:
    slack.limit_rate(SLACK_RATE, burst=2)
    settings = slack_settings(
        tmp_path / "cf",
        slack,
        alerts_channel=CHANNEL,
        alerts_alertmanager_token=SecretStr(TOKEN),
        alerts_storm_threads=THREADS,
        slack_outbox_poll_seconds=0.05,
        slack_outbox_channel_interval_seconds=1 / (SLACK_RATE * 4),  # faster than Slack allows
        slack_outbox_channel_burst=4,
    )
    runtime = build_runtime(settings, aws=sandbox_aws)
    db = runtime.cloudfabric.db
    started = time.monotonic()
    with serving(runtime) as base:
        eventually(lambda: runtime.surface.identity.known)
        asyncio.run(fire(base, webhooks("cf", 200, 10), clients=8, token=TOKEN))
        drained(slack, quiet=4.0, timeout=90)
        seen = outcome(db, slack, CHANNEL, "cf-")
    elapsed = time.monotonic() - started

    assert seen.alerts == 200
    assert sorted(seen.incidents.values()) == [20] * 10
    assert sum(seen.roots.values()) == THREADS <= 10
    assert len(seen.digests) == 1 and len(seen.listed) == 10 - THREADS
    assert (seen.lost, seen.duplicated, seen.stale) == ([], [], [])
    assert seen.rate_limited > 0  # Slack did refuse writes; none was lost to it
    assert elapsed < 120
