"""IPAM test helpers: a tool context over SQLite or PostgreSQL, and an approve-and-run helper."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import BaseModel
from sqlalchemy import text

from core.aws import AwsClients
from core.db import Database
from core.settings import Settings
from tools.context import ToolContext
from tools.plan import ActionPlan
from tools.registry import REGISTRY, load_builtin_tools

IPAM_TABLES = ("ipam_changes", "ipam_allocations", "ipam_pools")


@pytest.fixture(params=["sqlite", "postgres"])
def store_ctx(request: pytest.FixtureRequest, settings: Settings) -> Iterator[ToolContext]:
    """A tool context acting as 'alice' over a migrated store (SQLite, then PostgreSQL)."""
    if request.param == "postgres":
        url = request.getfixturevalue("postgres_url")
    else:
        url = settings.sql_url
    database = Database(url)
    database.migrate()
    with database.engine.begin() as connection:
        for table in IPAM_TABLES:
            connection.execute(text(f"DELETE FROM {table}"))
    yield ToolContext(
        settings=settings, aws=AwsClients(settings, sandbox=True), db=database, actor="alice"
    )
    database.dispose()


def preview(ctx: ToolContext, name: str, /, **args: Any) -> ActionPlan:
    """The plan a mutating tool proposes, after a round trip through JSON like a stored plan."""
    spec = load_builtin_tools().get(name)
    assert spec.preview is not None
    plan = spec.preview(ctx, spec.args_model(**args))
    return ActionPlan.model_validate_json(plan.canonical_json())


def execute(ctx: ToolContext, plan: ActionPlan) -> Any:
    """Run an approved plan the way the approval executor does."""
    return REGISTRY.get(plan.tool).handler(ctx, plan)


def approve_and_run(ctx: ToolContext, name: str, /, **args: Any) -> Any:
    """Preview then execute a mutating tool."""
    return execute(ctx, preview(ctx, name, **args))


def call(ctx: ToolContext, name: str, /, **args: Any) -> BaseModel:
    """Call a read-only tool."""
    spec = load_builtin_tools().get(name)
    assert not spec.mutating
    return spec.handler(ctx, spec.args_model(**args))
