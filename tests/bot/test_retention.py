"""The retention sweep with the clock moved: idle conversations and runs that ended long ago
go, recent ones stay, and runs still pending or waiting for an approval never go."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest
import time_machine
from langgraph.checkpoint.base.id import uuid6
from sqlmodel import select

from agents.checkpoint import checkpoint_time
from bot.app import CloudFabric, create_app
from bot.retention import Pruned, sweep
from bot.slack.outbox.store import OutboxStore
from bot.slack.outbox.tables import OutboxEntry
from core.clock import Clock
from core.settings import Settings
from tools.alerts.models import AlertRow, IncidentRow, TimelineRow
from tools.workflows.service import WorkflowStore
from tools.workflows.spec import ToolStep, WorkflowSpec
from tools.workflows.store import WorkflowRow, WorkflowRun

pytestmark = pytest.mark.time_sensitive


def _start() -> datetime:
    """After every checkpoint id made in this process (they never go back in time)."""
    return max(Clock().now(), checkpoint_time(str(uuid6()))) + timedelta(days=1)


def _run(app: CloudFabric, row: WorkflowRow, status: str) -> None:
    store = WorkflowStore(app.db, app.clock)
    run = store.add_run(row, app.clock.now())
    run.status, run.started_at = status, app.clock.now()
    if status == "succeeded":
        run.finished_at = app.clock.now()
    store.save_run(run)


def _statuses(app: CloudFabric) -> list[str]:
    with app.db.session() as session:
        return sorted(run.status for run in session.exec(select(WorkflowRun)).all())


def _conversations(app: CloudFabric) -> set[str]:
    listed = app.checkpoints.saver.list(None)
    return {item.config["configurable"]["thread_id"] for item in listed}


def test_old_records_go_recent_and_unfinished_stay(sandbox_app: CloudFabric) -> None:
    app = sandbox_app
    spec = WorkflowSpec(
        name="nightly",
        trigger={"kind": "manual"},
        created_by="alice",
        steps=[ToolStep(id="find", tool="ec2.list_instances", args={})],
    )
    start = _start()
    with time_machine.travel(start, tick=False) as traveller:
        row = WorkflowStore(app.db, app.clock).create(spec, approved_by="bob")
        app.conversations.handle_message("console:C1:old", "alice", "list instances in us-east-1")
        for status in ("succeeded", "waiting_approval", "pending"):
            _run(app, row, status)
        traveller.move_to(start + timedelta(days=20))
        app.conversations.handle_message("console:C1:new", "alice", "list instances in eu-west-1")
        _run(app, row, "succeeded")

        assert sweep(app) == Pruned()
        traveller.move_to(start + timedelta(days=31))
        assert sweep(app) == Pruned(conversations=1)
        assert _conversations(app) == {"console:C1:new"}

        traveller.move_to(start + timedelta(days=91))
        assert sweep(app) == Pruned(conversations=1, workflow_runs=1)
        assert _statuses(app) == ["pending", "succeeded", "waiting_approval"]

        traveller.move_to(start + timedelta(days=400))
        assert sweep(app) == Pruned(workflow_runs=1)
        assert _statuses(app) == ["pending", "waiting_approval"]


def test_one_replica_sweeps_at_a_time(sandbox_app: CloudFabric) -> None:
    with sandbox_app.coordination.hold("retention-sweep", timeout=1):
        assert sweep(sandbox_app) is None  # another replica is sweeping
    assert sweep(sandbox_app) == Pruned()


def _write(app: CloudFabric, text: str) -> OutboxEntry:
    """A queued chat.postMessage, as the transport would queue it."""
    entry = OutboxEntry(
        method="chat.postMessage",
        channel="C0OPS",
        lane="C0OPS",
        payload_json=json.dumps({"channel": "C0OPS", "text": text}),
        created_at=app.clock.now(),
        due_at=app.clock.now(),
    )
    return OutboxStore(app.db).add(entry)


def test_delivered_slack_writes_go_after_a_week_undelivered_ones_stay(
    sandbox_app: CloudFabric,
) -> None:
    app, store = sandbox_app, OutboxStore(sandbox_app.db)
    start = _start()
    with time_machine.travel(start, tick=False) as traveller:
        sent, waiting = _write(app, "sent"), _write(app, "still waiting")
        store.delivered(sent.id or 0, app.clock.now(), "C0OPS", "100.1")
        traveller.move_to(start + timedelta(days=7))
        assert sweep(app) == Pruned()
        traveller.move_to(start + timedelta(days=7, seconds=1))
        assert sweep(app) == Pruned(outbox=1)
        assert [e.id for e in store.listing()] == [waiting.id]


def test_audit_entries_past_retention_go_behind_a_checkpoint_and_still_verify(
    settings: Settings,
) -> None:
    from approvals.audit_anchor import anchor_for
    from approvals.audit_checkpoint import checkpoint_key
    from approvals.audit_verify import verify_log

    kept = settings.model_copy(update={"audit_retention_days": 30})
    app = create_app(kept)
    try:
        start = _start()
        with time_machine.travel(start, tick=False) as traveller:
            before = len(app.audit.entries())
            for n in range(3):
                app.audit.append("alice", "requested", None, {"n": n})
            traveller.move_to(start + timedelta(days=30))
            assert sweep(app) == Pruned()  # exactly 30 days old: kept
            app.audit.append("bob", "approved", None, {})
            traveller.move_to(start + timedelta(days=30, seconds=1))
            assert sweep(app) == Pruned(audit=before + 3)
        assert [e.actor for e in app.audit.entries()] == ["bob"]
        report = verify_log(app.audit, checkpoint_key(kept), anchor_for(kept))
        assert report.intact, report.problems
        assert report.pruned == before + 3
    finally:
        app.close()


def _incident(app: CloudFabric, status: str, title: str) -> int:
    """An incident with one alert and one timeline entry, last seen now."""
    now = app.clock.now()
    with app.db.session() as session:
        incident = IncidentRow(
            status=status,
            severity="critical",
            title=title,
            fingerprint=title,
            first_seen=now,
            last_seen=now,
        )
        session.add(incident)
        session.flush()
        assert incident.id is not None
        session.add(_alert(app, title, incident.id))
        session.add(TimelineRow(incident_id=incident.id, at=now, kind="fired", detail=title))
        return incident.id


def _alert(app: CloudFabric, title: str, incident_id: int | None) -> AlertRow:
    return AlertRow(
        dedupe_key=f"{title}-{incident_id}",
        source="alertmanager",
        fingerprint=title,
        status="firing",
        severity="critical",
        title=title,
        received_at=app.clock.now(),
        incident_id=incident_id,
        raw_json=json.dumps({"alert": title}),
    )


def _alert_titles(app: CloudFabric) -> list[str]:
    with app.db.session() as session:
        return sorted(row.title for row in session.exec(select(AlertRow)).all())


def test_resolved_incidents_go_with_their_alerts_after_retention_open_ones_stay(
    sandbox_app: CloudFabric,
) -> None:
    app = sandbox_app
    start = _start()
    with time_machine.travel(start, tick=False) as traveller:
        old = _incident(app, "resolved", "old disk full")
        _incident(app, "open", "still burning")
        with app.db.session() as session:
            session.add(_alert(app, "silenced stray", None))
        traveller.move_to(start + timedelta(days=60))
        _incident(app, "resolved", "recent cpu")

        traveller.move_to(start + timedelta(days=90))
        assert sweep(app) == Pruned()
        traveller.move_to(start + timedelta(days=90, seconds=1))
        assert sweep(app) == Pruned(alerts=2)

        assert _alert_titles(app) == ["recent cpu", "still burning"]
        with app.db.session() as session:
            assert session.get(IncidentRow, old) is None
            timeline = session.exec(select(TimelineRow)).all()
            assert sorted(entry.detail for entry in timeline) == ["recent cpu", "still burning"]
