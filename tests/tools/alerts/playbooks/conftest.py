"""A frozen clock, seeded CloudWatch metrics and CloudTrail events, and refusing AWS clients.

The clock stands still at the current minute (whatever the date), and every alarm fires ten
minutes before it, so the tests read the same windows on any day.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import datetime, timedelta
from typing import Any

import pytest
import time_machine
from botocore.stub import Stubber

from core.aws import AwsClients
from core.clock import Clock
from core.sandbox.trail import TrailEvent, install_trail_answers
from tools.context import ToolContext

ACCOUNT = "123456789012"
REGION = "us-east-1"


@pytest.fixture
def now() -> Iterator[datetime]:
    """The frozen current minute."""
    moment = Clock().now().replace(second=0, microsecond=0)
    with time_machine.travel(moment, tick=False):
        yield moment


@pytest.fixture
def fired(now: datetime) -> datetime:
    """When the alarm fired: ten minutes ago."""
    return now - timedelta(minutes=10)


def put_metric(
    aws: AwsClients,
    namespace: str,
    name: str,
    dimensions: dict[str, str],
    values: Sequence[float],
    last: datetime,
    step: timedelta = timedelta(minutes=5),
) -> None:
    """Write ``values`` as datapoints ending at ``last``, one every ``step``.

    Args:
        aws: clients over moto.
        namespace: CloudWatch namespace.
        name: metric name.
        dimensions: name -> value.
        values: oldest first.
        last: timestamp of the last value.
        step: spacing of the values.
    """
    dims = [{"Name": k, "Value": v} for k, v in dimensions.items()]
    data = [
        {
            "MetricName": name,
            "Dimensions": dims,
            "Value": value,
            "Timestamp": last - step * (len(values) - 1 - i),
        }
        for i, value in enumerate(values)
    ]
    aws.client("cloudwatch", REGION).put_metric_data(Namespace=namespace, MetricData=data)


def trail_event(
    name: str, user: str, at: datetime, resource: tuple[str, str], **request: Any
) -> TrailEvent:
    """One CloudTrail management event in the test account and region.

    Args:
        name: API call.
        user: IAM user name.
        at: when.
        resource: (ResourceType, ResourceName).
        request: requestParameters.
    """
    return TrailEvent(name, user, at, ACCOUNT, REGION, (resource,), request)


@pytest.fixture(autouse=True)
def quiet_trail(aws_mock: None) -> None:
    """CloudTrail answers LookupEvents (with nothing until a test seeds events)."""
    install_trail_answers([])


@pytest.fixture
def trail() -> Callable[..., None]:
    """Seeds CloudTrail ``LookupEvents`` answers: ``trail(event, ...)``."""

    def seed(*events: TrailEvent) -> None:
        install_trail_answers(list(events))

    return seed


@pytest.fixture
def refuse(ctx: ToolContext) -> Callable[[str, str, str], None]:
    """``refuse(service, operation, code)``: that service's client answers the operation with
    the error code (botocore Stubber), as an IAM role without the permission does."""
    refused: dict[str, list[tuple[str, str]]] = {}

    def hook(service: str, region: str, account: str | None, client: Any) -> None:
        if service not in refused:
            return
        stubber = Stubber(client)
        for operation, code in refused[service]:
            for _ in range(5):
                stubber.add_client_error(operation, service_error_code=code, http_status_code=403)
        stubber.activate()

    ctx.aws.on_new_client(hook)

    def add(service: str, operation: str, code: str) -> None:
        refused.setdefault(service, []).append((operation, code))

    return add


@pytest.fixture
def answer(ctx: ToolContext) -> Callable[[str, str, dict[str, Any]], None]:
    """``answer(service, operation, response)``: that service's client answers the operations
    queued, in order, with these responses (botocore Stubber, for what moto lacks)."""
    queued: dict[str, list[tuple[str, dict[str, Any]]]] = {}

    def hook(service: str, region: str, account: str | None, client: Any) -> None:
        if service not in queued:
            return
        stubber = Stubber(client)
        for operation, response in queued[service]:
            stubber.add_response(operation, response)
        stubber.activate()

    ctx.aws.on_new_client(hook)

    def add(service: str, operation: str, response: dict[str, Any]) -> None:
        queued.setdefault(service, []).append((operation, response))

    return add


READ_PREFIXES = ("Describe", "Get", "List", "LookupEvents")
"""Operations that only read."""
