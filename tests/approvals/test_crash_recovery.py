"""Crashes of real processes around an approved action, and what the next replica makes of them.

Each test runs the shipped Slack app (``cloudfabric serve --http``) as child processes over one
database, a moto server behind a proxy that counts and slows AWS calls, and a fake Slack that
records what users would see. A replica is killed with SIGKILL at a chosen point of an
approval; another replica started on the same database must finish or report it on its own
(its first sweep runs at start-up), and never run the action twice.
"""

from __future__ import annotations

import json
import time
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from approvals.audit import AuditLog
from approvals.models import ApprovalRequest, ApprovalState
from approvals.render import APPROVE_ACTION
from approvals.store import ApprovalStore
from core.aws import AwsClients
from core.db import Database
from core.settings import Settings
from tests.approvals.replicas import Replica, ReplicaConfig, Replicas
from tests.estate import launch, state_of
from tests.fakes.slack_server import Call, FakeSlack
from tests.fakes.slow_aws import SlowAws
from tests.slack.harness import button_click, eventually, mention, slack

__all__ = ["slack"]
pytestmark = pytest.mark.slow

ALICE, BOB = "U0ALICE", "U0BOB"
CHANNEL = "C0CRASH"
THREAD = "1800000000.000100"
SWEEP_SECONDS = 1
"""The replicas' sweep interval."""
LEASE_SECONDS = 3.0
"""The replicas' execution lease (renewed every second while an action runs)."""
Opener = Callable[[str], tuple[ApprovalStore, AuditLog]]
STOP_HELD_SECONDS = 8.0
"""How long the proxy holds back StopInstances' answer: the caller is killed well before."""


@pytest.fixture
def slow_aws(moto_url: str) -> Iterator[SlowAws]:
    """The proxy every replica's AWS calls go through; StopInstances answers slowly."""
    proxy = SlowAws(moto_url, delays={"StopInstances": STOP_HELD_SECONDS}).start()
    yield proxy
    proxy.stop()


@pytest.fixture
def moto(moto_url: str, tmp_path: Path) -> AwsClients:
    """Clients straight to moto (not through the proxy), to seed and inspect the estate."""
    settings = Settings(
        _env_file=None,
        data_dir=tmp_path / "inspect",
        aws_endpoint_url=moto_url,
    )
    return AwsClients(settings, sandbox=True)


@pytest.fixture(
    params=[
        # Lease expiry compares instants across processes: run at the CF_TEST_NOW instants too.
        pytest.param("sqlite", marks=pytest.mark.time_sensitive),
        pytest.param("postgres", marks=pytest.mark.postgres),
    ]
)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The store the replicas share: an SQLite file, or a PostgreSQL database of its own."""
    if request.param == "postgres":
        return str(request.getfixturevalue("own_postgres_url"))
    return f"sqlite:///{(tmp_path / 'shared.db').as_posix()}"


@pytest.fixture
def opened() -> Iterator[Opener]:
    """Opens the replicas' database from the test (``opened(url)``); closed after the test."""
    databases: list[Database] = []

    def open_store(url: str) -> tuple[ApprovalStore, AuditLog]:
        databases.append(Database(url))
        return ApprovalStore(databases[-1]), AuditLog(databases[-1])

    yield open_store
    for database in databases:
        database.dispose()


@pytest.fixture
def replicas(tmp_path: Path, slow_aws: SlowAws, slack: FakeSlack) -> Iterator[Replicas]:
    """Replicas of CloudFabric for this test; those still running are killed afterwards."""
    config = ReplicaConfig(
        tmp_path, slow_aws.url, slack.api_url, lease_seconds=LEASE_SECONDS,
        sweep_seconds=SWEEP_SECONDS,
    )  # fmt: skip
    started = Replicas(config)
    yield started
    started.kill_all()


def _buttons(call: Call) -> list[dict[str, Any]]:
    return [
        element
        for block in call.params.get("blocks", [])
        if block["type"] == "actions"
        for element in block["elements"]
    ]


def _blocks_text(call: Call) -> str:
    return json.dumps(call.params.get("blocks", []))


