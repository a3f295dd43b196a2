"""Answer one ``cost.price`` question from the catalog."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from tools.cost.catalog import Price, PriceCatalog, catalog
from tools.cost.estimate_models import HOURS_PER_MONTH
from tools.cost.live_pricing import fetch_ec2_price
from tools.cost.models import PriceArgs, PriceResult
from tools.errors import InvalidInput

NEEDS_ITEM = {
    "ec2": "an instance type such as m5.large",
    "rds": "a DB class such as db.m5.large",
    "elasticache": "a node type such as cache.m5.large",
}


def _item(args: PriceArgs, default: str | None = None) -> str:
    if args.item:
        return args.item
    if default is not None:
        return default
    raise InvalidInput(f"Which one? Give {NEEDS_ITEM.get(args.service, 'an item')}.")


LOOKUPS: dict[str, Callable[[PriceCatalog, PriceArgs], Price]] = {
    "ec2": lambda c, a: c.ec2_instance(_item(a), a.region),
    "ebs": lambda c, a: c.ebs_storage(_item(a, "gp3"), a.region),
    "ebs_iops": lambda c, a: c.ebs_iops(_item(a, "gp3"), a.region),
    "ebs_throughput": lambda c, a: c.ebs_gp3_throughput(a.region),
    "snapshot": lambda c, a: c.ebs_snapshot(a.region),
    "s3": lambda c, a: c.s3_storage(_item(a, "standard"), a.region),
    "s3_requests": lambda c, a: c.s3_request("standard", _item(a, "put"), a.region),
    "rds": lambda c, a: c.rds_instance(_item(a), a.engine or "postgres", a.multi_az, a.region),
    "rds_storage": lambda c, a: c.rds_storage(
        _item(a, "gp3"), a.engine or "postgres", a.multi_az, a.region
    ),
    "lambda_requests": lambda c, a: c.lambda_requests(a.region, a.arch),
    "lambda_duration": lambda c, a: c.lambda_duration(a.region, a.arch),
    "nat_hour": lambda c, a: c.nat_hour(a.region),
    "nat_gb": lambda c, a: c.nat_gb(a.region),
    "public_ipv4": lambda c, a: c.public_ipv4(a.region),
    "elb": lambda c, a: c.elb_hour(_item(a, "application"), a.region),
    "dynamodb": lambda c, a: c.dynamodb(_item(a, "storage"), a.region),
    "elasticache": lambda c, a: c.elasticache_node(_item(a), a.engine or "redis", a.region),
}


def lookup_price(args: PriceArgs, aws: Any | None = None) -> PriceResult:
    """The list price asked for, with its as-of date (and a month at 730 h for hourly prices).

    Args:
        args: what to price.
        aws: ``AwsClients`` in live mode to refresh EC2 prices from the Price List API;
            None uses the packaged catalog only.
    """
    if aws is not None and args.service == "ec2" and args.item:
        live = _live_ec2(aws, args.item, args.region)
        if live is not None:
            return live
    prices = catalog()
    if args.service == "data_transfer":
        tiers = prices.data_transfer_out(args.region)
        first = tiers[0][1]
        lines = [
            f"up to {bound:,} GB/month: ${p.usd}/GB" if bound else f"above that: ${p.usd}/GB"
            for bound, p in tiers
        ]
        return PriceResult(
            service="data_transfer", item="internet egress (first tier)", region=args.region,
            usd=first.usd, unit="GB", as_of=first.as_of, tiers=lines,
        )  # fmt: skip
    price = LOOKUPS[args.service](prices, args)
    monthly = price.usd * HOURS_PER_MONTH if price.unit == "hour" else None
    return PriceResult(
        service=price.service, item=price.item, region=price.region, usd=price.usd,
        unit=price.unit, as_of=price.as_of, monthly_usd=monthly,
    )  # fmt: skip


def _live_ec2(aws: Any, instance_type: str, region: str) -> PriceResult | None:
    try:
        price = fetch_ec2_price(aws, instance_type, region)
    except (ClientError, BotoCoreError) as error:
        logging.getLogger(__name__).warning("live price lookup failed: %s", error)
        return None
    if price is None:
        return None
    return PriceResult(
        service="ec2", item=instance_type, region=region, usd=price.usd, unit="hour",
        as_of=price.as_of, monthly_usd=price.usd * HOURS_PER_MONTH,
        source="AWS Price List API (live)",
    )  # fmt: skip
