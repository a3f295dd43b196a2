"""Lambda duration, throttles and errors on moto: metrics against the function's own settings."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from datetime import datetime, timedelta

import pytest

from core.sandbox.trail import TrailEvent
from tests.tools.alerts.playbooks.conftest import put_metric, trail_event
from tools.alerts.playbooks.models import EventEvidence, Signal
from tools.alerts.playbooks.service import investigate
from tools.context import ToolContext

pytestmark = pytest.mark.time_sensitive


def _function(ctx: ToolContext, name: str, timeout: int, reserved: int | None = None) -> str:
    role = ctx.aws.client("iam", "us-east-1").create_role(
        RoleName=f"{name}-role", AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17"})
    )["Role"]["Arn"]
    code = io.BytesIO()
    with zipfile.ZipFile(code, "w") as archive:
        archive.writestr("app.py", "def handler(event, context):\n    return event\n")
    client = ctx.aws.client("lambda", "us-east-1")
    arn = client.create_function(
        FunctionName=name,
        Runtime="python3.12",
        Role=role,
        Handler="app.handler",
        Code={"ZipFile": code.getvalue()},
        Timeout=timeout,
        MemorySize=256,
    )["FunctionArn"]
    if reserved is not None:
        client.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=reserved)
    return str(arn)


def _metric(ctx: ToolContext, name: str, metric: str, values: list[float], at: datetime) -> None:
    put_metric(ctx.aws, "AWS/Lambda", metric, {"FunctionName": name}, values, last=at)


def test_runs_hitting_the_timeout_get_a_longer_one(ctx: ToolContext, fired: datetime) -> None:
    arn = _function(ctx, "resize-images", timeout=3)
    _metric(ctx, "resize-images", "Duration", [800, 1900, 2950, 2990], fired)
    result = investigate(ctx, Signal(kind="lambda_duration", resource=arn, fired_at=fired))
    assert result.findings[0].statement == (
        "The longest run took 3.0 s of a 3 s timeout (100%) — runs are hitting the timeout."
    )
    config = next(f for f in result.findings if "runs with 256 MB" in f.statement)
    assert "a 3 s timeout and reserved concurrency unset" in config.statement
    fix = result.suggested_fix
    assert fix is not None and fix.tool == "lambda.set_timeout"
    assert fix.call()[1] == {
        "target": "resize-images",
        "seconds": 6,
        "region": "us-east-1",
    }


def test_throttled_function_gets_more_reserved_concurrency(
    ctx: ToolContext, fired: datetime
) -> None:
    _function(ctx, "checkout", timeout=30, reserved=5)
    _metric(ctx, "checkout", "Throttles", [0, 12, 30], fired)
    _metric(ctx, "checkout", "Duration", [200, 250, 240], fired)
    result = investigate(ctx, Signal(kind="lambda_throttles", resource="checkout", fired_at=fired))
    assert result.findings[0].statement == "42 invocations were throttled around the alarm."
    fix = result.suggested_fix
    assert fix is not None and fix.tool == "lambda.set_reserved_concurrency"
    assert fix.call()[1]["concurrency"] == 10
    assert "reserved concurrency 5" in fix.why


def test_errors_cite_the_deploy_before_them(
    ctx: ToolContext, fired: datetime, trail: Callable[..., None]
) -> None:
    _function(ctx, "billing", timeout=30)
    _metric(ctx, "billing", "Errors", [0, 0, 9, 14], fired)
    deployed: TrailEvent = trail_event(
        "UpdateFunctionCode20150331v2",
        "dana",
        fired - timedelta(minutes=25),
        ("AWS::Lambda::Function", "billing"),
        functionName="billing",
    )
    trail(deployed)
    result = investigate(ctx, Signal(kind="lambda_errors", resource="billing", fired_at=fired))
    assert result.findings[0].statement == "23 invocations failed around the alarm."
    deploy = next(f for f in result.findings if f.statement.startswith("CloudTrail:"))
    [event] = deploy.evidence
    assert isinstance(event, EventEvidence) and event.event_id == deployed.event_id
    assert (event.user, event.at) == ("dana", fired - timedelta(minutes=25))
    assert result.suggested_fix is None
