"""Estimates equal line-by-line arithmetic done here straight from the shared price files."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from tools.cost.estimate_models import CostResource
from tools.cost.estimator import estimate, estimate_all, group_totals
from tools.errors import InvalidInput

pytestmark = pytest.mark.time_sensitive

REGIONS = ("us-east-1", "eu-west-1", "ap-southeast-2")
H = Decimal(730)
Raw = Callable[[str], dict[str, Any]]


def _expected(raw: Raw, region: str) -> list[tuple[CostResource, Decimal]]:
    ec2 = raw("ec2_ondemand_linux.json")["regions"][region]
    rds = raw("rds_ondemand.json")["regions"][region]
    nat = raw("nat_gateway.json")["regions"][region]
    summary = raw("summary.json")["regions"][region]
    ebs, vpc, s3 = summary["ebs"], summary["vpc"], summary["s3"]
    lam, ddb = summary["lambda"], summary["dynamodb"]
    pg_storage = summary["rds_storage"]["PostgreSQL"]
    mysql_storage = summary["rds_storage"]["MySQL"]
    dto = summary["data_transfer_out_internet"]
    cache = raw("elasticache_ondemand.json")["regions"][region]["nodes"]

    def res(**kw: Any) -> CostResource:
        return CostResource(resource_id=kw.pop("rid", "r"), region=region, **kw)

    return [
        (
            res(kind="ec2_instance", instance_type="m5.large", state="running"),
            H * ec2["m5.large"]["usd_per_hour"],
        ),
        (
            res(
                kind="ec2_instance", instance_type="t3.micro", state="running", public_ip="1.2.3.4"
            ),
            H * ec2["t3.micro"]["usd_per_hour"] + H * vpc["public_ipv4_in_use_usd_per_hour"],
        ),
        (
            res(
                kind="ec2_instance",
                instance_type="c6i.xlarge",
                state="running",
                usage={"hours": Decimal(200)},
            ),
            200 * ec2["c6i.xlarge"]["usd_per_hour"],
        ),
        (
            res(
                kind="ebs_volume",
                volume_type="gp3",
                size_gb=Decimal(500),
                iops=6000,
                throughput_mibps=250,
            ),
            500 * ebs["gp3_usd_per_gb_month"]
            + 3000 * ebs["gp3_usd_per_provisioned_iops_month"]
            + 125 * ebs["gp3_usd_per_provisioned_gibps_month"] / 1024,
        ),
        (
            res(kind="ebs_volume", volume_type="gp2", size_gb=Decimal(100)),
            100 * ebs["gp2_usd_per_gb_month"],
        ),
        (
            res(kind="ebs_volume", volume_type="io1", size_gb=Decimal(200), iops=4000),
            200 * ebs["io1_usd_per_gb_month"] + 4000 * ebs["io1_usd_per_iops_month"],
        ),
        (
            res(
                kind="rds_instance",
                instance_type="db.m5.large",
                engine="postgres",
                multi_az=True,
                volume_type="gp2",
                size_gb=Decimal(100),
            ),
            H * rds["db.m5.large"]["PostgreSQL"]["Multi-AZ"]
            + 100 * pg_storage["gp2_multi_az_usd_per_gb_month"],
        ),
        (
            res(
                kind="rds_instance",
                instance_type="db.t3.micro",
                engine="mysql",
                volume_type="gp3",
                size_gb=Decimal(20),
            ),
            H * rds["db.t3.micro"]["MySQL"]["Single-AZ"]
            + 20 * mysql_storage["gp3_single_az_usd_per_gb_month"],
        ),
        (
            res(kind="nat_gateway", usage={"gb_processed": Decimal(1500)}),
            H * nat["Hourly charge for NAT Gateways"]
            + 1500 * nat["Charge for per GB data processed by NatGateways"],
        ),
        (res(kind="elastic_ip"), H * vpc["public_ipv4_idle_usd_per_hour"]),
        (
            res(
                kind="s3_bucket",
                size_gb=Decimal(2048),
                usage={"put_requests": Decimal(1_000_000), "get_requests": Decimal(10_000_000)},
            ),
            2048 * s3["standard_usd_per_gb_month_first_50tb"]
            + 1_000_000 * s3["standard_put_copy_post_list_usd_per_request"]
            + 10_000_000 * s3["standard_get_and_other_usd_per_request"],
        ),
        (
            res(
                kind="lambda_function",
                arch="arm",
                memory_mb=512,
                usage={"requests": Decimal(3_000_000), "avg_duration_ms": Decimal(200)},
            ),
            3_000_000 * lam["requests_arm_usd_per_request"]
            + Decimal(3_000_000)
            * Decimal("0.2")
            * Decimal("0.5")
            * lam["duration_arm_usd_per_gb_second_tier1"],
        ),
        (
            res(
                kind="dynamodb_table",
                size_gb=Decimal(40),
                usage={"reads": Decimal(50_000_000), "writes": Decimal(5_000_000)},
            ),
            40 * ddb["storage_usd_per_gb_month"]
            + 50_000_000 * ddb["on_demand_read_usd_per_request_unit"]
            + 5_000_000 * ddb["on_demand_write_usd_per_request_unit"],
        ),
        (
            res(kind="elasticache_node", instance_type="cache.m5.large", engine="valkey"),
            H * cache["cache.m5.large"]["Valkey"],
        ),
        (
            res(kind="ebs_snapshot", size_gb=Decimal(250)),
            250 * ebs["snapshot_usd_per_gb_month"],
        ),
        (
            res(kind="data_transfer", usage={"gb_out": Decimal(12_000)}),
            10240 * dto[0]["usd_per_gb"] + (12_000 - 10240) * dto[1]["usd_per_gb"],
        ),
    ]


@pytest.mark.parametrize("region", REGIONS)
def test_estimates_equal_arithmetic_from_price_files(shared_prices: Raw, region: str) -> None:
    cases = _expected(shared_prices, region)
    assert len(cases) >= 10
    for resource, expected in cases:
        result = estimate(resource)
        assert result.monthly_usd == expected, (resource.kind, region)
        assert sum(i.monthly_usd for i in result.line_items) == result.monthly_usd


def test_line_items_and_assumptions_are_explicit() -> None:
    result = estimate(CostResource(kind="nat_gateway", resource_id="nat-1", region="us-east-1"))
    assert [i.description for i in result.line_items] == ["NAT gateway hours"]
    assert result.line_items[0].quantity == 730
    assert any("730 hours" in a for a in result.assumptions)
    assert any("gb_processed" in a for a in result.assumptions)
    assert result.monthly_usd == Decimal("32.85")


def test_stopped_instance_costs_nothing_but_says_why() -> None:
    result = estimate(
        CostResource(
            kind="ec2_instance",
            resource_id="i-1",
            region="us-east-1",
            instance_type="m4.large",
            state="stopped",
        )
    )
    assert result.monthly_usd == 0
    assert "EBS still is" in result.assumptions[0]


def test_unknown_instance_type_is_an_error_not_zero() -> None:
    with pytest.raises(InvalidInput, match=r"m5\.large"):
        estimate(
            CostResource(
                kind="ec2_instance",
                resource_id="i-1",
                region="us-east-1",
                instance_type="m5.lrge",
                state="running",
            )
        )


def test_group_totals_by_region_and_tag() -> None:
    resources = [
        CostResource(kind="elastic_ip", resource_id="a", region="us-east-1", tags={"env": "prod"}),
        CostResource(kind="elastic_ip", resource_id="b", region="us-east-1"),
        CostResource(kind="nat_gateway", resource_id="c", region="eu-west-1", tags={"env": "prod"}),
    ]
    estimates = estimate_all(resources)
    assert estimates[0].resource.resource_id == "c"
    by_region = {g.key: g for g in group_totals(estimates, "region")}
    assert by_region["us-east-1"].monthly_usd == Decimal("7.30")
    assert by_region["us-east-1"].resources == 2
    by_env = {g.key: g.monthly_usd for g in group_totals(estimates, "tag:env")}
    assert by_env["env=(untagged)"] == Decimal("3.65")


def test_load_balancer_priced_in_every_region_with_capacity_units(shared_prices: Raw) -> None:
    feed = shared_prices("elb.json")["regions"]
    alb = CostResource(kind="load_balancer", region="us-east-1", volume_type="application")
    assert estimate(alb).monthly_usd == H * feed["us-east-1"]["Application Load Balancer Hours"]
    assert "Capacity units (LCU) are usage-based and not included." in estimate(alb).assumptions
    london = alb.model_copy(update={"region": "eu-west-2", "usage": {"lcu": Decimal(2)}})
    hourly = feed["eu-west-2"]["Application Load Balancer Hours"]
    lcu = feed["eu-west-2"]["Application Load Balancer LCU Hours"]
    assert estimate(london).monthly_usd == H * hourly + 2 * H * lcu
    with pytest.raises(InvalidInput, match="eu-west-1"):
        estimate(alb.model_copy(update={"region": "eu-west-9"}))


def test_proposal_services_are_priced_from_their_feeds(shared_prices: Raw) -> None:
    fargate = shared_prices("fargate.json")["regions"]["eu-west-1"]["ECS"]
    task = CostResource(
        kind="fargate_task", region="eu-west-1", vcpu=Decimal(1), memory_mb=2048,
        usage={"tasks": Decimal(3)},
    )  # fmt: skip
    expected = 3 * H * (fargate["perCPU per hour"] + 2 * fargate["perGB per hour"])
    assert estimate(task).monthly_usd == expected
    aurora = shared_prices("aurora_ondemand.json")["regions"]["eu-west-1"]["db.r6g.large"]
    writer = CostResource(kind="aurora_instance", region="eu-west-1", instance_type="db.r6g.large")
    assert estimate(writer).monthly_usd == H * aurora["Aurora PostgreSQL"]["Standard"]
    sqs = shared_prices("sqs.json")["regions"]["us-east-1"]["Standard per Requests"]
    queue = CostResource(kind="sqs_queue", region="us-east-1", usage={"requests": Decimal(10**6)})
    assert estimate(queue).monthly_usd == 10**6 * sqs
    edge = shared_prices("cloudfront.json")["edge_location_groups"]["EU"]
    cdn = CostResource(
        kind="cloudfront_distribution", region="eu-west-1",
        usage={"gb_out": Decimal(100), "requests": Decimal(10**6)},
    )  # fmt: skip
    out = edge["data_transfer_out_to_internet_per_GB"]["First 10 TB"]
    assert (
        estimate(cdn).monthly_usd == 100 * out + 10**6 * edge["requests"]["Request HTTPS Methods"]
    )
    api = shared_prices("apigateway.json")["regions"]["us-east-1"]
    rest = CostResource(kind="api_gateway", region="us-east-1", usage={"requests": Decimal(10**6)})
    assert estimate(rest).monthly_usd == 10**6 * api["API Calls Number of up to 333 million"]
