"""Freezes and policy verdicts at request time: the kill switch, freeze windows, deny and
auto-approve; a pending card clicked during a freeze says so and stays pending."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import time_machine
from typer.testing import CliRunner

from approvals.errors import ChangeFrozen, DeniedByPolicy
from approvals.models import ApprovalState
from bot.app import CloudFabric, create_app
from bot.cli import app as cli
from core.aws import AwsClients
from core.settings import Settings
from tests.estate import small_estate, state_of
from tools.actions.ec2_power import REBOOT, STOP, build_plan
from tools.ec2.models import PowerArgs

pytestmark = pytest.mark.time_sensitive
S = ApprovalState
POLICY = """\
environment_tag: env
freezes:
  - name: prod-weekend
    environments: [prod]
    zone: Europe/Paris
    starts: Fri 16:00
    ends: Mon 08:00
    reason: no production changes over the weekend
rules:
  - name: no-reboots-in-prod
    match: {tool: [ec2.reboot_instances], environment: [prod]}
    deny: Reboot production through the runbook.
  - name: dev-reboots
    match: {tool: [ec2.reboot_instances]}
    auto_approve: true
  - name: default
    default: true
    approvers: ["*"]
"""
WEDNESDAY = datetime(2027, 1, 6, 12, 0, tzinfo=UTC)
SATURDAY = datetime(2027, 1, 9, 12, 0, tzinfo=UTC)
FRIDAY_1530_PARIS = datetime(2027, 1, 8, 14, 30, tzinfo=UTC)
FRIDAY_1610_PARIS = datetime(2027, 1, 8, 15, 10, tzinfo=UTC)


@pytest.fixture
def app(settings: Settings, aws: AwsClients, tmp_path: Path) -> Iterator[CloudFabric]:
    policy = tmp_path / "policy.yaml"
    policy.write_text(POLICY, encoding="utf-8")
    built = create_app(settings.model_copy(update={"approval_policy_file": policy}), aws=aws)
    yield built
    built.close()


@pytest.fixture
def estate(aws: AwsClients) -> dict[str, str]:
    found = small_estate(aws)  # every instance is env=prod but analytics-1 (staging)
    aws.client("ec2", "us-east-1").create_tags(
        Resources=[found["batch-worker"]], Tags=[{"Key": "env", "Value": "dev"}]
    )
    return found


def plan(app: CloudFabric, action, target: str):
    return build_plan(app.context_for("alice"), action, PowerArgs(targets=[target]))


def test_the_kill_switch_refuses_new_plans_and_pending_clicks(app: CloudFabric, estate) -> None:
    with time_machine.travel(WEDNESDAY, tick=True):
        pending = app.approvals.request(plan(app, STOP, "batch-worker"), "alice")
        app.approvals.freeze.set(True, "admin", "incident 42")
        with pytest.raises(ChangeFrozen, match=r"All changes are frozen by admin .*incident 42"):
            app.approvals.request(plan(app, STOP, "web-2"), "alice")
        with pytest.raises(ChangeFrozen, match=r"incident 42\. This request stays pending"):
            app.approvals.approve(pending.id, "bob")
        assert app.approvals.get(pending.id).state == S.PENDING
        app.approvals.freeze.set(False, "admin")
        assert app.approvals.approve(pending.id, "bob").state == S.SUCCEEDED
    actions = [e.action for e in app.audit.entries()]
    assert "freeze-on" in actions and "freeze-off" in actions and "refused-by-policy" in actions


def test_a_freeze_window_refuses_prod_on_the_weekend_only(app: CloudFabric, estate, aws) -> None:
    with time_machine.travel(SATURDAY, tick=True):
        with pytest.raises(ChangeFrozen, match=r"prod-weekend.*no production changes"):
            app.approvals.request(plan(app, STOP, "web-1"), "alice")
        app.approvals.request(plan(app, STOP, "batch-worker"), "alice")  # not prod: allowed
    with time_machine.travel(FRIDAY_1530_PARIS, tick=True) as traveller:
        pending = app.approvals.request(plan(app, STOP, "web-1"), "alice")
        traveller.move_to(FRIDAY_1610_PARIS)
        with pytest.raises(ChangeFrozen, match="stays pending until the window ends"):
            app.approvals.approve(pending.id, "bob")
    assert state_of(aws, estate["web-1"]) == "running"


def test_deny_and_auto_approve_come_from_the_matching_rule(app: CloudFabric, estate, aws) -> None:
    with time_machine.travel(WEDNESDAY, tick=True):
        with pytest.raises(DeniedByPolicy, match=r"no-reboots-in-prod.*through the runbook"):
            app.approvals.request(plan(app, REBOOT, "web-1"), "alice")
        done = app.approvals.request(plan(app, REBOOT, "batch-worker"), "alice")
    assert (done.state, done.decided_by) == (S.SUCCEEDED, "policy:dev-reboots")


def test_freeze_command_switches_and_reports(settings: Settings, monkeypatch) -> None:
    monkeypatch.setenv("CF_DATA_DIR", str(settings.data_dir))
    runner = CliRunner()
    assert runner.invoke(cli, ["freeze", "status"]).output.strip() == "Changes are not frozen."
    on = runner.invoke(cli, ["freeze", "on", "--reason", "migration", "--as", "ops"])
    assert on.exit_code == 0 and "All changes are frozen by ops" in on.output
    assert "migration" in runner.invoke(cli, ["freeze", "status"]).output
    assert "not frozen" in runner.invoke(cli, ["freeze", "off"]).output
