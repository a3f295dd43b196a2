"""Optional live refresh of list prices from the AWS Price List Query API (GetProducts).

Used only when ``CF_AWS_MODE=live``; the packaged catalog answers otherwise and whenever the
API cannot. The Price List API is served from us-east-1 (and a few other regions) only.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from core.aws_read import paginate
from tools.cost.catalog import Price

PRICING_REGION = "us-east-1"


def _filters(pairs: dict[str, str]) -> list[dict[str, str]]:
    return [{"Type": "TERM_MATCH", "Field": k, "Value": v} for k, v in pairs.items()]


def ec2_filters(instance_type: str, region: str) -> list[dict[str, str]]:
    """Filters selecting the Linux, shared-tenancy, on-demand product of one instance type.

    Args:
        instance_type: e.g. ``m5.large``.
        region: region code.
    """
    return _filters(
        {
            "instanceType": instance_type,
            "regionCode": region,
            "operatingSystem": "Linux",
            "tenancy": "Shared",
            "preInstalledSw": "NA",
            "capacitystatus": "Used",
            "licenseModel": "No License required",
        }
    )


def on_demand_prices(price_list_item: str) -> list[tuple[Decimal, str, str]]:
    """(USD, unit, effective date) of every on-demand price dimension of one PriceList entry.

    Args:
        price_list_item: one element of ``GetProducts``' ``PriceList`` (a JSON document).
    """
    document: dict[str, Any] = json.loads(price_list_item)
    found: list[tuple[Decimal, str, str]] = []
    for term in document.get("terms", {}).get("OnDemand", {}).values():
        effective = str(term.get("effectiveDate", ""))[:10]
        for dimension in term.get("priceDimensions", {}).values():
            usd = dimension.get("pricePerUnit", {}).get("USD")
            if usd is not None:
                found.append((Decimal(usd), str(dimension.get("unit", "")), effective))
    return found


PERMISSIONS = ("pricing:GetProducts",)
"""IAM actions of the live price lookup."""


def fetch_ec2_price(aws: Any, instance_type: str, region: str) -> Price | None:
    """The live on-demand Linux price of ``instance_type`` in ``region`` (None if not found).

    Args:
        aws: ``AwsClients`` (live mode).
        instance_type: e.g. ``m5.large``.
        region: region code.
    """
    client = aws.client("pricing", PRICING_REGION)
    items = paginate(
        client,
        "get_products",
        "PriceList",
        ServiceCode="AmazonEC2",
        Filters=ec2_filters(instance_type, region),
        FormatVersion="aws_v1",
    )
    hourly = [
        (usd, effective)
        for item in items
        for usd, unit, effective in on_demand_prices(item)
        if unit.lower().startswith("hr") and usd > 0
    ]
    if not hourly:
        return None
    usd, effective = min(hourly)
    return Price("ec2", instance_type, region, usd.normalize(), "hour", f"{effective} (live)")
