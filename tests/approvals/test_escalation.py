"""Escalation: at half the TTL the next level is mentioned, once across replicas; at expiry the
requester and the escalation target are told. The clock is frozen and moved."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine

from approvals.escalation import ApprovalNotice
from approvals.models import ApprovalRequest, ApprovalState
from bot.app import CloudFabric, create_app
from core.aws import AwsClients
from core.settings import Settings
from tests.estate import small_estate
from tools.actions.ec2_power import STOP, build_plan
from tools.blocks import to_text
from tools.ec2.models import PowerArgs

pytestmark = pytest.mark.time_sensitive
ASKED = datetime(2027, 3, 5, 9, 0, tzinfo=UTC)
POLICY = """\
groups:
  platform: [U0CAROL, U0DAVE]
rules:
  - name: stops
    match: {tool: [ec2.stop_instances]}
    approvers: [U0BOB]
    ttl_minutes: 60
    escalation: [U0LEAD, "@platform"]
  - name: default
    default: true
    approvers: ["*"]
    ttl_minutes: 60
"""


class Replicas:
    """Two CloudFabric processes' services over one store, each hearing its own notices."""

    def __init__(self, apps: list[CloudFabric]) -> None:
        self.apps = apps
        self.heard: list[tuple[int, ApprovalNotice]] = []
        for index, app in enumerate(apps):
            app.approvals.on_notice(lambda notice, i=index: self.heard.append((i, notice)))

    def sweep_all(self) -> list[ApprovalNotice]:
        """Both replicas sweep at once; the notices given by this round."""
        before = len(self.heard)
        with ThreadPoolExecutor(max_workers=4) as pool:
            list(pool.map(lambda app: app.approvals.sweep(), self.apps * 2))
        return [notice for _, notice in self.heard[before:]]

    def text(self, notice: ApprovalNotice) -> str:
        return to_text(self.apps[0].cards.notice(notice))


@pytest.fixture(params=["sqlite", "postgres"])
def replicas(
    request: pytest.FixtureRequest, settings: Settings, aws: AwsClients, tmp_path: Path
) -> Iterator[Replicas]:
    policy = tmp_path / "policy.yaml"
    policy.write_text(POLICY, encoding="utf-8")
    update: dict[str, object] = {"approval_policy_file": policy}
    if request.param == "postgres":
        update["database_url"] = request.getfixturevalue("own_postgres_url")
    shared = settings.model_copy(update=update)
    apps = [create_app(shared, aws=aws), create_app(shared, aws=aws)]
    yield Replicas(apps)
    for app in apps:
        app.close()


def ask(app: CloudFabric, target: str = "batch-worker") -> ApprovalRequest:
    plan = build_plan(app.context_for("U0ALICE"), STOP, PowerArgs(targets=[target]))
    return app.approvals.request(plan, "U0ALICE", conversation_id="T1:C1:1.1")


def test_levels_are_mentioned_at_half_and_three_quarters_then_expiry_tells_both(
    replicas: Replicas, aws: AwsClients
) -> None:
    small_estate(aws)
    with time_machine.travel(ASKED, tick=False) as clock:
        request = ask(replicas.apps[0])
        clock.move_to(ASKED + timedelta(minutes=29, seconds=59))
        assert replicas.sweep_all() == []

        clock.move_to(ASKED + timedelta(minutes=30))
        [first] = replicas.sweep_all()
        assert (first.kind, first.mention, first.level, first.levels) == (
            "escalated", ["U0LEAD"], 1, 2,
        )  # fmt: skip
        text = replicas.text(first)
        assert "<@U0LEAD> — nobody has decided this request yet" in text
        assert "escalation level 1 of 2" in text and "2027-03-05 10:00 UTC" in text
        assert replicas.sweep_all() == []  # told once, however often the replicas sweep

        clock.move_to(ASKED + timedelta(minutes=44, seconds=59))
        assert replicas.sweep_all() == []
        clock.move_to(ASKED + timedelta(minutes=45))
        [second] = replicas.sweep_all()
        assert second.mention == ["@platform"]
        assert replicas.text(second).startswith(":rotating_light: <@U0CAROL> <@U0DAVE> —")
        assert replicas.sweep_all() == []

        clock.move_to(ASKED + timedelta(minutes=59, seconds=59))
        assert replicas.sweep_all() == []
        clock.move_to(ASKED + timedelta(minutes=60))
        [expired] = replicas.sweep_all()
        assert (expired.kind, expired.mention) == ("expired", ["U0ALICE", "@platform"])
        assert "<@U0ALICE> <@U0CAROL> <@U0DAVE> — this request expired at 2027-03-05 10:00 UTC" in (
            replicas.text(expired)
        )
        assert replicas.sweep_all() == []

    app = replicas.apps[0]
    assert app.approvals.get(request.id).state == ApprovalState.EXPIRED
    actions = [e.action for e in app.audit.entries(request.id)]
    assert actions.count("escalated") == 2 and actions.count("expired") == 1


def test_a_sweep_that_missed_a_level_mentions_every_level_due_at_once(
    replicas: Replicas, aws: AwsClients
) -> None:
    small_estate(aws)
    with time_machine.travel(ASKED, tick=False) as clock:
        ask(replicas.apps[0])
        clock.move_to(ASKED + timedelta(minutes=50))
        [notice] = replicas.sweep_all()
    assert (notice.mention, notice.level) == (["U0LEAD", "@platform"], 2)


def test_a_decided_request_is_never_escalated(replicas: Replicas, aws: AwsClients) -> None:
    small_estate(aws)
    with time_machine.travel(ASKED, tick=False) as clock:
        request = ask(replicas.apps[0])
        clock.move_to(ASKED + timedelta(minutes=10))
        replicas.apps[1].approvals.reject(request.id, "U0BOB", "not now")
        for minutes in (30, 45, 61):
            clock.move_to(ASKED + timedelta(minutes=minutes))
            assert replicas.sweep_all() == []


def test_without_a_chain_expiry_tells_the_requester_only(
    replicas: Replicas, aws: AwsClients
) -> None:
    from tools.actions.ec2_power import REBOOT

    small_estate(aws)
    app = replicas.apps[0]
    with time_machine.travel(ASKED, tick=False) as clock:
        plan = build_plan(app.context_for("U0ALICE"), REBOOT, PowerArgs(targets=["web-1"]))
        app.approvals.request(plan, "U0ALICE", conversation_id="T1:C1:2.2")
        clock.move_to(ASKED + timedelta(minutes=30))
        assert replicas.sweep_all() == []
        clock.move_to(ASKED + timedelta(minutes=60))
        [expired] = replicas.sweep_all()
    assert expired.mention == ["U0ALICE"]
    assert replicas.text(expired).startswith(":alarm_clock: <@U0ALICE> — this request expired")
