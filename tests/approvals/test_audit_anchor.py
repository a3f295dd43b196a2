"""`cloudfabric audit verify` against the anchor: deleted rows (newest included), edited rows,
a rebuilt chain and a forged checkpoint are reported with their sequence numbers; pruning
behind a signed checkpoint still verifies. On SQLite and on PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from click.testing import Result
from sqlalchemy import text
from sqlmodel import col, select
from typer.testing import CliRunner

from approvals.audit import AuditLog, entry_hash
from approvals.models import AuditEntry
from bot.cli import app as cli
from core.clock import Clock
from core.db import Database
from core.settings import Settings

runner = CliRunner()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def cf(
    request: pytest.FixtureRequest, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> Settings:
    """Settings the CLI reads from the environment, on SQLite or a fresh PostgreSQL database."""
    monkeypatch.setenv("CF_DATA_DIR", str(settings.data_dir))
    update: dict[str, object] = {}
    if request.param == "postgres":
        url = request.getfixturevalue("own_postgres_url")
        monkeypatch.setenv("CF_DATABASE_URL", url)
        update["database_url"] = url
    return settings.model_copy(update=update)


def log_with(cf: Settings, entries: int, days_ago: int = 0) -> tuple[Database, AuditLog]:
    """The audit log anchored to the default file, with ``entries`` appended ``days_ago``."""
    from approvals.audit_anchor import anchor_for

    db = Database(cf.sql_url)
    db.migrate()
    clock = Clock(Clock().now() - timedelta(days=days_ago))
    audit = AuditLog(db, clock, anchor_for(cf))
    for n in range(entries):
        audit.append("alice", "requested", f"id{n}", {"n": n})
    return db, audit


def verify() -> Result:
    return runner.invoke(cli, ["audit", "verify"])


def sql(db: Database, statement: str) -> None:
    with db.engine.begin() as connection:
        connection.execute(text(statement))


def test_an_untouched_log_verifies_against_its_anchor(cf: Settings) -> None:
    log_with(cf, 5)
    result = verify()
    assert result.exit_code == 0, result.output
    assert "5 entries verified" in result.output
    assert "newest anchored entry: 5" in result.output
    assert cf.audit_anchor_path.read_text().count("\n") == 5


def test_deleting_the_newest_entries_is_detected(cf: Settings) -> None:
    db, _audit = log_with(cf, 5)
    sql(db, "DELETE FROM audit_entry WHERE seq >= 4")  # the chain of 1..3 is still intact
    result = verify()
    assert result.exit_code == 1
    assert "BROKEN at entry 4: it is missing, but the anchor recorded it" in result.output
    assert "BROKEN at entry 5: it is missing" in result.output


def test_deleting_a_middle_entry_is_detected(cf: Settings) -> None:
    db, _audit = log_with(cf, 5)
    sql(db, "DELETE FROM audit_entry WHERE seq = 3")
    result = verify()
    assert result.exit_code == 1
    assert "BROKEN at entry 3: it is missing" in result.output
    assert "BROKEN at entry 4: its link to the previous entry is broken" in result.output


def test_editing_an_entry_is_detected(cf: Settings) -> None:
    db, _audit = log_with(cf, 5)
    sql(db, "UPDATE audit_entry SET actor = 'mallory' WHERE seq = 2")
    result = verify()
    assert result.exit_code == 1
    assert "BROKEN at entry 2: its content does not match its hash" in result.output


def test_a_rebuilt_chain_is_caught_by_the_anchor_alone(cf: Settings) -> None:
    """Editing a row and recomputing every hash after it leaves a chain that links; the
    anchor still remembers the old hashes."""
    db, _audit = log_with(cf, 4)
    with db.session() as session:
        rows = session.exec(select(AuditEntry).order_by(col(AuditEntry.seq))).all()
        previous = rows[1].hash
        for row in rows[2:]:
            row.actor = "mallory" if row.seq == 3 else row.actor
            row.prev_hash, row.hash = previous, ""
            row.hash = previous = entry_hash(row)
            session.add(row)
            session.flush()
    result = verify()
    assert result.exit_code == 1
    assert "link" not in result.output and "content" not in result.output
    assert "BROKEN at entry 3: its hash differs from the one the anchor recorded" in result.output
    assert "BROKEN at entry 4: its hash differs" in result.output


def test_pruning_keeps_a_signed_checkpoint_and_the_rest_verifies(cf: Settings) -> None:
    db, _old = log_with(cf, 3, days_ago=100)
    log_with(cf, 2)
    pruned = runner.invoke(cli, ["audit", "prune", "--days", "30"])
    assert pruned.exit_code == 0, pruned.output
    assert "Pruned 3 audit entries up to entry 3" in pruned.output
    with db.session() as session:
        assert [e.seq for e in session.exec(select(AuditEntry))] == [4, 5]
    result = verify()
    assert result.exit_code == 0, result.output
    assert "2 entries verified" in result.output
    assert "signed checkpoint at entry 3 (3 entries pruned)" in result.output
    again = runner.invoke(cli, ["audit", "prune", "--days", "30"])
    assert "nothing pruned" in again.output


def test_a_forged_checkpoint_is_detected(cf: Settings) -> None:
    db, _old = log_with(cf, 3, days_ago=100)
    log_with(cf, 3)
    assert runner.invoke(cli, ["audit", "prune", "--days", "30"]).exit_code == 0
    with db.session() as session:
        fourth = session.exec(select(AuditEntry).where(AuditEntry.seq == 4)).one()
    # hide entry 4 behind a checkpoint of one's own making
    sql(db, "DELETE FROM audit_entry WHERE seq = 4")
    sql(
        db,
        f"UPDATE audit_checkpoint SET seq = 4, hash = '{fourth.hash}', pruned = 4, "
        "total_pruned = 4",
    )
    result = verify()
    assert result.exit_code == 1
    assert "BROKEN at entry 4: the checkpoint of the pruned entries is forged" in result.output


def test_retention_zero_prunes_nothing(cf: Settings) -> None:
    log_with(cf, 2, days_ago=400)
    result = runner.invoke(cli, ["audit", "prune"])
    assert result.exit_code == 0
    assert "keep forever" in result.output
    assert "2 entries verified" in verify().output
