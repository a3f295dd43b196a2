"""A database, a bucket and an instance on moto, and a clock the tests move (time-machine)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
import time_machine

from tests.estate import launch
from tools.context import ToolContext
from tools.plan import ActionPlan
from tools.registry import load_builtin_tools

START = datetime(2027, 1, 4, 2, 0, tzinfo=UTC)


@pytest.fixture
def travel() -> Iterator[Any]:
    """The clock stands at ``START`` until a test moves it (``travel.move_to``)."""
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def database(ctx: ToolContext, travel: Any) -> str:
    """PostgreSQL ``db-prod`` (20 GB) in us-east-1."""
    ctx.aws.client("rds", "us-east-1").create_db_instance(
        DBInstanceIdentifier="db-prod",
        DBInstanceClass="db.m5.large",
        Engine="postgres",
        AllocatedStorage=20,
        MasterUsername="app",
        MasterUserPassword="sandbox-only-password",
    )
    return "db-prod"


@pytest.fixture
def instance(ctx: ToolContext, travel: Any) -> str:
    """``web-1`` with its 8 GB root volume, in us-east-1."""
    return launch(ctx.aws, "web-1", env="prod")


def plan_of(ctx: ToolContext, name: str, **args: Any) -> ActionPlan:
    """The plan ``name`` previews for ``args``."""
    spec = load_builtin_tools().get(name)
    assert spec.preview is not None
    return spec.preview(ctx, spec.args_model(**args))


def execute(ctx: ToolContext, plan: ActionPlan) -> Any:
    """Run an approved plan the way the approval executor does (the tool's handler)."""
    return load_builtin_tools().get(plan.tool).handler(ctx, plan)
