"""`cloudfabric audit export`: JSON Lines and CSV, filtered by time, user, tool and resource;
a bad filter gets a clear message and writes nothing."""

from __future__ import annotations

import csv
import json
from datetime import timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from approvals.audit import AuditLog
from approvals.models import ApprovalRequest
from bot.cli import app as cli
from core.clock import Clock
from core.db import Database
from core.settings import Settings
from tools.plan import ActionPlan, ResourceChange

runner = CliRunner()


def _request(db: Database, approval_id: str, tool: str, resource: str) -> None:
    change = ResourceChange(
        resource_id=resource, resource_type="ec2:instance", region="us-east-1",
        before="running", after="stopped",
    )  # fmt: skip
    plan = ActionPlan(tool=tool, args={}, summary="s", risk="low", changes=[change])
    now = Clock().now()
    request = ApprovalRequest(
        id=approval_id, tool=tool, plan_json=plan.canonical_json(), plan_hash=plan.digest(),
        risk="low", summary="s", requester="alice", created_at=now,
        expires_at=now + timedelta(hours=1),
    )  # fmt: skip
    with db.session() as session:
        session.add(request)


@pytest.fixture
def db(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Database:
    """A store with six entries: two approvals (stop i-1, start i-2), a freeze, an old one."""
    monkeypatch.setenv("CF_DATA_DIR", str(settings.data_dir))
    database = Database(settings.sql_url)
    database.migrate()
    _request(database, "a1", "ec2.stop_instances", "i-0000000000000001")
    _request(database, "a2", "ec2.start_instances", "i-0000000000000002")
    AuditLog(database, Clock(Clock().now() - timedelta(days=40))).append(
        "carol", "requested", "a1", {"tool": "ec2.stop_instances"}
    )
    audit = AuditLog(database)
    audit.append("alice", "requested", "a2", {"tool": "ec2.start_instances"})
    audit.append("bob", "approved", "a2", {"plan_hash": "x"})
    audit.append("executor", "succeeded", "a2", {})
    audit.append("admin", "freeze-on", None, {"reason": "release"})
    audit.append("bob", "approved", "a1", {"plan_hash": "y"})
    return database


def export(*args: str) -> list[dict[str, object]]:
    result = runner.invoke(cli, ["audit", "export", *args])
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_jsonl_export_carries_the_chain_and_the_approvals_tool_and_resources(db: Database) -> None:
    rows = export()
    assert [row["seq"] for row in rows] == [1, 2, 3, 4, 5, 6]
    assert rows[1]["tool"] == "ec2.start_instances"
    assert rows[1]["resources"] == ["i-0000000000000002"]
    assert rows[2]["prev_hash"] == rows[1]["hash"]
    assert rows[4]["tool"] is None and rows[4]["detail"] == {"reason": "release"}


def test_filters_by_user_tool_resource_and_time(db: Database) -> None:
    assert [r["seq"] for r in export("--user", "bob")] == [3, 6]
    assert [r["seq"] for r in export("--tool", "ec2.stop_instances")] == [1, 6]
    assert [r["seq"] for r in export("--resource", "i-0000000000000002")] == [2, 3, 4]
    assert [r["seq"] for r in export("--since", "30 days ago")] == [2, 3, 4, 5, 6]
    old = (Clock().now() - timedelta(days=30)).date().isoformat()
    assert [r["seq"] for r in export("--until", old)] == [1]
    assert export("--user", "bob", "--tool", "ec2.start_instances")[0]["seq"] == 3


def test_csv_export_to_a_file(db: Database, tmp_path: Path) -> None:
    out = tmp_path / "audit.csv"
    result = runner.invoke(cli, ["audit", "export", "--format", "csv", "--output", str(out)])
    assert result.exit_code == 0, result.output
    assert "Wrote 6 audit entries" in result.output
    with out.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 6
    assert rows[0]["resources"] == "i-0000000000000001"
    assert json.loads(rows[4]["detail"]) == {"reason": "release"}
    assert rows[4]["approval_id"] == ""


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--since", "the day the music died"], "is not a date or time"),
        (["--format", "xml"], "Unknown format 'xml': say jsonl or csv"),
    ],
)
def test_a_bad_filter_is_refused_clearly_and_writes_nothing(
    db: Database, tmp_path: Path, args: list[str], message: str
) -> None:
    out = tmp_path / "audit.jsonl"
    result = runner.invoke(cli, ["audit", "export", *args, "--output", str(out)])
    assert result.exit_code == 2
    assert message in result.output
    assert not out.exists()
