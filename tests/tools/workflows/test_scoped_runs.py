"""A workflow created in a scoped channel runs its steps with that channel's scope: its reads
see only the channel's accounts."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest

from bot.app import CloudFabric, create_app
from core.aws import AwsClients
from core.settings import ChannelScope, Settings
from tests.tools.workflows.conftest import create_through_approval
from tests.tools.workflows.test_runs import FIRE, Posted, runner_for
from tools.workflows.stepping import step_records

REQUEST = "every weekday at 7pm stop the instances tagged env=dev and tell #dev"


@pytest.fixture
def scoped_app(settings: Settings, aws: AwsClients) -> Iterator[CloudFabric]:
    """The workflows' channel (C1) is scoped to an account that is not moto's."""
    scopes = {"C1": ChannelScope(accounts={"222222222222": "elsewhere"})}
    built = create_app(settings.model_copy(update={"channel_scopes": scopes}), aws=aws)
    yield built
    built.close()


def test_a_scoped_workflows_reads_see_only_its_channels_accounts(
    scoped_app: CloudFabric, app: CloudFabric, dev_estate: dict[str, str]
) -> None:
    (name,) = create_through_approval(scoped_app, REQUEST)
    run = runner_for(scoped_app, Posted()).fire(name, FIRE)
    records = {r.id: r for r in step_records(run)}
    assert records["find"].status == "succeeded"
    assert records["find"].output["instances"] == []  # the dev instances are in moto's account
    assert run.approval_id is None  # nothing to stop, nothing filed

    # the same workflow fired by a replica with no channel scoped (the one store) sees them
    unscoped = runner_for(app, Posted()).fire(name, FIRE + timedelta(days=1))
    found = {r.id: r for r in step_records(unscoped)}["find"].output["instances"]
    assert {i["instance_id"] for i in found} == {dev_estate["dev-1"], dev_estate["dev-2"]}
