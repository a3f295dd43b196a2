"""The Block Kit view of an investigation, bad signals refused clearly, and the fix contract."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import get_args

import pytest
from pydantic import ValidationError

from tools.actions.ec2_resize import ModifyInstanceTypeArgs
from tools.alerts.playbooks.fixes import FIX_TOOLS, FixTool, SuggestedFix, TimeoutArgs
from tools.alerts.playbooks.models import (
    EventEvidence,
    Finding,
    GraphEvidence,
    Investigation,
    MetricEvidence,
    MetricRef,
    NotChecked,
    Signal,
)
from tools.alerts.playbooks.render import render_investigation
from tools.blocks import to_text
from tools.ec2.models import PowerArgs
from tools.registry import load_builtin_tools

AT = datetime(2027, 3, 1, 9, 30, tzinfo=UTC)


def _investigation(fix: SuggestedFix | None) -> Investigation:
    cpu = MetricEvidence(
        metric=MetricRef(
            namespace="AWS/EC2", name="CPUUtilization", dimensions={"InstanceId": "i-0abc"}
        ),
        statistic="Average",
        start=AT - timedelta(hours=1),
        end=AT + timedelta(minutes=30),
        period_seconds=300,
        datapoints=18,
        average=71.5,
        peak=99.0,
        lowest=20.0,
        latest=97.0,
    )
    who = EventEvidence(
        source="cloudtrail",
        event_id="e-1",
        name="ModifyInstanceAttribute",
        user="bob <@U123>",
        at=AT - timedelta(hours=2),
    )
    path = GraphEvidence(path=["jump (i-0abc)", "sg-1"], edges=["SECURED_BY"])
    return Investigation(
        signal=Signal(kind="ec2_cpu_high", resource="i-0abc", fired_at=AT),
        title="EC2 CPU high: i-0abc",
        findings=[
            Finding(statement="CPU peaked at 99%.", weight=80, evidence=[cpu]),
            Finding(
                statement="CloudTrail: ModifyInstanceAttribute by bob.",
                weight=45,
                evidence=[who, path],
            ),
        ],
        not_checked=[
            NotChecked(
                what="status checks of i-0abc",
                why="AccessDenied: the role lacks ec2:DescribeInstanceStatus.",
            )
        ],
        suggested_fix=fix,
        investigated_at=AT,
    )


def test_view_ranks_findings_with_evidence_gaps_and_the_fix() -> None:
    fix = SuggestedFix(
        tool="ec2.modify_instance_type",
        args=ModifyInstanceTypeArgs(target="i-0abc", instance_type="t3.small", region="us-east-1"),
        why="CPU peaked at 99%; t3.small is one size up from t3.micro.",
    )
    shown = to_text(render_investigation(_investigation(fix)))
    lines = shown.splitlines()
    assert lines[0] == "EC2 CPU high: i-0abc"
    assert lines.index("*1.* CPU peaked at 99%.") < lines.index(
        "*2.* CloudTrail: ModifyInstanceAttribute by bob."
    )
    assert (
        "metric AWS/EC2 CPUUtilization (InstanceId=i-0abc), Average per 5 min, "
        "2027-03-01 08:30 to 10:00 UTC: average 71.5, peak 99" in shown
    )
    event = "cloudtrail event ModifyInstanceAttribute by bob &lt;@U123&gt; at 2027-03-01 07:30"
    assert event in shown
    assert "graph path: jump (i-0abc) -SECURED_BY-&gt; sg-1" in shown
    assert "*Not checked*\n• status checks of i-0abc: AccessDenied" in shown
    assert (
        "*Suggested fix* (needs approval): `ec2.modify_instance_type` target=i-0abc, "
        "instance_type=t3.small, region=us-east-1" in shown
    )


def test_view_without_a_fix_says_so() -> None:
    shown = to_text(render_investigation(_investigation(None)))
    assert "No fix suggested" in shown


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("kind", "disk_full", "Input should be 'ec2_cpu_high'"),
        ("resource", "", "at least 1 character"),
        ("fired_at", "yesterday-ish", "valid datetime"),
        ("region", "us-est-1", "is not an AWS region. Did you mean"),
    ],
)
def test_bad_signal_is_refused_with_a_clear_message(field: str, value: str, message: str) -> None:
    given = {"kind": "ec2_cpu_high", "resource": "i-0abc", "fired_at": AT.isoformat(), field: value}
    with pytest.raises(ValidationError) as raised:
        Signal.model_validate(given)
    assert field in str(raised.value) and message in str(raised.value)


def test_naive_fire_time_is_utc() -> None:
    signal = Signal(kind="alb_5xx", resource="arn:x", fired_at="2028-02-29T12:00:00")
    assert signal.fired_at == datetime(2028, 2, 29, 12, 0, tzinfo=UTC)


def test_fix_arguments_must_fit_the_tool() -> None:
    with pytest.raises(ValidationError, match=r"lambda\.set_timeout takes TimeoutArgs"):
        SuggestedFix(tool="lambda.set_timeout", args=PowerArgs(targets=["i-0abc"]), why="x")
    fix = SuggestedFix(
        tool="lambda.set_timeout",
        why="x",
        args=TimeoutArgs(target="f", seconds=6, region="us-east-1"),
    )
    assert SuggestedFix.model_validate(fix.model_dump()).call() == fix.call()


def test_existing_fix_tools_are_registered_mutating_tools_with_these_arguments() -> None:
    assert set(get_args(FixTool)) == set(FIX_TOOLS)
    registry = load_builtin_tools()
    for name in FIX_TOOLS:
        spec = registry.get(name)
        assert spec.mutating and spec.args_model is FIX_TOOLS[name]
