"""Fixtures of the end-to-end tests that start real ``serve`` and ``worker`` processes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from agents.checkpoint import open_checkpoints
from core.db import Database
from tests.e2e.slack_processes import Replicas
from tests.fakes.slack_server import FakeSlack


@pytest.fixture
def slack_replicas(
    tmp_path: Path, own_postgres_url: str, redis_url: str, slack: FakeSlack
) -> Iterator[Replicas]:
    """The test's ``serve`` and ``worker`` processes, answering in the fake Slack ``slack``
    (the test module provides that fixture), on a database of their own: migrated first, as a
    deploy does, so that they can start together. They share the machine's Redis (its test
    database, flushed), as replicas do, unless the test sets another ``redis_url`` (or "")
    before starting them; more settings go in ``settings``. All are killed at the end."""
    database = Database(own_postgres_url)
    database.migrate()
    database.dispose()
    open_checkpoints(own_postgres_url, tmp_path).close()
    started = Replicas(tmp_path, own_postgres_url, slack.api_url, redis_url)
    yield started
    started.stop_all()
