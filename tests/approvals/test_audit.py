"""The audit log's hash chain: intact after concurrent appends, broken by any edit."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from approvals.audit import AuditLog
from bot.cli import app as cli
from core.db import Database
from core.settings import Settings


def test_concurrent_appends_keep_one_unbroken_chain(db: Database) -> None:
    audit = AuditLog(db)
    with ThreadPoolExecutor(max_workers=16) as pool:
        list(pool.map(lambda n: audit.append(f"user{n}", "requested", None, {"n": n}), range(64)))
    entries = audit.entries()
    assert len(entries) == 64
    assert len({e.prev_hash for e in entries}) == 64
    assert audit.verify() is None


@pytest.mark.parametrize(
    ("column", "value", "reason"),
    [
        ("actor", "'mallory'", "content does not match its hash"),
        ("detail_json", "'{}'", "content does not match its hash"),
        ("prev_hash", "'" + "f" * 64 + "'", "link to the previous entry is broken"),
    ],
)
def test_tampered_row_fails_cli_verify(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, column: str, value: str, reason: str
) -> None:
    monkeypatch.setenv("CF_DATA_DIR", str(settings.data_dir))
    db = Database(settings.sql_url)
    db.migrate()
    audit = AuditLog(db)
    for n in range(5):
        audit.append("alice", "requested", f"id{n}", {"n": n})
    runner = CliRunner()
    intact = runner.invoke(cli, ["audit", "verify"])
    assert intact.exit_code == 0, intact.output
    assert "5 entries verified" in intact.output

    with db.engine.begin() as connection:
        connection.execute(text(f"UPDATE audit_entry SET {column} = {value} WHERE seq = 3"))
    broken = runner.invoke(cli, ["audit", "verify"])
    assert broken.exit_code == 1
    assert f"BROKEN at entry 3: its {reason}" in broken.output


def test_deleted_middle_row_breaks_the_chain(db: Database) -> None:
    audit = AuditLog(db)
    for n in range(4):
        audit.append("alice", "requested", None, {"n": n})
    with db.engine.begin() as connection:
        connection.execute(text("DELETE FROM audit_entry WHERE seq = 2"))
    broken = audit.verify()
    assert broken is not None
    assert broken.seq == 3
