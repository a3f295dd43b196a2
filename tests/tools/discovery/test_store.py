"""The inventory keeps first/last seen, records exact changes, and writes in batches."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from botocore.awsrequest import AWSResponse
from sqlalchemy import event

from core.clock import Clock
from core.db import Database
from tests.tools.discovery.estate import Estate
from tools.context import ToolContext
from tools.discovery.models import ChangesArgs
from tools.discovery.resource_models import Resource, ScanResult, ScopeOutcome
from tools.discovery.scan import run_scan
from tools.discovery.service import ensure_inventory
from tools.discovery.store import InventoryStore
from tools.discovery.tools import changes as list_changes

pytestmark = pytest.mark.time_sensitive


def test_second_scan_reports_exactly_what_changed(scan_ctx: ToolContext, estate: Estate) -> None:
    first = run_scan(scan_ctx)
    store = InventoryStore(scan_ctx.db)
    assert store.changes(scan_id=first.scan_id)
    assert all(c.kind == "created" for c in store.changes())
    ec2 = scan_ctx.aws.client("ec2", "us-east-1")
    new_group = ec2.create_security_group(
        GroupName="new-sg", Description="new", VpcId=estate["vpc"]
    )["GroupId"]
    scan_ctx.aws.client("s3", "us-east-1").create_bucket(Bucket="cf-test-new")
    ec2.create_tags(Resources=[estate["old-data"]], Tags=[{"Key": "owner", "Value": "bob"}])
    ec2.authorize_security_group_ingress(
        GroupId=estate["ssh-open"],
        IpPermissions=[
            {
                "IpProtocol": "tcp",
                "FromPort": 3389,
                "ToPort": 3389,
                "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
            }
        ],
    )
    ec2.release_address(AllocationId=estate["spare-ip"])

    second = run_scan(scan_ctx)

    changes = {(c.kind, c.name, tuple(c.changed_fields)) for c in store.changes()}
    assert changes == {
        ("created", "new-sg", ()),
        ("created", "cf-test-new", ()),
        ("changed", "old-data", ("tags.owner",)),
        ("changed", "ssh-open", ("config.ingress",)),
        ("deleted", "spare-ip", ()),
    }
    assert store.last_scan() is not None
    assert store.last_scan().id == second.scan_id  # type: ignore[union-attr]
    gone = store.get(f"arn:aws:ec2:us-east-1:123456789012:elastic-ip/{estate['spare-ip']}")
    assert gone is not None and gone.deleted_at is not None
    kept = store.search(name="web-1")[0]
    assert kept.first_seen < kept.last_seen
    assert new_group in {r.resource_id for r in store.search(type="ec2:security-group")}


def test_a_missed_region_does_not_look_deleted(scan_ctx: ToolContext, estate: Estate) -> None:
    run_scan(scan_ctx)
    store = InventoryStore(scan_ctx.db)

    run_scan(scan_ctx, regions=["us-east-1"])

    assert store.search(name="analytics-vpc")
    assert not [c for c in store.changes() if c.kind == "deleted"]


def _resources(count: int, state: str) -> list[Resource]:
    return [
        Resource(
            arn=f"arn:aws:ec2:us-east-1:111122223333:volume/vol-{n:08d}",
            account="111122223333",
            region="us-east-1",
            type="ec2:volume",
            service="ec2",
            resource_id=f"vol-{n:08d}",
            state=state if n % 2 else "in-use",
            config={"size_gb": n},
        )
        for n in range(count)
    ]


def _scan(resources: list[Resource]) -> ScanResult:
    return ScanResult(
        started_at=Clock().now(),
        accounts=["111122223333"],
        regions=["us-east-1"],
        resources=resources,
        outcomes=[
            ScopeOutcome(account="111122223333", region="us-east-1", service="ec2", status="ok")
        ],
    )


def test_a_big_scan_is_written_in_few_statements_and_one_transaction(db: Database) -> None:
    store = InventoryStore(db)
    statements: list[str] = []
    commits: list[int] = []
    event.listen(db.engine, "before_cursor_execute", lambda *a, **k: statements.append(a[2]))
    event.listen(db.engine, "commit", lambda *a: commits.append(1))

    store.record_scan(_scan(_resources(5000, "available")))
    first_statements, first_commits = len(statements), len(commits)
    store.record_scan(_scan(_resources(4000, "deleting")))

    assert first_commits == 1
    assert first_statements < 30
    assert len(commits) - first_commits == 1
    assert len(statements) - first_statements < 60
    kinds = [c.kind for c in store.changes()]
    assert kinds.count("deleted") == 1000
    assert kinds.count("changed") == 2000
    assert store.count("state") == {"in-use": 2000, "deleting": 2000}


def test_search_filters_and_counts(scan_ctx: ToolContext, estate: Estate) -> None:
    run_scan(scan_ctx)
    store = InventoryStore(scan_ctx.db)

    instances = store.search(type="ec2:instance", region="us-east-1", tags={"team": "web"})
    assert sorted(r.name or "" for r in instances) == ["web-1", "web-2"]
    assert store.search(type="rds", state="available")[0].name == "db-prod"
    assert store.count("region", type="ec2:vpc")["eu-west-1"] >= 1
    assert store.count("tag:env", type="ec2:instance") == {"prod": 2}
    assert store.search(name="no-such-thing") == []


def _deny_volumes(model: Any, **_: Any) -> Any:
    if model.name != "DescribeVolumes":
        return None
    error = {"Error": {"Code": "UnauthorizedOperation", "Message": "not allowed: volumes"}}
    return AWSResponse("https://denied", 403, {}, None), error


def test_one_denied_part_of_a_service_keeps_its_resources(
    scan_ctx: ToolContext, estate: Estate
) -> None:
    run_scan(scan_ctx)
    store = InventoryStore(scan_ctx.db)
    scan_ctx.aws.client("ec2", "us-east-1").meta.events.register("before-call", _deny_volumes)

    second = run_scan(scan_ctx)

    missed = [(o.region, o.service, o.status, o.message) for o in second.missed]
    assert missed == [("us-east-1", "ec2", "denied", "UnauthorizedOperation: not allowed: volumes")]
    assert {"web-1", "web-2"} <= {r.name for r in second.resources}  # instances still listed
    assert not [c for c in store.changes() if c.kind == "deleted"]
    assert store.search(name="old-data")  # the volume nobody could list is still known


def test_changes_in_the_last_hours_reach_back_across_year_end(
    scan_ctx: ToolContext, estate: Estate
) -> None:
    with time_machine.travel(datetime(2026, 12, 31, 22, 0, tzinfo=UTC), tick=False) as moment:
        run_scan(scan_ctx)
        moment.move_to(datetime(2026, 12, 31, 23, 30, tzinfo=UTC))
        scan_ctx.aws.client("s3", "us-east-1").create_bucket(Bucket="cf-test-late")
        run_scan(scan_ctx)
        moment.move_to(datetime(2027, 1, 1, 0, 45, tzinfo=UTC))
        recent = list_changes(scan_ctx, ChangesArgs(since_hours=2))
        moment.shift(timedelta(hours=2))
        later = list_changes(scan_ctx, ChangesArgs(since_hours=2))
    assert [(c.kind, c.resource.label) for c in recent.changes] == [("created", "cf-test-late")]
    assert recent.scope == "since 2026-12-31 22:45 UTC"
    assert later.changes == []


def test_a_collector_recording_more_is_not_a_change_of_the_resource(db: Database) -> None:
    store = InventoryStore(db)
    store.record_scan(_scan(_resources(3, "available")))
    grown = _resources(3, "available")
    for resource in grown:
        resource.config["throughput"] = 125  # a newer collector records one more setting
    grown[1].config["size_gb"] = 500  # and one volume really did change

    store.record_scan(_scan(grown))

    changes = [(c.name or c.arn.rsplit("/", 1)[-1], c.changed_fields) for c in store.changes()]
    assert changes == [("vol-00000001", ["config.size_gb", "config.throughput"])]
    assert all(r.config["throughput"] == 125 for r in store.search(type="ec2:volume"))


def test_a_scan_of_a_few_services_does_not_stand_in_for_the_whole_estate(
    scan_ctx: ToolContext, estate: Estate
) -> None:
    run_scan(scan_ctx, services=["vpc"])  # what an architecture proposal looks at
    store = InventoryStore(scan_ctx.db)
    assert not store.search(name="web-1")

    ensure_inventory(scan_ctx)

    assert store.search(name="web-1")
