"""“Who could approve this?” in chat (the read-only ``policy.explain`` tool, on the console)
and on the command line; nothing is filed either way."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest

from approvals.service import find_requests
from bot.app import CloudFabric, create_app
from bot.console import ConsoleSession, run_console
from core.settings import Settings
from tools.policy.explain import EXPLAINER_KEY

POLICY = """\
environment_tag: env
groups:
  sre: [erin, frank]
rotations:
  - {name: primary, zone: Europe/Paris, handoff: "09:00", every: week, start: 2026-01-05,
     users: [kim]}
rules:
  - name: prod-stops
    match: {tool: [ec2.stop_instances], environment: [prod]}
    approvers: ["@sre", "oncall:primary"]
    count: 2
    ttl_minutes: 30
  - name: default
    default: true
    approvers: ["*"]
"""


@pytest.fixture
def policy_app(settings: Settings, tmp_path: Path) -> Iterator[CloudFabric]:
    path = tmp_path / "policy.yaml"
    path.write_text(POLICY, encoding="utf-8")
    built = create_app(settings.model_copy(update={"approval_policy_file": path}))
    yield built
    built.close()


def test_chat_answers_who_could_approve_without_filing_anything(policy_app: CloudFabric) -> None:
    out = io.StringIO()
    session = ConsoleSession(policy_app.conversations, user="alice", out=out)
    run_console(session, ["who could approve stopping web-1?"])
    text = out.getvalue()
    assert "needs approval" in text and "Stop web-1" in text
    assert "Rule: prod-stops" in text
    assert "2 of members of @sre, kim except the requester" in text
    assert "Approvals needed: 2" in text
    assert find_requests(policy_app.db) == []


def test_the_explainer_reads_a_request_in_plain_words(policy_app: CloudFabric) -> None:
    explain = policy_app.extras[EXPLAINER_KEY]
    explained = explain("stop web-1", "alice")  # type: ignore[operator]
    assert (explained.rule, explained.count, explained.tool) == (
        "prod-stops",
        2,
        "ec2.stop_instances",
    )
    assert explained.approvers == ["@sre", "kim"]
    other = explain("what's our spend this month", "alice")  # type: ignore[operator]
    assert other.verdict == "not_a_change"
