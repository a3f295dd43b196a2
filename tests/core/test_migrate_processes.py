"""``cloudfabric migrate`` in several processes at once on an empty PostgreSQL database: every
one succeeds and the schema ends at every branch's head, with the checkpoint tables set up once
and the durable engine's tables in their schema."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect, text

from core.db import alembic_config
from tests.conftest import child_env

PROCESSES = 4


@pytest.mark.postgres
@pytest.mark.slow
def test_replicas_migrating_at_once_all_succeed(own_postgres_url: str, tmp_path: Path) -> None:
    env = child_env(
        CF_DATABASE_URL=own_postgres_url, CF_DATA_DIR=str(tmp_path), CF_DURABLE_ENABLED="true"
    )
    command = [sys.executable, "-m", "bot", "migrate"]
    children = [
        subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for _ in range(PROCESSES)
    ]
    outcomes = [(child.wait(timeout=180), child.communicate()) for child in children]

    assert [code for code, _ in outcomes] == [0] * PROCESSES, [err for _, (_, err) in outcomes]
    assert all(b"Schema up to date." in out for _, (out, _) in outcomes)
    heads = set(ScriptDirectory.from_config(alembic_config(own_postgres_url)).get_heads())
    engine = create_engine(own_postgres_url)
    with engine.connect() as connection:
        applied = {
            row[0] for row in connection.execute(text("SELECT version_num FROM alembic_version"))
        }
        steps = [row[0] for row in connection.execute(text("SELECT v FROM checkpoint_migrations"))]
    tables = set(inspect(engine).get_table_names())
    engine_tables = set(inspect(engine).get_table_names(schema="dbos"))
    engine.dispose()
    assert applied == heads
    assert sorted(steps) == sorted(set(steps))  # each checkpoint migration recorded once
    assert {"approval_request", "coordination_dedupe", "checkpoints", "workflow_runs"} <= tables
    assert {"workflow_status", "operation_outputs"} <= engine_tables  # the durable engine's
