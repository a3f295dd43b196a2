"""Price lookups match the published figures in shared/data/SOURCES.md exactly."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tools.cost.catalog import catalog
from tools.errors import InvalidInput

pytestmark = pytest.mark.time_sensitive


def test_sources_md_spot_figures_match_exactly() -> None:
    prices = catalog()
    assert prices.ec2_instance("m5.large", "us-east-1").usd == Decimal("0.096")
    assert prices.ec2_instance("t3.micro", "us-east-1").usd == Decimal("0.0104")
    assert prices.ec2_instance("m5.large", "eu-west-1").usd == Decimal("0.107")
    assert prices.ec2_instance("m5.large", "eu-central-1").usd == Decimal("0.115")
    assert prices.ec2_instance("m5.large", "ap-southeast-1").usd == Decimal("0.12")
    assert prices.ebs_storage("gp3", "us-east-1").usd == Decimal("0.08")
    assert prices.ebs_storage("gp2", "us-east-1").usd == Decimal("0.10")
    assert prices.ebs_iops("gp3", "us-east-1").usd == Decimal("0.005")
    assert prices.ebs_gp3_throughput("us-east-1").usd == Decimal("0.04")
    assert prices.nat_hour("us-east-1").usd == Decimal("0.045")
    assert prices.nat_gb("us-east-1").usd == Decimal("0.045")
    assert prices.public_ipv4("us-east-1").usd == Decimal("0.005")
    assert prices.rds_instance("db.m5.large", "postgres", True, "us-east-1").usd == Decimal("0.356")
    assert prices.rds_instance("db.m5.large", "mysql", True, "us-east-1").usd == Decimal("0.342")
    assert prices.rds_instance("db.m5.large", "mysql", False, "us-east-1").usd == Decimal("0.171")
    assert prices.rds_storage("gp2", "postgres", True, "us-east-1").usd == Decimal("0.23")
    assert prices.lambda_duration("us-east-1", "x86").usd == Decimal("0.0000166667")
    assert prices.lambda_duration("us-east-1", "arm").usd == Decimal("0.0000133334")
    assert prices.lambda_requests("us-east-1").usd * 1_000_000 == Decimal("0.20")
    assert prices.s3_storage("standard", "us-east-1").usd == Decimal("0.023")
    assert prices.s3_request("standard", "put", "us-east-1").usd * 1000 == Decimal("0.005")
    assert prices.dynamodb("write", "us-east-1").usd * 1_000_000 == Decimal("0.625")
    assert prices.data_transfer_out("ap-southeast-1")[0][1].usd == Decimal("0.12")


def test_every_answer_carries_its_as_of_date() -> None:
    prices = catalog()
    assert prices.ec2_instance("m5.large", "us-east-1").as_of == "2025-11-04"
    assert prices.ebs_storage("gp3", "us-east-1").as_of == "2025-10-28"
    assert prices.nat_hour("us-east-1").as_of == "2025-10-28"
    assert prices.rds_instance("db.m5.large", "postgres", True, "us-east-1").as_of == "2024-09-28"
    assert prices.elb_hour("application", "us-east-1").as_of == "2025-11-03"
    assert prices.elb_hour("application", "eu-west-2").usd == Decimal("0.02646")


def test_catalog_is_loaded_once_per_process() -> None:
    assert catalog() is catalog()


@pytest.mark.parametrize(
    ("lookup", "expected"),
    [
        (lambda c: c.ec2_instance("m5.lrge", "us-east-1"), "m5.large"),
        (lambda c: c.ec2_instance("m5.large", "eu-central-9"), "eu-central-1"),
        (lambda c: c.ebs_storage("gp4", "us-east-1"), "gp3"),
        (lambda c: c.rds_instance("db.m5.larg", "postgres", False, "us-east-1"), "db.m5.large"),
        (lambda c: c.rds_instance("db.m5.large", "oracle", False, "us-east-1"), "postgres"),
        (lambda c: c.elb_hour("application", "eu-west-9"), "eu-west-1"),
        (lambda c: c.s3_storage("glacier-deep", "us-east-1"), "glacier"),
        (lambda c: c.elasticache_node("cache.m5.larg", "redis", "us-east-1"), "cache.m5.large"),
        (lambda c: c.nat_hour("us-esat-1"), "us-east-1"),
    ],
)
def test_unknown_type_or_region_names_nearest_choices(lookup, expected) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidInput) as error:
        lookup(catalog())
    assert expected in str(error.value)
    assert "Nearest valid choices" in str(error.value)


def test_packaged_figures_equal_shared_files(shared_prices) -> None:  # type: ignore[no-untyped-def]
    raw = shared_prices("ec2_ondemand_linux.json")["regions"]
    prices = catalog()
    for region in ("us-east-1", "eu-west-1", "ap-southeast-2"):
        for name, row in list(raw[region].items())[:200]:
            assert prices.ec2_instance(name, region).usd == row["usd_per_hour"]
