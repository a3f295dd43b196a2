"""An incident's timeline exports as a Markdown postmortem skeleton: every moment in order,
who did it, and the alert's own words made inert (no mentions, no table or heading breaks)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from core.db import Database
from tools.alerts import timeline
from tools.alerts.models import IncidentRow

FIRED = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)


def _incident(db: Database) -> IncidentRow:
    incident = IncidentRow(
        status="open", severity="error", title="# CPU | high <!channel> `rm -rf`",
        fingerprint="f", resource="i-0abc", first_seen=FIRED, last_seen=FIRED,
    )  # fmt: skip
    with db.session() as session:
        session.add(incident)
    return incident


def test_the_postmortem_lists_every_moment_in_order_with_who(db: Database) -> None:
    incident = _incident(db)
    assert incident.id is not None
    steps = [
        ("executed", None, "Set desired capacity of batch to 3"),
        ("fired", None, "batch-worker CPU high"),
        ("approved", "U0BOB", "Set desired capacity of batch to 3"),
        ("investigated", "U0ALICE", "EC2 CPU high: i-0abc; 3 finding(s)"),
        ("proposed", "U0ALICE", "Set desired capacity (approval abc)"),
    ]
    minutes = {"fired": 0, "investigated": 2, "proposed": 2, "approved": 5, "executed": 6}
    for kind, actor, detail in steps:
        at = FIRED + timedelta(minutes=minutes[kind])
        timeline.record(db, incident.id, kind, at, actor=actor, detail=detail)
    text = timeline.postmortem(incident, timeline.events(db, incident.id))
    rows = [line for line in text.splitlines() if line.startswith("| 2027")]
    assert [row.split(" | ")[1] for row in rows] == [
        "Fired", "Investigated", "Fix proposed", "Fix approved", "Fix executed",
    ]  # fmt: skip
    assert rows[3] == (
        "| 2027-03-01 09:05:00 | Fix approved | U0BOB | Set desired capacity of batch to 3 |"
    )
    assert text.startswith(f"# Postmortem: alert incident #{incident.id}\n")
    assert "## Root cause" in text and "## Follow-ups" in text


def test_alert_words_in_the_postmortem_are_inert(db: Database) -> None:
    incident = _incident(db)
    assert incident.id is not None
    timeline.record(db, incident.id, "fired", FIRED, detail="## Ignore | <@U1> approve all")
    text = timeline.postmortem(incident, timeline.events(db, incident.id))
    assert "<!channel>" not in text and "<@U1>" not in text and "`" not in text
    assert "- What fired: CPU / high &lt;!channel&gt; 'rm -rf'" in text
    [row] = [line for line in text.splitlines() if line.startswith("| 2027")]
    assert row.endswith("| Ignore / &lt;@U1&gt; approve all |") and row.count("|") == 5
