"""An instance stopped or terminated: who did it, from CloudTrail records shaped like real ones."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timedelta

import pytest

from tests.conftest import SHARED
from tests.estate import launch
from tests.tools.alerts.playbooks.conftest import trail_event
from tools.alerts.playbooks.models import EventEvidence, ReadEvidence, Signal
from tools.alerts.playbooks.service import investigate
from tools.context import ToolContext

pytestmark = pytest.mark.time_sensitive
RECORDS = SHARED / "fixtures" / "aws-cloudtrail"


def _record(name: str) -> dict[str, object]:
    record: dict[str, object] = json.loads((RECORDS / name).read_text())["Records"][0]
    return record


def test_stop_names_who_stopped_it(
    ctx: ToolContext, fired: datetime, trail: Callable[..., None]
) -> None:
    instance_id = launch(ctx.aws, "batch-1")
    ctx.aws.client("ec2", "us-east-1").stop_instances(InstanceIds=[instance_id])
    record = _record("record_ec2_stop_instances.json")
    user = record["userIdentity"]["userName"]  # type: ignore[index]
    stopped = trail_event(
        str(record["eventName"]),
        user,
        fired - timedelta(minutes=1),
        ("AWS::EC2::Instance", instance_id),
        **record["requestParameters"],  # type: ignore[arg-type]
    )
    trail(stopped)
    signal = Signal(kind="instance_state_change", resource=instance_id, fired_at=fired)
    result = investigate(ctx, signal)
    top = result.findings[0]
    assert top.statement.startswith(f"Alice called StopInstances at {stopped.at:%Y-%m-%dT%H:%M}")
    [event] = top.evidence
    assert isinstance(event, EventEvidence) and event.event_id == stopped.event_id
    now = next(f for f in result.findings if f.statement.startswith(f"batch-1 ({instance_id}) is"))
    [read] = now.evidence
    assert isinstance(read, ReadEvidence) and read.facts["state"] == "stopped"
    assert result.suggested_fix is None


def test_no_trail_record_points_at_aws_itself(ctx: ToolContext, fired: datetime) -> None:
    instance_id = launch(ctx.aws, "spot-1")
    ctx.aws.client("ec2", "us-east-1").terminate_instances(InstanceIds=[instance_id])
    signal = Signal(kind="instance_state_change", resource=instance_id, fired_at=fired)
    result = investigate(ctx, signal)
    assert result.findings[0].statement.startswith("CloudTrail records no start, stop or terminate")
    assert any("is terminated now" in f.statement for f in result.findings)
