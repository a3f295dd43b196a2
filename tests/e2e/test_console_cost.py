"""A cost conversation on the sandbox console: find the waste, ask for a fix, approve it."""

from __future__ import annotations

import io

import pytest

from bot.app import CloudFabric
from bot.console import ConsoleSession, run_console
from tests.e2e.test_console import transcript

pytestmark = pytest.mark.time_sensitive

SCRIPT = [
    "/as alice",
    "where can we save?",
    "release the elastic ip spare-ip",
    "/as bob",
    "/approve",
]


def test_savings_fix_is_approved_and_executed(sandbox_app: CloudFabric) -> None:
    out = io.StringIO()
    session = ConsoleSession(sandbox_app.conversations, user="root", out=out)
    sandbox_app.conversations.publish = session.publish
    run_console(session, SCRIPT)
    outputs = [output for _, output in transcript(out.getvalue())]
    savings, card, approved = outputs[1], outputs[2], outputs[4]

    for waste in ("batch-worker", "old-data", "spare-ip", "legacy-app", "gp2"):
        assert waste in savings
    assert "$70.08/month" in savings and "$3.65/month" in savings
    assert "Approval needed: Release spare-ip" in card
    assert "Cost change: -$3.65/month" in card
    assert "Approved by bob" in approved and "released" in approved

    allocation = sandbox_app.sandbox.estate.allocation_ids["spare-ip"]
    addresses = sandbox_app.aws.client("ec2", "us-east-1").describe_addresses()["Addresses"]
    assert allocation not in {a["AllocationId"] for a in addresses}
    actions = [e.action for e in sandbox_app.audit.entries()]
    assert actions[-2:] == ["approved", "succeeded"]
