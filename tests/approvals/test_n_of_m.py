"""N-of-M approvals: distinct people, never the requester; the quorum's last vote runs it once."""

from __future__ import annotations

import json
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from approvals.errors import (
    AlreadyApprovedByYou,
    AlreadyDecided,
    ApprovalRefused,
    NotAnApprover,
    SelfApproval,
)
from approvals.models import ApprovalState
from approvals.store import ApprovalStore
from bot.app import CloudFabric, create_app
from core.aws import AwsClients
from core.settings import Settings
from tests.estate import small_estate, state_of
from tools.actions.ec2_power import STOP, build_plan
from tools.ec2.models import PowerArgs

S = ApprovalState
PEOPLE = ["alice", "bob", "carol", "dave", "erin"]  # alice asks; the other four may approve
POLICY = """\
groups:
  ops: [alice, bob, carol, dave, erin]
rules:
  - name: two-person-stop
    match: {tool: [ec2.stop_instances]}
    approvers: ["@ops"]
    count: 2
  - name: default
    default: true
    approvers: ["*"]
"""


@pytest.fixture(params=["sqlite", "postgres"])
def app(
    request: pytest.FixtureRequest, settings: Settings, aws: AwsClients, tmp_path: Path
) -> Iterator[CloudFabric]:
    """CloudFabric over moto with a two-person policy, on SQLite and on PostgreSQL."""
    policy = tmp_path / "policy.yaml"
    policy.write_text(POLICY, encoding="utf-8")
    update: dict[str, object] = {"approval_policy_file": policy}
    if request.param == "postgres":
        update["database_url"] = request.getfixturevalue("own_postgres_url")
    built = create_app(settings.model_copy(update=update), aws=aws)
    yield built
    built.close()


@pytest.fixture
def estate(aws: AwsClients) -> dict[str, str]:
    return small_estate(aws)


def stop_request(app: CloudFabric):
    plan = build_plan(app.context_for("alice"), STOP, PowerArgs(targets=["batch-worker"]))
    return app.approvals.request(plan, "alice", conversation_id="test:c:1")


def test_the_card_counts_approvals_and_the_second_person_runs_it(
    app: CloudFabric, estate, aws
) -> None:
    request = stop_request(app)
    assert request.required_approvals == 2 and request.policy_rule == "two-person-stop"
    assert "0 of 2 approvals" in app.cards(request).text
    assert "2 of members of @ops except the requester" in app.cards(request).text

    partial = app.approvals.approve(request.id, "bob")
    assert partial.state == S.PENDING
    card = app.cards(partial)
    assert "1 of 2 approvals: bob" in card.text and "Approve" in str(card.blocks)
    assert state_of(aws, estate["batch-worker"]) == "running"

    done = app.approvals.approve(request.id, "carol")
    assert (done.state, done.decided_by, done.approvers_so_far) == (
        S.SUCCEEDED, "carol", ["bob", "carol"]
    )  # fmt: skip
    assert state_of(aws, estate["batch-worker"]) in ("stopping", "stopped")
    assert "2 of 2 approvals: bob, carol" in app.cards(done).text


def test_the_same_person_twice_and_the_requester_never_count(app: CloudFabric, estate) -> None:
    request = stop_request(app)
    app.approvals.approve(request.id, "bob")
    with pytest.raises(AlreadyApprovedByYou, match="bob, you have already approved this"):
        app.approvals.approve(request.id, "bob")
    with pytest.raises(SelfApproval, match="cannot approve it yourself"):
        app.approvals.approve(request.id, "alice")
    with pytest.raises(NotAnApprover, match="mallory is not allowed"):
        app.approvals.approve(request.id, "mallory")
    still = app.approvals.get(request.id)
    assert (still.state, still.approvals, still.approvers_so_far) == (S.PENDING, 1, ["bob"])
    refusals = [e.detail_json for e in app.audit.entries(request.id) if e.action == "refused"]
    assert len(refusals) == 3


def test_a_reject_by_anyone_allowed_ends_it(app: CloudFabric, estate, aws) -> None:
    request = stop_request(app)
    app.approvals.approve(request.id, "bob")
    rejected = app.approvals.reject(request.id, "dave", reason="not during the sale")
    assert (rejected.state, rejected.decided_by) == (S.REJECTED, "dave")
    with pytest.raises(AlreadyDecided, match="already rejected by dave"):
        app.approvals.approve(request.id, "carol")
    assert state_of(aws, estate["batch-worker"]) == "running"


def test_fifty_clicks_by_five_people_execute_once_right_after_the_second_approval(
    app: CloudFabric, estate, aws
) -> None:
    request = stop_request(app)

    def click(n: int) -> str:
        try:
            return app.approvals.approve(request.id, PEOPLE[n % 5]).state
        except ApprovalRefused as refusal:
            return type(refusal).__name__

    with ThreadPoolExecutor(max_workers=50) as pool:
        outcomes = list(pool.map(click, range(50)))

    assert outcomes.count("SUCCEEDED") == 1
    assert outcomes.count("PENDING") == 1  # the first distinct approval
    alices = {outcome for n, outcome in enumerate(outcomes) if PEOPLE[n % 5] == "alice"}
    assert alices <= {"SelfApproval", "AlreadyDecided"}  # the requester never counts
    assert set(outcomes) <= {"SUCCEEDED", "PENDING", "SelfApproval", "AlreadyDecided",
                             "AlreadyApprovedByYou"}  # fmt: skip
    final = app.approvals.get(request.id)
    assert final.state == S.SUCCEEDED and final.approvals == 2
    assert len(set(final.approvers_so_far)) == 2 and "alice" not in final.approvers_so_far
    assert final.decided_by == final.approvers_so_far[1]
    votes = ApprovalStore(app.db).votes(request.id)
    assert sorted(v.user for v in votes) == sorted(final.approvers_so_far)  # no vote after it
    actions = [e.action for e in app.audit.entries(request.id)]
    assert [actions.count(a) for a in ("approved-partially", "approved", "succeeded")] == [1, 1, 1]
    assert actions.index("approved") < actions.index("succeeded")
    [approved] = [e for e in app.audit.entries(request.id) if e.action == "approved"]
    assert json.loads(approved.detail_json)["approvers"] == final.approvers_so_far
    assert state_of(aws, estate["batch-worker"]) in ("stopping", "stopped")
    assert app.audit.verify() is None
