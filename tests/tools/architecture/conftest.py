"""Architecture test helpers: a tool context on moto with the sandbox IPAM tree, and calls made
the way the agent and the approval executor make them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from core.settings import Settings
from tools.architecture.sandbox_pools import seed_sandbox_pools
from tools.context import ToolContext
from tools.plan import ActionPlan
from tools.registry import load_builtin_tools

REQUESTS = {
    "We need a web app with a Postgres database in eu-west-1 for prod, about 2k requests/s.": (
        "three-tier-web",
        "eu-west-1",
        "prod",
    ),
    "Customer portal on containers with MySQL and a Redis cache, production, 300 rps": (
        "three-tier-web",
        "us-east-1",
        "prod",
    ),
    "a serverless REST API for our mobile app in us-east-1, spiky traffic, 50 GB of data": (
        "serverless-api",
        "us-east-1",
        "dev",
    ),
    "static marketing site behind a CDN in eu-central-1, 20 GB of assets, 100 requests a second": (
        "static-site",
        "eu-central-1",
        "dev",
    ),
    "background workers draining a queue, 200 jobs per second in eu-west-1 for staging": (
        "queue-workers",
        "eu-west-1",
        "staging",
    ),
    "job queue with workers and a topic to fan out events, plus postgres, prod in us-east-1": (
        "queue-workers",
        "us-east-1",
        "prod",
    ),
    "an ETL data pipeline ingesting 500 GB of CSV files for prod in eu-west-1": (
        "pipeline",
        "eu-west-1",
        "prod",
    ),
    "Prod web application with Aurora in ap-southeast-2, about 800 requests per second": (
        "three-tier-web",
        "ap-southeast-2",
        "prod",
    ),
}
"""Eight differently worded requests across the five patterns: (pattern, region, environment)."""
INSECURE = "web app with a public database and ssh open to the world in us-east-1 for prod"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Sandbox settings with fast change-set and stack polling."""
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        data_dir=tmp_path / "cf",
        aws_mode="sandbox",
        model_provider="offline",
        architecture_poll_seconds=0.01,
    )


@pytest.fixture
def arch_ctx(ctx: ToolContext) -> ToolContext:
    """A context on moto with the sandbox's IPAM pool tree."""
    seed_sandbox_pools(ctx.db, ctx.clock)
    return ctx


def call(ctx: ToolContext, name: str, /, **args: Any) -> Any:
    """Call a read-only tool the way the agent does."""
    spec = load_builtin_tools().get(name)
    assert not spec.mutating
    return spec.handler(ctx, spec.args_model(**args))


def preview(ctx: ToolContext, name: str, /, **args: Any) -> ActionPlan:
    """A mutating tool's plan after a round trip through JSON, like a stored approval."""
    spec = load_builtin_tools().get(name)
    assert spec.preview is not None
    plan = spec.preview(ctx, spec.args_model(**args))
    return ActionPlan.model_validate_json(plan.canonical_json())


def execute(ctx: ToolContext, plan: ActionPlan) -> BaseModel:
    """Run an approved plan as the executor does."""
    return load_builtin_tools().get(plan.tool).handler(ctx, plan)
