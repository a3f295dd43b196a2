"""Import from a live Amazon VPC IPAM (moto has none: botocore Stubber, real response shapes)."""

from __future__ import annotations

from pathlib import Path

import pytest
from botocore.stub import Stubber

from core.aws import AwsClients
from core.db import Database
from core.settings import Settings
from tests.tools.ipam.conftest import call, execute, preview
from tools.context import ToolContext
from tools.errors import InvalidInput
from tools.ipam.models import ShowPoolResult

TOP = {
    "OwnerId": "123456789012",
    "IpamPoolId": "ipam-pool-0top",
    "IpamScopeType": "private",
    "IpamRegion": "us-east-1",
    "Locale": "None",
    "PoolDepth": 1,
    "State": "create-complete",
    "AddressFamily": "ipv4",
    "Description": "whole estate",
    "Tags": [{"Key": "Name", "Value": "top"}, {"Key": "owner", "Value": "netops"}],
}
EU = {
    "OwnerId": "123456789012",
    "IpamPoolId": "ipam-pool-0eu",
    "SourceIpamPoolId": "ipam-pool-0top",
    "IpamScopeType": "private",
    "IpamRegion": "us-east-1",
    "Locale": "eu-west-1",
    "PoolDepth": 2,
    "State": "create-complete",
    "AddressFamily": "ipv4",
    "Tags": [{"Key": "Name", "Value": "eu"}, {"Key": "env", "Value": "prod"}],
}


def _stub(client: object) -> Stubber:
    stubber = Stubber(client)
    stubber.add_response("describe_ipam_pools", {"IpamPools": [EU, TOP]})
    stubber.add_response(
        "get_ipam_pool_cidrs",
        {"IpamPoolCidrs": [{"Cidr": "10.0.0.0/8", "State": "provisioned", "NetmaskLength": 8}]},
        {"IpamPoolId": "ipam-pool-0top"},
    )
    stubber.add_response(
        "get_ipam_pool_allocations",
        {
            "IpamPoolAllocations": [
                {
                    "Cidr": "10.1.0.0/16",
                    "IpamPoolAllocationId": "ipam-pool-alloc-1",
                    "ResourceId": "ipam-pool-0eu",
                    "ResourceType": "ipam-pool",
                    "ResourceOwner": "123456789012",
                }
            ]
        },
        {"IpamPoolId": "ipam-pool-0top"},
    )
    stubber.add_response(
        "get_ipam_pool_cidrs",
        {
            "IpamPoolCidrs": [
                {"Cidr": "10.1.0.0/16", "State": "provisioned", "NetmaskLength": 16},
                {"Cidr": "10.2.0.0/16", "State": "pending-provision"},
            ]
        },
        {"IpamPoolId": "ipam-pool-0eu"},
    )
    stubber.add_response(
        "get_ipam_pool_allocations",
        {
            "IpamPoolAllocations": [
                {
                    "Cidr": "10.1.0.0/20",
                    "IpamPoolAllocationId": "ipam-pool-alloc-2",
                    "ResourceId": "vpc-0abc",
                    "ResourceType": "vpc",
                    "ResourceRegion": "eu-west-1",
                    "ResourceOwner": "123456789012",
                }
            ]
        },
        {"IpamPoolId": "ipam-pool-0eu"},
    )
    return stubber


@pytest.fixture
def live_ctx(tmp_path: Path) -> ToolContext:
    settings = Settings(
        _env_file=None,
        data_dir=tmp_path / "cf",
        aws_mode="live",  # type: ignore[call-arg]
        aws_regions=["us-east-1"],
    )
    db = Database(settings.sql_url)
    db.migrate()
    return ToolContext(
        settings=settings, aws=AwsClients(settings, sandbox=True), db=db, actor="alice"
    )


def test_amazon_ipam_is_snapshotted_into_the_plan_and_imported(live_ctx: ToolContext) -> None:
    client = live_ctx.aws.client("ec2", "us-east-1")
    with _stub(client) as stubber:
        plan = preview(live_ctx, "ipam.import", format="amazon-ipam")
        stubber.assert_no_pending_responses()
    assert plan.args["format"] == "csv"
    assert "pool,eu,top,10.1.0.0/16,prod,eu-west-1" in plan.args["content"]
    assert "arn:aws:ec2:eu-west-1:123456789012:vpc/vpc-0abc" in plan.args["content"]
    execute(live_ctx, plan)
    eu = call(live_ctx, "ipam.show_pool", pool="eu")
    assert isinstance(eu, ShowPoolResult)
    assert eu.pool.parent == "top" and eu.pool.cidrs == ["10.1.0.0/16"]
    assert [(a.cidr, a.resource_arn) for a in eu.allocations] == [
        ("10.1.0.0/20", "arn:aws:ec2:eu-west-1:123456789012:vpc/vpc-0abc")
    ]


def test_amazon_ipam_import_is_refused_in_the_sandbox(ctx: ToolContext) -> None:
    with pytest.raises(InvalidInput, match="needs live AWS"):
        preview(ctx, "ipam.import", format="amazon-ipam")