def in_thread(words: str) -> Callable[[Call], bool]:
    """Matches a message posted in the test's thread that contains ``words``.

    Args:
        words: text the message must contain.
    """
    return lambda call: call.params.get("thread_ts") == THREAD and words in str(call.params)


def ask(replica: Replica, slack: FakeSlack, store: ApprovalStore) -> ApprovalRequest:
    """Alice asks the replica in a Slack thread to stop batch-worker.

    Returns:
        The pending request, once its card is posted and recorded.
    """
    asked = mention("stop batch-worker", event_id="EvCrash1", channel=CHANNEL, ts=THREAD)
    asked["event"]["user"] = ALICE
    assert replica.post_signed(json.dumps(asked).encode(), "application/json").status_code == 200
    [card] = slack.wait_for(
        "chat.postMessage", lambda c: c.params.get("thread_ts") == THREAD and bool(_buttons(c))
    )
    approval_id = next(b["value"] for b in _buttons(card) if b["action_id"] == APPROVE_ACTION)
    request = eventually(lambda: (r := store.get(approval_id)) and r.card_ts and r)
    assert request.state == ApprovalState.PENDING
    return request


def approve(replica: Replica, request: ApprovalRequest) -> None:
    """Bob clicks Approve on the request's card.

    Args:
        replica: the replica Slack sends the click to.
        request: the pending request.
    """
    click = button_click(APPROVE_ACTION, request.id, user=BOB, channel=CHANNEL)
    form = urllib.parse.urlencode({"payload": json.dumps(click)}).encode()
    assert replica.post_signed(form, "application/x-www-form-urlencoded").status_code == 200


def test_kill_during_the_aws_call_ends_interrupted_with_what_aws_shows(
    replicas: Replicas,
    database_url: str,
    opened: Opener,
    slow_aws: SlowAws,
    slack: FakeSlack,
    moto: AwsClients,
) -> None:
    started = time.monotonic()
    instance = launch(moto, "batch-worker", env="prod")
    second = replicas.spawn("replica-b", database_url)  # loads its code, then waits
    first = replicas.start("replica-a", database_url)
    store, audit = opened(database_url)
    request = ask(first, slack, store)
    approve(first, request)

    slow_aws.wait_for("StopInstances")  # sent, and its answer held back: the call is in flight
    executing = store.get(request.id)
    assert executing is not None
    assert (executing.state, executing.owner) == (ApprovalState.EXECUTING, "replica-a")
    first.kill()
    assert state_of(moto, instance) == "stopped"  # AWS acted on the call the dead process made

    second.go()  # a fresh CloudFabric on the same database: its first sweep runs at once
    [card] = slack.wait_for(
        "chat.update",
        lambda c: c.params.get("ts") == request.card_ts and "cut off" in str(c),
        timeout=60,
    )
    final = store.get(request.id)
    assert final is not None
    assert (final.state, final.owner) == (ApprovalState.INTERRUPTED, "replica-a")
    assert final.observed == f"batch-worker ({instance}) is stopped."
    assert final.result_json is None
    shown = _blocks_text(card)
    assert f"Approved by {BOB}" in shown and "not run again" in shown
    assert final.observed in shown
    assert not _buttons(card)
    [told] = slack.wait_for("chat.postMessage", in_thread("cut off"))
    assert f"AWS shows now: {final.observed}" in told.params["text"]
    assert "nothing ran" not in told.params["text"]
    time.sleep(2 * SWEEP_SECONDS)  # more sweeps of replica-b: none may run it again
    assert slow_aws.count("StopInstances") == 1
    assert _row(store, request.id) == final.model_dump()
    assert _decisions(audit, request.id) == [
        (ALICE, "requested"),
        (BOB, "approved"),
        ("sweep", "interrupted"),
    ]
    assert audit.verify() is None
    print(f"killed mid-call, reported interrupted: {time.monotonic() - started:.1f} s")


