"""VPC blocks from the right IPAM pool, or free space overlapping no discovered VPC; the
reservation is a step of the deploy plan; the sandbox's pool tree matches its VPCs."""

from __future__ import annotations

import ipaddress

import boto3
import pytest

from core.sandbox import seed_demo_estate
from tests.tools.architecture.conftest import call, execute, preview
from tools.architecture.sandbox_pools import seed_sandbox_pools
from tools.context import ToolContext
from tools.errors import ToolError
from tools.ipam import service as ipam


def _net(cidr: str) -> ipaddress.IPv4Network:
    return ipaddress.IPv4Network(cidr)


def test_block_comes_from_the_region_and_environment_pool(arch_ctx: ToolContext) -> None:
    spec = call(
        arch_ctx, "architecture.propose", request="prod web app with postgres in eu-west-1"
    ).spec

    assert spec.network is not None and spec.network.ipam_pool == "eu-west-1-prod"
    assert _net(spec.network.cidr).subnet_of(_net("10.16.0.0/14"))
    assert all(_net(s.cidr).subnet_of(_net(spec.network.cidr)) for s in spec.network.subnets)
    with arch_ctx.db.session() as session:
        pool = ipam.find_pool(session, "eu-west-1-prod")
        assert ipam.build_space(session, pool).is_free(_net(spec.network.cidr)), "not reserved yet"


def test_without_a_pool_the_block_overlaps_no_discovered_vpc(ctx: ToolContext) -> None:
    ec2 = boto3.client("ec2", "us-west-2")
    taken = ["10.0.0.0/16", "10.1.0.0/20", "172.16.0.0/16"]
    for cidr in taken:
        ec2.create_vpc(CidrBlock=cidr)

    spec = call(ctx, "architecture.propose", request="dev web app in us-west-2").spec

    assert spec.network is not None and spec.network.ipam_pool is None
    block = _net(spec.network.cidr)
    assert not any(block.overlaps(_net(cidr)) for cidr in taken)
    assert "overlaps no discovered VPC" in spec.network.cidr_source


def test_the_reservation_is_part_of_the_deploy_plan_and_made_at_deploy(
    arch_ctx: ToolContext,
) -> None:
    spec = call(
        arch_ctx, "architecture.propose", request="dev web app with postgres in eu-west-1"
    ).spec
    assert spec.network is not None

    plan = preview(arch_ctx, "architecture.deploy", name=spec.name)

    [reservation] = [c for c in plan.changes if c.resource_type == "ipam:reservation"]
    assert (reservation.resource_id, reservation.after) == (
        spec.network.cidr,
        "reserved in pool 'eu-west-1-dev'",
    )
    execute(arch_ctx, plan)
    with arch_ctx.db.session() as session:
        row = ipam.find_allocation(
            session, ipam.find_pool(session, "eu-west-1-dev"), spec.network.cidr
        )
    assert (
        row is not None and row.kind == "reservation" and "stack cf-dev-web" in (row.purpose or "")
    )


def test_a_block_taken_after_approval_voids_the_deploy(arch_ctx: ToolContext) -> None:
    spec = call(
        arch_ctx, "architecture.propose", request="dev web app with postgres in eu-west-1"
    ).spec
    assert spec.network is not None
    plan = preview(arch_ctx, "architecture.deploy", name=spec.name)
    approve = preview(
        arch_ctx,
        "ipam.allocate",
        pool="eu-west-1-dev",
        cidr=spec.network.cidr,
        purpose="someone else",
    )
    execute(arch_ctx, approve)

    with pytest.raises(ToolError, match="Voided") as voided:
        execute(arch_ctx, plan)
    assert "taken after approval" in str(voided.value)
    cfn = boto3.client("cloudformation", "eu-west-1")
    assert cfn.describe_stacks()["Stacks"] == []


def test_sandbox_pool_tree_matches_its_vpcs(ctx: ToolContext) -> None:
    seed_demo_estate(ctx.aws)
    assert seed_sandbox_pools(ctx.db, ctx.clock) is True
    assert seed_sandbox_pools(ctx.db, ctx.clock) is False, "seeded once"

    reconciled = call(ctx, "ipam.reconcile")

    managed = {"prod-vpc", "shared-vpc"}
    unmanaged = {u.name for u in reconciled.unmanaged if u.kind == "vpc" and u.name}
    assert not managed & unmanaged
    assert unmanaged == {"analytics-vpc"}, "it overlaps prod-vpc, so no pool can hold it"
    with ctx.db.session() as session:
        pools = {p.name: p for p in ipam.live_pools(session)}
    assert {p.region for p in pools.values() if p.environment} >= {"us-east-1", "eu-west-1"}
