"""RDS storage and connections on moto: the metric, the instance's facts, the storage fix."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from tests.tools.alerts.playbooks.conftest import put_metric
from tools.alerts.playbooks.models import MetricEvidence, MetricRef, ReadEvidence, Signal
from tools.alerts.playbooks.service import investigate
from tools.context import ToolContext

pytestmark = pytest.mark.time_sensitive
GIB = 1024**3


def _database(ctx: ToolContext) -> str:
    ctx.aws.client("rds", "us-east-1").create_db_instance(
        DBInstanceIdentifier="db-prod",
        DBInstanceClass="db.m5.large",
        Engine="postgres",
        AllocatedStorage=20,
        MasterUsername="app",
        MasterUserPassword="sandbox-only-password",
    )
    return "db-prod"


def test_nearly_full_database_gets_more_storage(ctx: ToolContext, fired: datetime) -> None:
    db = _database(ctx)
    put_metric(
        ctx.aws,
        "AWS/RDS",
        "FreeStorageSpace",
        {"DBInstanceIdentifier": db},
        [4 * GIB, 3 * GIB, 1.5 * GIB, 1 * GIB],
        last=fired,
    )
    signal = Signal(
        kind="rds_storage",
        resource=f"arn:aws:rds:us-east-1:123456789012:db:{db}",
        fired_at=fired,
        metric=MetricRef(
            namespace="AWS/RDS", name="FreeStorageSpace", dimensions={"DBInstanceIdentifier": db}
        ),
    )
    result = investigate(ctx, signal)
    top = result.findings[0]
    assert top.statement == "Free storage fell to 1.0 GiB."
    assert isinstance(top.evidence[0], MetricEvidence) and top.evidence[0].statistic == "Minimum"
    facts = next(e for f in result.findings for e in f.evidence if isinstance(e, ReadEvidence))
    assert facts.facts["allocated_gib"] == "20" and facts.facts["class"] == "db.m5.large"
    fix = result.suggested_fix
    assert fix is not None and fix.tool == "rds.modify_allocated_storage"
    assert fix.call()[1] == {
        "target": db,
        "size_gib": 25,
        "region": "us-east-1",
    }
    assert "5%" in fix.why


def test_connection_spike_is_reported_without_a_fix(ctx: ToolContext, fired: datetime) -> None:
    db = _database(ctx)
    put_metric(
        ctx.aws,
        "AWS/RDS",
        "DatabaseConnections",
        {"DBInstanceIdentifier": db},
        [40, 80, 310, 295],
        last=fired + timedelta(minutes=5),
    )
    result = investigate(ctx, Signal(kind="rds_connections", resource=db, fired_at=fired))
    assert result.findings[0].statement == "Connections peaked at 310."
    assert result.suggested_fix is None
