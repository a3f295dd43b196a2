"""alerts_0001 to alerts_0004 create exactly the tables the models describe, and go down."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import MetaData, inspect

from core.db import Database, alembic_config
from tools.alerts.models import AlertRow, DigestRow, IncidentRow, TimelineRow
from tools.alerts.silences import SilenceRow

TABLES = ("alerts", "alert_incidents", "alert_timeline", "alert_digests", "alert_silences")


def test_the_migration_matches_the_models(db: Database) -> None:
    wanted = MetaData()
    for model in (DigestRow, IncidentRow, AlertRow, TimelineRow, SilenceRow):
        model.__table__.to_metadata(wanted)  # type: ignore[attr-defined]
    with db.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), wanted)
    ours = [d for d in differences if any(table in str(d) for table in TABLES)]
    assert ours == []


def test_the_migration_goes_down_and_up_again(db: Database) -> None:
    with db.engine.begin() as connection:
        config = alembic_config(db.url)
        config.attributes["connection"] = connection
        command.downgrade(config, "alerts@base")
    assert not set(TABLES) & set(inspect(db.engine).get_table_names())
    db.migrate()
    assert set(TABLES) <= set(inspect(db.engine).get_table_names())
