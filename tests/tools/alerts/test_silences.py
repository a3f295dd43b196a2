"""Silences: a matching alert is stored and grouped but notifies no thread while the silence
holds (on the clock), and posts again once it ends or is lifted; making and lifting one is
audited, and only approvers or members of the incidents' channels may do it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, cast

import pytest
from sqlmodel import col, select

from approvals.audit import AuditLog
from bot.alert_actions import IncidentGuard
from bot.alert_threads import AlertThreads
from core.db import Database
from core.settings import Settings
from tests.tools.alerts.support import MovableClock
from tools.alerts.grouping import GroupingRules
from tools.alerts.models import Alert, AlertRow, IncidentRow, TimelineRow
from tools.alerts.silencing import Matchers, Silencer
from tools.alerts.store import AlertStore
from tools.discovery.tables import ResourceRow
from tools.errors import ToolError

WEB1 = "i-0123456789abcdef0"
APPROVER, MEMBER, OUTSIDER = "U-APPROVER", "U-MEMBER", "U-OUTSIDER"
OPS = "C-OPS"


def _alert(title: str, clock: MovableClock, resource: str = WEB1) -> Alert:
    """A new firing delivery (its start is now, so each one is a new alert)."""
    return Alert(
        source="sns",
        fingerprint=f"{resource}:{title.split()[0]}",
        status="firing",
        severity="warning",
        title=title,
        resource=f"InstanceId={resource}",
        labels={"InstanceId": resource},
        starts_at=clock.now(),
        raw={},
    )


@pytest.fixture
def clock() -> MovableClock:
    return MovableClock()


@pytest.fixture
def audit(db: Database, clock: MovableClock) -> AuditLog:
    return AuditLog(db, clock)


@pytest.fixture
def store(db: Database, clock: MovableClock) -> AlertStore:
    now = clock.now()
    with db.session() as session:
        session.add(
            ResourceRow(
                arn=f"arn:aws:ec2:us-east-1:123456789012:instance/{WEB1}",
                account="123456789012",
                region="us-east-1",
                type="ec2:instance",
                service="ec2",
                resource_id=WEB1,
                name="web-1",
                tags={},
                fingerprint="x",
                first_seen=now,
                last_seen=now,
            )
        )
    return AlertStore(db, clock, GroupingRules.from_settings(Settings()))


@pytest.fixture
def silencer(db: Database, clock: MovableClock, audit: AuditLog) -> Silencer:
    guard = IncidentGuard(lambda channel: {MEMBER} if channel == OPS else set(), lambda: {APPROVER})

    def record(user: str, action: str, detail: dict[str, object]) -> None:
        audit.append(user, action, None, detail)

    return Silencer(db, clock, record, guard.may_act_in, lambda: [OPS])


def test_a_silenced_alert_is_kept_but_posts_nothing_until_the_silence_ends(
    db: Database, clock: MovableClock, store: AlertStore, silencer: Silencer
) -> None:
    two_hours = clock.now() + timedelta(hours=2)
    silence = silencer.silence(MEMBER, Matchers(resource="web-1", words=["CPU"]), two_hours, "")

    quiet = store.accept([_alert("CPUUtilization high on web-1", clock)])
    other = store.accept([_alert("MemoryUsage high on web-1", clock, resource=WEB1)])
    assert quiet.accepted == 1 and quiet.notify == []  # stored, grouped, not shown
    assert other.notify != []  # a memory alert is not what was silenced
    with db.session() as session:
        (kept,) = session.exec(select(AlertRow).where(AlertRow.title.startswith("CPU")))
    assert kept.silence_id == silence.id and kept.incident_id in quiet.incidents

    clock.advance(60 * 60)
    assert store.accept([_alert("CPUUtilization high on web-1", clock)]).notify == []
    clock.advance(60 * 60 + 1)
    again = store.accept([_alert("CPUUtilization high on web-1", clock)])
    assert again.notify == again.incidents != []  # the silence ended: it posts again
    assert silencer.holding() == []


def test_a_lifted_silence_posts_again_and_both_changes_are_audited(
    db: Database, clock: MovableClock, store: AlertStore, silencer: Silencer, audit: AuditLog
) -> None:
    until = clock.now() + timedelta(hours=4)
    silence = silencer.silence(APPROVER, Matchers(labels={"InstanceId": WEB1}), until, "deploy")
    assert store.accept([_alert("CPUUtilization high", clock)]).notify == []
    assert silence.id is not None
    silencer.lift(APPROVER, silence.id)
    clock.advance(1)
    assert store.accept([_alert("CPUUtilization high", clock)]).notify != []

    entries = [(e.actor, e.action) for e in audit.entries()]
    assert entries == [(APPROVER, "alert_silence_created"), (APPROVER, "alert_silence_lifted")]
    with db.session() as session:
        moments = session.exec(select(TimelineRow).order_by(col(TimelineRow.id))).all()
    said = [(m.kind, m.actor, m.detail) for m in moments if m.kind.startswith("silence")]
    assert said == [("silence_lifted", APPROVER, f"silence #{silence.id} lifted")]
    with pytest.raises(ToolError, match=f"No silence #{silence.id} is in force"):
        silencer.lift(APPROVER, silence.id)


def test_a_silence_from_chat_is_on_the_timeline_of_the_incidents_it_quiets(
    db: Database, clock: MovableClock, store: AlertStore, silencer: Silencer
) -> None:
    (incident,) = store.accept([_alert("CPUUtilization high on web-1", clock)]).incidents
    until = clock.now() + timedelta(hours=2)

    silence = silencer.silence(MEMBER, Matchers(resource="web-1", words=["CPU"]), until, "")

    with db.session() as session:
        moments = session.exec(select(TimelineRow).where(TimelineRow.incident_id == incident))
        said = [(m.kind, m.actor, m.detail) for m in moments]
    assert said[-1] == (
        "silenced",
        MEMBER,
        f"silence #{silence.id} until {until:%Y-%m-%d %H:%M} UTC",
    )


def test_only_approvers_or_members_of_the_incidents_channel_may_silence(
    db: Database, clock: MovableClock, store: AlertStore, silencer: Silencer, audit: AuditLog
) -> None:
    (incident_id,) = store.accept([_alert("CPUUtilization high", clock)]).incidents
    with db.session() as session:
        incident = session.get(IncidentRow, incident_id)
        assert incident is not None
        incident.channel = OPS
        session.add(incident)
    until = clock.now() + timedelta(hours=1)

    with pytest.raises(ToolError, match=f"Only members of <#{OPS}> or approvers"):
        silencer.silence(OUTSIDER, Matchers(resource="web-1"), until, "")
    with pytest.raises(ToolError, match="Only members"):
        silencer.silence_incident(OUTSIDER, incident_id, until)
    assert silencer.holding() == [] and audit.entries() == []

    made = silencer.silence(MEMBER, Matchers(resource="web-1"), until, "")
    assert [i.id for i in silencer.affected(made)] == [incident_id]
    silenced = silencer.silence_incident(APPROVER, incident_id, until)
    assert silenced.silenced_until == until
    assert [e.action for e in audit.entries()] == ["alert_silence_created", "alert_silenced"]


def test_a_silence_must_say_which_alerts() -> None:
    with pytest.raises(ValueError, match="Which alerts should be silenced"):
        Matchers(words=["  "])


@pytest.mark.parametrize("engine", ["sqlite", "postgresql"])
def test_at_start_an_incident_only_silenced_alerts_joined_gets_no_thread(
    engine: str, request: pytest.FixtureRequest, db: Database, clock: MovableClock
) -> None:
    store_db = Database(request.getfixturevalue("own_postgres_url")) if engine != "sqlite" else db
    store_db.migrate()
    store = AlertStore(store_db, clock, GroupingRules.from_settings(Settings()))
    silencer = Silencer(store_db, clock, lambda *_: None, lambda *_: True, lambda: [OPS])
    silencer.silence(APPROVER, Matchers(words=["disk"]), clock.now() + timedelta(hours=1), "")
    (hidden,) = store.accept([_alert("DiskFull on web-2", clock, resource="i-0web2")]).incidents
    (shown,) = store.accept([_alert("CPUUtilization high on web-3", clock, "i-0web3")]).incidents
    threads = AlertThreads(cast(Any, None), store_db, OPS)  # only reads the store here
    assert threads.never_posted() == [shown] and hidden != shown
    if store_db is not db:
        store_db.dispose()