@pytest.mark.postgres
def test_kill_between_approval_and_claim_runs_it_once_after_restart(
    replicas: Replicas,
    own_postgres_url: str,
    opened: Opener,
    slow_aws: SlowAws,
    slack: FakeSlack,
    moto: AwsClients,
) -> None:
    started = time.monotonic()
    slow_aws.delays.clear()
    instance = launch(moto, "batch-worker", env="prod")
    # A long lease: replica-a's own sweep must not take the approved request over while the
    # click's thread waits (that is another story than a crash).
    second = replicas.spawn("replica-b", own_postgres_url)  # loads its code, then waits
    first = replicas.start("replica-a", own_postgres_url, lease_seconds=120.0)
    store, audit = opened(own_postgres_url)
    request = ask(first, slack, store)
    # Another session holds the audit table: Bob's approval commits, then the click's thread
    # waits to write the audit entry, which comes after the decision and before the claim.
    blocker = create_engine(own_postgres_url)
    with blocker.connect() as holding:
        holding.execute(text("LOCK TABLE audit_entry IN EXCLUSIVE MODE"))
        approve(first, request)
        approved = eventually(
            lambda: (r := store.get(request.id)) and r.state == ApprovalState.APPROVED and r
        )
        eventually(lambda: _waiting_for_a_lock(store.db))
        first.kill()
        holding.rollback()
    blocker.dispose()
    assert (approved.decided_by, approved.owner) == (BOB, None)
    assert _row(store, request.id) == approved.model_dump()  # no claim, nothing run
    assert slow_aws.count("StopInstances") == 0
    assert state_of(moto, instance) == "running"

    second.go()
    [card] = slack.wait_for(
        "chat.update",
        lambda c: c.params.get("ts") == request.card_ts and "executed" in str(c),
        timeout=60,
    )
    final = store.get(request.id)
    assert final is not None
    assert (final.state, final.owner) == (ApprovalState.SUCCEEDED, "replica-b")
    assert final.executed_plan_hash == request.plan_hash
    assert f"Approved by {BOB}" in _blocks_text(card)
    slack.wait_for("chat.postMessage", in_thread(f"approved by {BOB}"))
    assert state_of(moto, instance) == "stopped"
    time.sleep(2 * SWEEP_SECONDS)  # more sweeps of replica-b
    assert slow_aws.count("StopInstances") == 1
    assert _decisions(audit, request.id) == [
        (ALICE, "requested"),
        ("executor", "succeeded"),
        ("sweep", "resumed"),
    ]
    entries = [e for e in audit.entries(request.id) if (e.actor, e.action) != REPLAYED_CLICK]
    resumed = json.loads(entries[-1].detail_json)
    assert resumed["approved_by"] == BOB  # the dead process never audited Bob's decision
    assert (
        resumed["plan_hash"] == request.plan_hash == json.loads(entries[1].detail_json)["plan_hash"]
    )
    assert audit.verify() is None
    print(f"killed before the claim, run once after restart: {time.monotonic() - started:.1f} s")


def _row(store: ApprovalStore, approval_id: str) -> dict[str, Any]:
    found = store.get(approval_id)
    assert found is not None
    return found.model_dump()


REPLAYED_CLICK = (BOB, "refused")
"""Bob's click, recorded durably by the killed replica, run again by the one that recovers it:
the request is decided by then, so the replay is refused (and audited), never executed."""


def _actions(audit: AuditLog, approval_id: str) -> list[tuple[str, str]]:
    """The request's audit trail."""
    return [(e.actor, e.action) for e in audit.entries(approval_id)]


def _decisions(audit: AuditLog, approval_id: str) -> list[tuple[str, str]]:
    """The request's audit trail, the refused replay of a crash-cut click (at most one) left out."""
    trail = _actions(audit, approval_id)
    assert trail.count(REPLAYED_CLICK) <= 1, trail
    return [entry for entry in trail if entry != REPLAYED_CLICK]


def _waiting_for_a_lock(db: Database) -> bool:
    """True when a session of this database waits for a lock (the replica, on the audit table)."""
    query = text(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
        "AND wait_event_type = 'Lock'"
    )
    with db.engine.connect() as connection:
        return bool(connection.execute(query).scalar())
