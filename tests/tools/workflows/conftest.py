"""Workflow test helpers: CloudFabric over moto with a small estate, and creation through the
approval gate the way chat does it (plan, request as the asker, approve as someone else)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.app import CloudFabric, create_app
from core.aws import AwsClients
from core.settings import Settings
from tests.estate import launch
from tools.workflows.models import CreateArgs
from tools.workflows.preview import preview_create


@pytest.fixture
def app(settings: Settings, aws: AwsClients) -> Iterator[CloudFabric]:
    built = create_app(settings, aws=aws)
    yield built
    built.close()


@pytest.fixture
def dev_estate(aws: AwsClients) -> dict[str, str]:
    """Two dev instances and one prod instance (tag ``env``)."""
    return {
        "dev-1": launch(aws, "dev-1", env="dev"),
        "dev-2": launch(aws, "dev-2", env="dev"),
        "prod-1": launch(aws, "prod-1", env="prod"),
    }


def create_through_approval(
    app: CloudFabric,
    request: str,
    asker: str = "alice",
    approver: str = "bob",
    resources: list[str] | None = None,
) -> list[str]:
    """Create the workflow(s) ``request`` asks for, approved by someone else; their names.
    ``resources`` are the names chat linked to real things in the request."""
    args = CreateArgs(request=request, resources=resources or [])
    plan = preview_create(app.context_for(asker), args)
    filed = app.approvals.request(plan, asker, conversation_id="T1:C1:1.0")
    final = app.approvals.approve(filed.id, approver)
    assert final.state == "SUCCEEDED", final
    return [spec["name"] for spec in plan.args["specs"]]
