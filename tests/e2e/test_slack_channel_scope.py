"""Channel scoping end to end: signed Slack requests in, over the two-account sandbox. A channel
scoped to one account never shows the other's resources or spend, says so, and refuses a
request naming the other account; an unscoped channel sees both."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.aws import AwsClients
from core.sandbox import PRIMARY_ACCOUNT_ID, SECOND_ACCOUNT_ID
from tests.fakes.slack_server import FakeSlack
from tests.slack.harness import Stack, mention, running_stack, sandbox_aws, slack, slack_settings

__all__ = ["sandbox_aws", "slack"]

SCOPES = {
    "CPAYMENTS": {"accounts": {PRIMARY_ACCOUNT_ID: "payments"}},
    "CSHARED": {"accounts": {SECOND_ACCOUNT_ID: "shared"}},
}
PRIMARY_ONLY = {"web-1", "batch-worker"}  # instances of the primary account
SECOND_ONLY = "shared-tools"  # the second account's instance


@pytest.fixture
def stack(tmp_path: Path, sandbox_aws: AwsClients, slack: FakeSlack) -> Iterator[Stack]:
    settings = slack_settings(tmp_path / "cf", slack, channel_scopes=SCOPES)
    yield from running_stack(settings, sandbox_aws, slack)


def ask(stack: Stack, text: str, channel: str, ts: str) -> str:
    stack.post_event(mention(text, event_id=f"Ev{channel}{ts}", channel=channel, ts=ts))
    [answer] = stack.slack.wait_for(
        "chat.postMessage", lambda c: c.params.get("thread_ts") == ts, timeout=60
    )
    return str(answer.params.get("text", "")) + "\n" + str(answer.params.get("blocks", ""))


def test_a_scoped_channel_shows_its_account_only_and_says_so(stack: Stack) -> None:
    payments = ask(stack, "what instances are running?", "CPAYMENTS", "100.1")
    assert all(name in payments for name in PRIMARY_ONLY), payments
    assert SECOND_ONLY not in payments and SECOND_ACCOUNT_ID not in payments
    assert (
        f"Showing account {PRIMARY_ACCOUNT_ID} (payments) only — this channel is scoped" in payments
    )

    shared = ask(stack, "what instances are running?", "CSHARED", "200.1")
    assert SECOND_ONLY in shared
    assert not any(name in shared for name in PRIMARY_ONLY), shared
    assert f"Showing account {SECOND_ACCOUNT_ID} (shared) only" in shared

    everyone = ask(stack, "what instances are running?", "COPEN", "300.1")
    assert SECOND_ONLY in everyone and "web-1" in everyone
    assert "this channel is scoped" not in everyone


def test_naming_another_account_in_a_scoped_channel_is_refused(stack: Stack) -> None:
    answer = ask(stack, f"list instances in account {SECOND_ACCOUNT_ID}", "CPAYMENTS", "400.1")
    assert (
        f"This channel is scoped to account {PRIMARY_ACCOUNT_ID} (payments): "
        f"I can't show account {SECOND_ACCOUNT_ID} here"
    ) in answer
    assert SECOND_ONLY not in answer


def test_another_accounts_instance_cannot_be_looked_up_by_name(stack: Stack) -> None:
    answer = ask(stack, f"tell me about {SECOND_ONLY}", "CPAYMENTS", "500.1")
    assert "t3.medium" not in answer, answer  # its details never reach this channel
    assert f"I couldn't find an instance called '{SECOND_ONLY}'" in answer, answer
    elsewhere = ask(stack, f"tell me about {SECOND_ONLY}", "COPEN", "600.1")
    assert "t3.medium" in elsewhere  # the same question where it may be seen


def test_spend_in_a_scoped_channel_is_that_accounts_spend(stack: Stack) -> None:
    question = "how much did we spend last month by service?"
    payments = ask(stack, question, "CPAYMENTS", "700.1")
    shared = ask(stack, question, "CSHARED", "800.1")
    spent = re.search(r"Actual spend last month \([^)]*\): \$([0-9,.]+)", payments)
    assert spent and float(spent.group(1).replace(",", "")) > 0, payments
    assert "Showing account 123456789012 (payments) only" in payments
    assert re.search(r"Actual spend last month \([^)]*\): \$0\.00\*", shared), shared
    assert "Amazon Relational Database Service" not in shared
