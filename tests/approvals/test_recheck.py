"""The re-check before execution: an approved plan whose targets moved meanwhile is voided with
the reason, nothing runs, and a fresh request for the plan as it is now is offered (moto)."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from approvals.errors import ApprovalRefused
from approvals.models import ApprovalRequest, ApprovalState
from approvals.recheck import differences
from bot.app import CloudFabric, create_app
from core.aws import AwsClients
from core.settings import Settings
from tests.estate import small_estate, state_of
from tools.actions.ec2_power import STOP, build_plan
from tools.ec2.models import PowerArgs
from tools.plan import ActionPlan, ResourceChange

S = ApprovalState


@pytest.fixture
def app(settings: Settings, aws: AwsClients) -> Iterator[CloudFabric]:
    built = create_app(settings, aws=aws)
    yield built
    built.close()


@pytest.fixture
def estate(aws: AwsClients) -> dict[str, str]:
    return small_estate(aws)


def ask(app: CloudFabric, *targets: str) -> ApprovalRequest:
    plan = build_plan(app.context_for("alice"), STOP, PowerArgs(targets=list(targets)))
    return app.approvals.request(plan, "alice", conversation_id="test:c:1", workspace="test")


def test_a_target_terminated_after_the_approval_voids_it_and_nothing_runs(
    app: CloudFabric, estate, aws: AwsClients
) -> None:
    request = ask(app, "batch-worker")
    ec2 = aws.client("ec2", "us-east-1")

    def out_of_band(_: ApprovalRequest) -> None:
        ec2.terminate_instances(InstanceIds=[estate["batch-worker"]])

    final = app.approvals.approve(request.id, "bob", on_approved=out_of_band)

    assert final.state == S.VOIDED
    assert final.reason is not None and "is terminated" in final.reason
    assert final.result_json is None and final.replaced_by is None  # nothing left to offer
    card = app.cards(final).text
    assert "Voided" in card and "voided before it ran" in card and "terminated" in card
    actions = [e.action for e in app.audit.entries(request.id)]
    assert "voided" in actions and "succeeded" not in actions


def test_one_of_two_targets_stopped_meanwhile_voids_and_offers_the_plan_of_now(
    app: CloudFabric, estate, aws: AwsClients
) -> None:
    request = ask(app, "web-1", "batch-worker")
    ec2 = aws.client("ec2", "us-east-1")

    def out_of_band(_: ApprovalRequest) -> None:
        ec2.stop_instances(InstanceIds=[estate["web-1"]])

    def click(n: int) -> str:
        try:
            hook = out_of_band if n == 0 else None
            return app.approvals.approve(request.id, f"bob{n}", on_approved=hook).state
        except ApprovalRefused as refusal:
            return type(refusal).__name__

    with ThreadPoolExecutor(8) as pool:
        outcomes = [click(0), *pool.map(click, range(1, 20))]

    assert outcomes.count(S.VOIDED) == 1 and outcomes.count("AlreadyDecided") == 19
    voided = app.approvals.get(request.id)
    assert (
        voided.reason is not None
        and "web-1" in voided.reason
        and "no longer running" in (voided.reason)
    )
    assert state_of(aws, estate["batch-worker"]) == "running"  # nothing ran
    assert voided.replaced_by is not None
    fresh = app.approvals.get(voided.replaced_by)
    assert (fresh.state, fresh.summary) == (
        S.PENDING,
        f"Stop batch-worker ({estate['batch-worker']}).",
    )
    assert f"A fresh card for the plan as it is now follows (approval `{fresh.id}`)" in (
        app.cards(voided).text
    )

    done = app.approvals.approve(fresh.id, "bob")
    assert done.state == S.SUCCEEDED
    assert state_of(aws, estate["batch-worker"]) in ("stopping", "stopped")


def test_an_unchanged_plan_runs_as_approved(app: CloudFabric, estate, aws: AwsClients) -> None:
    request = ask(app, "batch-worker")
    assert app.approvals.approve(request.id, "bob").state == S.SUCCEEDED
    assert state_of(aws, estate["batch-worker"]) in ("stopping", "stopped")


def _plan(cost: float | None, dependents: list[str], before: str = "running") -> ActionPlan:
    change = ResourceChange(
        resource_id="i-1", name="web-1", resource_type="ec2:instance", region="us-east-1",
        before=before, after="stopped", dependents=dependents,
    )  # fmt: skip
    return ActionPlan(
        tool="ec2.stop_instances", args={}, summary="Stop web-1.", risk="medium",
        changes=[change], cost_delta_monthly=cost,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("now", "said"),
    [
        (_plan(-60.0, ["web-alb"]), None),
        (_plan(-64.0, ["web-alb"]), None),  # within 10 %: not material
        (_plan(-80.0, ["web-alb"]), "the cost change moved from -$60.00/month to -$80.00/month"),
        (_plan(-60.0, []), "what depends on web-1 (i-1) changed: web-alb then, nothing now"),
        (_plan(-60.0, ["web-alb"], "stopping"), "was running when approved and is stopping now"),
    ],
)
def test_what_is_material(now: ActionPlan, said: str | None) -> None:
    found = differences(_plan(-60.0, ["web-alb"]), now)
    assert (found == []) if said is None else any(said in line for line in found)
