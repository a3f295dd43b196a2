"""Cost anomaly: the cost domain's spike investigation, cited as findings (Cost Explorer seeded)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from core.clock import Clock
from core.sandbox.costs import install_cost_answers
from tests.tools.alerts.playbooks.conftest import ACCOUNT
from tools.alerts.playbooks.models import ReadEvidence, Signal
from tools.alerts.playbooks.service import investigate
from tools.context import ToolContext

pytestmark = pytest.mark.time_sensitive
EC2 = "Amazon Elastic Compute Cloud - Compute"


def test_anomaly_names_the_service_and_the_new_instance(ctx: ToolContext, now: datetime) -> None:
    today = now.date()
    install_cost_answers(
        {
            (today - timedelta(days=age)).isoformat(): {
                EC2: 10.0 if age == 1 else 3.0,
                "Amazon Simple Storage Service": 2.0,
            }
            for age in range(20, 0, -1)
        },
        ACCOUNT,
        Clock(),
    )
    ctx.aws.client("ec2", "us-east-1").run_instances(
        ImageId="ami-12c6146b",
        MinCount=1,
        MaxCount=1,
        InstanceType="m5.4xlarge",
        TagSpecifications=[
            {
                "ResourceType": "instance",
                "Tags": [
                    {"Key": "Name", "Value": "surprise-worker"},
                    {"Key": "team", "Value": "data"},
                ],
            }
        ],
    )
    fired = now - timedelta(days=1)
    result = investigate(ctx, Signal(kind="cost_anomaly", resource="account", fired_at=fired))
    top = result.findings[0]
    assert top.statement.startswith(f"{EC2} (service) added $7.00 over {today - timedelta(days=1)}")
    [spend] = top.evidence
    assert isinstance(spend, ReadEvidence) and spend.facts["window_daily"] == "10.00"
    cause = next(f for f in result.findings if f.statement.startswith("Likely cause"))
    assert "surprise-worker" in cause.statement and "by data" in cause.statement
    assert result.suggested_fix is None


def test_no_cost_history_is_not_checked(ctx: ToolContext, now: datetime) -> None:
    yesterday = (now - timedelta(days=1)).date().isoformat()
    install_cost_answers({yesterday: {EC2: 3.0}}, ACCOUNT, Clock())
    result = investigate(ctx, Signal(kind="cost_anomaly", resource="account", fired_at=now))
    assert result.findings == []
    [gap] = result.not_checked
    assert gap.what == "Cost Explorer spend by day" and "too little daily data" in gap.why
