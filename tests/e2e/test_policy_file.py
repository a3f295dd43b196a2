"""A policy file end to end: /readyz stays ready but says "degraded" while an edit is invalid;
a process started with an invalid file refuses to start, naming the line and the reason."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.app import create_app
from bot.cli import app as cli
from bot.http import ServeError, check_serve_settings
from core.aws import AwsClients
from core.settings import Settings
from tests.fakes.slack_server import FakeSlack
from tests.slack.harness import Stack, running_stack, sandbox_aws, slack, slack_settings
from tools.policy.loader import PolicyFileError

__all__ = ["sandbox_aws", "slack"]
GOOD = 'rules:\n  - name: default\n    default: true\n    approvers: ["*"]\n'
BAD = 'rules:\n  - name: default\n    approvers: ["*"]\n    ttl_minutes: -5\n'


@pytest.fixture
def policy_file(tmp_path: Path) -> Path:
    path = tmp_path / "policy.yaml"
    path.write_text(GOOD, encoding="utf-8")
    return path


@pytest.fixture
def policy_stack(
    tmp_path: Path, sandbox_aws: AwsClients, slack: FakeSlack, policy_file: Path
) -> Iterator[Stack]:
    settings = slack_settings(tmp_path / "cf", slack, approval_policy_file=policy_file)
    yield from running_stack(settings, sandbox_aws, slack)


def test_readyz_stays_ready_and_says_degraded_while_an_edit_is_invalid(
    policy_stack: Stack, policy_file: Path
) -> None:
    assert policy_stack.http.get("/readyz").json() == {"status": "ready"}
    policy_file.write_text(BAD + "# edited\n", encoding="utf-8")
    ready = policy_stack.http.get("/readyz")
    assert ready.status_code == 200 and ready.json()["status"] == "ready"
    [degraded] = ready.json()["degraded"]
    assert "policy.yaml:4: rules.0.ttl_minutes" in degraded
    engine = policy_stack.runtime.cloudfabric.approvals.policy.engine
    assert engine.policy.rules[0].default  # the last good policy is still in force
    policy_file.write_text(GOOD + "# fixed\n", encoding="utf-8")
    assert policy_stack.http.get("/readyz").json() == {"status": "ready"}


def test_a_service_started_with_an_invalid_file_refuses_naming_the_line(
    settings: Settings, policy_file: Path
) -> None:
    policy_file.write_text(BAD, encoding="utf-8")
    bad = settings.model_copy(update={"approval_policy_file": policy_file})
    with pytest.raises(ServeError, match=r"Refusing to start: .*policy.yaml:4: rules.0.ttl"):
        check_serve_settings(bad, use_http=True)
    with pytest.raises(PolicyFileError, match=r"policy.yaml:4: rules.0.ttl_minutes"):
        create_app(bad)


def test_policy_check_names_each_problem_and_exits_1(policy_file: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(cli, ["policy", "check", str(policy_file)]).exit_code == 0
    policy_file.write_text(BAD, encoding="utf-8")
    result = runner.invoke(cli, ["policy", "check", str(policy_file)])
    assert result.exit_code == 1
    assert "policy.yaml:4: rules.0.ttl_minutes: Input should be greater than or equal to 1" in (
        result.output
    )
