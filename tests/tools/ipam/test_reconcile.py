"""Reconciliation with the VPCs that really exist (moto), peering checks and adoption."""

from __future__ import annotations

import pytest

from core.aws import AwsClients
from tests.tools.ipam.conftest import approve_and_run, call, preview
from tools.context import ToolContext
from tools.errors import NotFound
from tools.ipam.report_models import PeeringView, ReconcileResult


def _vpc(aws: AwsClients, region: str, cidr: str, name: str) -> str:
    ec2 = aws.client("ec2", region)
    vpc_id: str = ec2.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"]
    ec2.create_tags(Resources=[vpc_id], Tags=[{"Key": "Name", "Value": name}])
    return vpc_id


@pytest.fixture
def estate(ctx: ToolContext) -> dict[str, str]:
    prod = _vpc(ctx.aws, "us-east-1", "10.0.0.0/16", "prod-vpc")
    ctx.aws.client("ec2", "us-east-1").create_subnet(VpcId=prod, CidrBlock="10.0.1.0/24")
    analytics = _vpc(ctx.aws, "eu-west-1", "10.0.128.0/18", "analytics-vpc")
    tools = _vpc(ctx.aws, "eu-west-1", "172.20.0.0/16", "tools-vpc")
    return {"prod": prod, "analytics": analytics, "tools": tools}


def _arn(region: str, vpc_id: str) -> str:
    return f"arn:aws:ec2:{region}:123456789012:vpc/{vpc_id}"


def test_reconcile_finds_unmanaged_stale_conflicting_and_unpeerable(
    ctx: ToolContext, estate: dict[str, str]
) -> None:
    approve_and_run(ctx, "ipam.create_pool", name="aws", cidrs=["10.0.0.0/8"])
    approve_and_run(
        ctx,
        "ipam.allocate",
        pool="aws",
        cidr="10.0.0.0/16",
        purpose="prod",
        resource_arn=_arn("us-east-1", estate["prod"]),
    )
    approve_and_run(
        ctx,
        "ipam.allocate",
        pool="aws",
        cidr="10.9.0.0/16",
        purpose="old",
        resource_arn=_arn("us-east-1", "vpc-0123456789abcdef0"),
    )
    result = call(ctx, "ipam.reconcile")
    assert isinstance(result, ReconcileResult)
    unmanaged = {u.name: u for u in result.unmanaged if u.kind == "vpc"}
    assert unmanaged["analytics-vpc"].adopt_into is None
    assert "overlaps 10.0.0.0/16 (prod)" in (unmanaged["analytics-vpc"].reason or "")
    assert unmanaged["tools-vpc"].reason == "no pool contains it"
    assert "prod-vpc" not in unmanaged
    assert [(s.cidr, s.purpose) for s in result.stale] == [("10.9.0.0/16", "old")]
    assert any("analytics-vpc" in c and "10.0.0.0/16 (prod)" in c for c in result.conflicts)
    pairs = {frozenset((p.first.split()[0], p.second.split()[0])) for p in result.not_peerable}
    assert frozenset(("prod-vpc", "analytics-vpc")) in pairs
    assert "123456789012/eu-west-1" in result.scanned


def test_adopt_plans_each_block_into_its_pool_and_execution_records_it(
    ctx: ToolContext, estate: dict[str, str]
) -> None:
    approve_and_run(ctx, "ipam.create_pool", name="rfc-172", cidrs=["172.16.0.0/12"])
    plan = preview(ctx, "ipam.adopt", resources=["tools-vpc"])
    assert [c.resource_id for c in plan.changes] == [estate["tools"]]
    assert plan.changes[0].after == "172.20.0.0/16 allocated in rfc-172"
    report = approve_and_run(ctx, "ipam.adopt", resources=["tools-vpc"])
    assert [o.status for o in report.outcomes] == ["applied"]
    result = call(ctx, "ipam.reconcile")
    assert isinstance(result, ReconcileResult)
    assert "tools-vpc" not in {u.name for u in result.unmanaged}
    with pytest.raises(NotFound, match="nothing to adopt"):
        preview(ctx, "ipam.adopt", resources=["tools-vpc"])


def test_adopting_overlapping_default_vpcs_keeps_only_one_per_block(
    ctx: ToolContext, estate: dict[str, str]
) -> None:
    approve_and_run(ctx, "ipam.create_pool", name="rfc-172", cidrs=["172.16.0.0/12"])
    plan = preview(ctx, "ipam.adopt")
    cidrs = [c.after.split()[0] for c in plan.changes]
    assert len(cidrs) == len(set(cidrs))
    assert any("in the same plan" in note for note in plan.notes)


def test_check_peering(ctx: ToolContext, estate: dict[str, str]) -> None:
    verdict = call(ctx, "ipam.check_peering", first="prod-vpc", second="analytics-vpc")
    assert isinstance(verdict, PeeringView)
    assert not verdict.peerable and verdict.overlaps == ["10.0.0.0/16 ↔ 10.0.128.0/18"]
    fine = call(ctx, "ipam.check_peering", first=estate["prod"], second="tools-vpc")
    assert isinstance(fine, PeeringView) and fine.peerable
    with pytest.raises(NotFound, match="No VPC called 'nope'"):
        call(ctx, "ipam.check_peering", first="nope", second="tools-vpc")
