"""The approval lifecycle: one execution however many clicks race, refusals change nothing."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import update

from approvals.errors import (
    AlreadyDecided,
    ApprovalExpired,
    ApprovalRefused,
    SelfApproval,
)
from approvals.models import ApprovalRequest, ApprovalState
from bot.app import CloudFabric, create_app
from core.aws import AwsClients
from core.clock import Clock
from core.settings import Settings
from tests.estate import small_estate, state_of
from tools.actions.ec2_power import STOP, build_plan
from tools.ec2.models import PowerArgs

pytestmark = pytest.mark.time_sensitive


@pytest.fixture(params=["sqlite", "postgres"])
def app(
    request: pytest.FixtureRequest, settings: Settings, aws: AwsClients
) -> Iterator[CloudFabric]:
    """CloudFabric over moto, on SQLite and on PostgreSQL."""
    if request.param == "postgres":
        settings = settings.model_copy(
            update={"database_url": request.getfixturevalue("postgres_url")}
        )
    built = create_app(settings, aws=aws)
    yield built
    built.close()


@pytest.fixture
def estate(aws: AwsClients) -> dict[str, str]:
    return small_estate(aws)


def stop_request(app: CloudFabric, target: str = "batch-worker", requester: str = "alice"):
    plan = build_plan(app.context_for(requester), STOP, PowerArgs(targets=[target]))
    return app.approvals.request(plan, requester, conversation_id="test:c:1")


def test_fifty_concurrent_approvals_execute_exactly_once(app: CloudFabric, estate, aws) -> None:
    request = stop_request(app)

    def click(n: int) -> str:
        try:
            return app.approvals.approve(request.id, f"bob{n}").state
        except ApprovalRefused as refusal:
            return type(refusal).__name__

    with ThreadPoolExecutor(max_workers=50) as pool:
        outcomes = list(pool.map(click, range(50)))

    assert outcomes.count("SUCCEEDED") == 1
    assert outcomes.count("AlreadyDecided") == 49
    assert state_of(aws, estate["batch-worker"]) in ("stopping", "stopped")
    actions = [e.action for e in app.audit.entries(request.id)]
    assert actions.count("approved") == 1
    assert actions.count("succeeded") == 1
    assert app.audit.verify() is None


def test_requester_cannot_approve_own_request(app: CloudFabric, estate, aws) -> None:
    request = stop_request(app)
    with pytest.raises(SelfApproval, match="cannot approve it yourself"):
        app.approvals.approve(request.id, "alice")
    assert app.approvals.get(request.id).state == ApprovalState.PENDING
    assert state_of(aws, estate["batch-worker"]) == "running"


def test_second_approve_is_refused_and_runs_nothing(app: CloudFabric, estate) -> None:
    request = stop_request(app)
    assert app.approvals.approve(request.id, "bob").state == ApprovalState.SUCCEEDED
    with pytest.raises(AlreadyDecided, match="already approved by bob and has run"):
        app.approvals.approve(request.id, "carol")
    assert [e.action for e in app.audit.entries(request.id)].count("succeeded") == 1


def test_expired_approval_cannot_execute(app: CloudFabric, estate, aws) -> None:
    with time_machine.travel(Clock().now(), tick=True) as traveller:
        request = stop_request(app)
        traveller.shift(timedelta(minutes=61))
        with pytest.raises(ApprovalExpired, match="expired"):
            app.approvals.approve(request.id, "bob")
    assert app.approvals.get(request.id).state == ApprovalState.EXPIRED
    assert state_of(aws, estate["batch-worker"]) == "running"


@pytest.mark.parametrize(
    ("asked", "expires"),
    [
        (datetime(2026, 12, 31, 23, 30, tzinfo=UTC), "2027-01-01 00:30"),
        (datetime(2028, 2, 28, 23, 45, tzinfo=UTC), "2028-02-29 00:45"),
        (datetime(2027, 2, 28, 23, 45, tzinfo=UTC), "2027-03-01 00:45"),
    ],
)
def test_expiry_is_right_across_year_end_and_leap_day(
    app: CloudFabric, estate, aws, asked: datetime, expires: str
) -> None:
    with time_machine.travel(asked, tick=False) as traveller:
        request = stop_request(app)
        assert f"{request.expires_at:%Y-%m-%d %H:%M}" == expires
        traveller.shift(timedelta(minutes=59))
        assert request.id not in app.approvals.expire_due()  # (the store is shared on PostgreSQL)
        traveller.shift(timedelta(minutes=2))
        assert request.id in app.approvals.expire_due()
        with pytest.raises(ApprovalExpired, match=f"expired at {expires} UTC"):
            app.approvals.approve(request.id, "bob")
    assert state_of(aws, estate["batch-worker"]) == "running"


def test_expire_due_marks_overdue_requests(app: CloudFabric, estate) -> None:
    app.approvals.ttl = timedelta(seconds=-1)
    request = stop_request(app)
    assert app.approvals.expire_due() == [request.id]
    assert app.approvals.get(request.id).state == ApprovalState.EXPIRED


def test_executed_plan_hash_equals_approved_hash(app: CloudFabric, estate) -> None:
    request = stop_request(app)
    final = app.approvals.approve(request.id, "bob")
    assert final.executed_plan_hash == request.plan_hash
    executed = next(e for e in app.audit.entries(request.id) if e.action == "succeeded")
    assert json.loads(executed.detail_json)["plan_hash"] == request.plan_hash


def test_tampered_plan_is_not_executed(app: CloudFabric, estate, aws) -> None:
    request = stop_request(app)
    tampered = request.plan_json.replace("batch-worker", "web-1")
    with app.db.session() as session:
        session.execute(
            update(ApprovalRequest)
            .where(ApprovalRequest.id == request.id)  # type: ignore[arg-type]
            .values(plan_json=tampered)
        )
    final = app.approvals.approve(request.id, "bob")
    assert final.state == ApprovalState.FAILED
    assert "differs from the approved one" in (final.error or "")
    assert state_of(aws, estate["batch-worker"]) == "running"
    assert state_of(aws, estate["web-1"]) == "running"


def test_reject_records_reason_and_runs_nothing(app: CloudFabric, estate, aws) -> None:
    request = stop_request(app)
    final = app.approvals.reject(request.id, "bob", "batch run in progress")
    assert (final.state, final.decided_by, final.reason) == (
        "REJECTED",
        "bob",
        "batch run in progress",
    )
    assert state_of(aws, estate["batch-worker"]) == "running"
    with pytest.raises(AlreadyDecided):
        app.approvals.approve(request.id, "carol")


def test_requester_rejecting_own_request_cancels_it(app: CloudFabric, estate) -> None:
    request = stop_request(app)
    assert app.approvals.reject(request.id, "alice").state == ApprovalState.CANCELLED


def test_stale_plan_is_voided_before_it_runs(app: CloudFabric, estate, aws) -> None:
    request = stop_request(app)
    aws.client("ec2", "us-east-1").stop_instances(InstanceIds=[estate["batch-worker"]])
    final = app.approvals.approve(request.id, "bob")
    assert final.state == ApprovalState.VOIDED
    assert final.result_json is None
    assert final.reason is not None and "Nothing to stop" in final.reason
    assert "is stopped" in final.reason


def test_background_sweeper_expires_and_tells_the_conversation(
    settings: Settings, aws: AwsClients, estate: dict[str, str]
) -> None:
    import threading

    settings = settings.model_copy(update={"approval_sweep_seconds": 1})
    told: list[tuple[str, str]] = []
    arrived = threading.Event()

    def publish(conversation: str, reply) -> None:
        told.append((conversation, reply.text))
        arrived.set()

    app = create_app(settings, aws=aws, publish=publish)
    try:
        reply = app.conversations.handle_message("test:c:2", "alice", "stop batch-worker")
        with app.db.session() as session:
            session.execute(
                update(ApprovalRequest)
                .where(ApprovalRequest.id == reply.cards[0].approval_id)  # type: ignore[arg-type]
                .values(expires_at=Clock().now() - timedelta(seconds=1))
            )
        app.start_background()
        assert arrived.wait(timeout=20), "the sweeper never expired the request"
        assert told[0][0] == "test:c:2"
        assert "expired; nothing ran" in told[0][1]
        assert app.approvals.get(reply.cards[0].approval_id).state == ApprovalState.EXPIRED
        assert state_of(aws, estate["batch-worker"]) == "running"
    finally:
        app.close()


@pytest.mark.parametrize("shift", [timedelta(days=400), timedelta(days=-400)])
def test_first_sweep_runs_at_start_up_whatever_instant_the_clock_started_at(
    settings: Settings, aws: AwsClients, estate: dict[str, str], shift: timedelta
) -> None:
    # A process started with CF_CLOCK_START (a demo, a child of a test) tells time from there,
    # while the scheduler behind the sweep runs on the system clock.
    settings = settings.model_copy(update={"approval_sweep_seconds": 3600})
    app = create_app(settings, aws=aws, clock=Clock(Clock().now() + shift))
    try:
        app.approvals.ttl = timedelta(seconds=-1)
        request = stop_request(app)
        app.start_background()  # the next sweep after the first one is an hour away
        deadline = time.monotonic() + 15
        while app.approvals.get(request.id).state == ApprovalState.PENDING:
            assert time.monotonic() < deadline, "no sweep ran at start-up"
            time.sleep(0.05)
        assert app.approvals.get(request.id).state == ApprovalState.EXPIRED
    finally:
        app.close()
