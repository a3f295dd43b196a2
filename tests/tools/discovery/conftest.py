"""Discovery fixtures: a seeded moto estate and a context with few retries."""

from __future__ import annotations

import pytest

from core.aws import AwsClients
from core.db import Database
from core.settings import Settings
from tests.tools.discovery.estate import Estate, seed
from tools.context import ToolContext


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """Shared settings with two retries, so throttling gives up quickly."""
    settings.aws_max_attempts = 2
    settings.aws_regions = ["us-east-1", "eu-west-1"]
    return settings


@pytest.fixture
def estate(aws: AwsClients) -> Estate:
    """The small estate of ``estate.py`` seeded into moto."""
    return seed(aws)


@pytest.fixture
def scan_ctx(ctx: ToolContext, estate: Estate) -> ToolContext:
    """A tool context over the seeded estate."""
    return ctx


@pytest.fixture
def inventory_db(db: Database) -> Database:
    """The migrated store (alias for readability)."""
    return db
