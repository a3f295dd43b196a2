"""Live price refresh parses real GetProducts responses (botocore Stubber; moto has no pricing)."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.stub import ANY, Stubber

from core.settings import Settings
from tools.cost.live_pricing import ec2_filters, fetch_ec2_price
from tools.cost.price_lookup import lookup_price
from tools.cost.tool_models import PriceArgs

pytestmark = pytest.mark.time_sensitive


def price_list_item(usd: str, sku: str = "6C86BEPQVG73ZGGR") -> str:
    """One ``PriceList`` element shaped like AWS's (aws_v1 format): a JSON document."""
    term = f"{sku}.JRTCKXETXF"
    document = {
        "product": {
            "productFamily": "Compute Instance",
            "attributes": {
                "instanceType": "m5.large", "regionCode": "us-east-1", "operatingSystem": "Linux",
                "tenancy": "Shared", "preInstalledSw": "NA", "capacitystatus": "Used",
                "location": "US East (N. Virginia)", "vcpu": "2", "memory": "8 GiB",
                "servicecode": "AmazonEC2", "usagetype": "BoxUsage:m5.large",
            },
            "sku": sku,
        },
        "serviceCode": "AmazonEC2",
        "terms": {
            "OnDemand": {
                term: {
                    "priceDimensions": {
                        f"{term}.6YS6EN2CT7": {
                            "unit": "Hrs", "endRange": "Inf", "beginRange": "0", "appliesTo": [],
                            "description": f"${usd} per On Demand Linux m5.large Instance Hour",
                            "rateCode": f"{term}.6YS6EN2CT7", "pricePerUnit": {"USD": usd},
                        }
                    },
                    "sku": sku, "effectiveDate": "2025-11-01T00:00:00Z",
                    "offerTermCode": "JRTCKXETXF", "termAttributes": {},
                }
            }
        },
        "version": "20251104012650",
        "publicationDate": "2025-11-04T01:26:50Z",
    }  # fmt: skip
    return json.dumps(document)


class StubbedAws:
    """Just enough of ``AwsClients`` to hand out one stubbed pricing client."""

    def __init__(self, client: Any) -> None:
        self.pricing = client

    def client(self, service: str, region: str, account: str | None = None) -> Any:
        assert (service, region) == ("pricing", "us-east-1")
        return self.pricing


def _stubbed(responses: list[dict[str, Any]]) -> tuple[StubbedAws, Stubber]:
    client = boto3.client(
        "pricing", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x"
    )
    stubber = Stubber(client)
    for response in responses:
        expected = {
            "ServiceCode": "AmazonEC2",
            "Filters": ec2_filters("m5.large", "us-east-1"),
            "FormatVersion": "aws_v1",
        }
        if response.pop("_token_in", None):
            expected["NextToken"] = ANY
        stubber.add_response("get_products", response, expected)
    stubber.activate()
    return StubbedAws(client), stubber


def test_live_price_is_parsed_exactly_across_pages() -> None:
    aws, stubber = _stubbed(
        [
            {"FormatVersion": "aws_v1", "PriceList": [], "NextToken": "page-2"},
            {"FormatVersion": "aws_v1", "PriceList": [price_list_item("0.0960000000")],
             "_token_in": True},
        ]
    )  # fmt: skip
    price = fetch_ec2_price(aws, "m5.large", "us-east-1")
    stubber.assert_no_pending_responses()
    assert price is not None
    assert price.usd == Decimal("0.096")
    assert price.as_of == "2025-11-01 (live)"


def test_live_mode_price_tool_uses_the_api_and_says_so() -> None:
    aws, _ = _stubbed([{"FormatVersion": "aws_v1", "PriceList": [price_list_item("0.0990000000")]}])
    result = lookup_price(PriceArgs(service="ec2", item="m5.large"), aws)
    assert result.usd == Decimal("0.099")
    assert result.monthly_usd == Decimal("72.27")
    assert "live" in result.source


def test_api_error_falls_back_to_the_packaged_price() -> None:
    client = boto3.client(
        "pricing", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x"
    )
    stubber = Stubber(client)
    stubber.add_client_error("get_products", "AccessDeniedException", "no pricing:GetProducts")
    stubber.activate()
    result = lookup_price(PriceArgs(service="ec2", item="m5.large"), StubbedAws(client))
    assert result.usd == Decimal("0.096")
    assert result.source == "packaged AWS list-price snapshot"


def test_sandbox_price_tool_never_calls_the_api(tmp_path: Path) -> None:
    from tools.context import ToolContext
    from tools.cost.tools import price

    settings = Settings(_env_file=None, data_dir=tmp_path, aws_mode="sandbox")  # type: ignore[call-arg]
    ctx = ToolContext(settings=settings, aws=None, db=None)  # type: ignore[arg-type]
    result = price(ctx, PriceArgs(service="ec2", item="t3.micro"))
    assert result.usd == Decimal("0.0104")
