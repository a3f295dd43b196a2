"""Pricers of the services proposals use beyond the estate's: Fargate, Aurora, CloudFront,
API Gateway, SQS and SNS (list prices from ``service_prices``)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tools.cost.catalog import PriceCatalog
    from tools.cost.estimator import _Bill


def _fargate(bill: _Bill, prices: PriceCatalog) -> None:
    r = bill.resource
    arch = r.arch or "x86"
    tasks = bill.usage("tasks", 1, "One task unless given (tasks).")
    hours = bill.hours() * tasks
    vcpu = Decimal(r.vcpu or 1)
    memory_gb = Decimal(r.memory_mb or 2048) / 1024
    bill.add(
        f"{tasks} task(s) x {vcpu} vCPU",
        vcpu * hours,
        prices.services.fargate(r.region, "vcpu", arch),
    )
    bill.add(
        f"{tasks} task(s) x {memory_gb} GB",
        memory_gb * hours,
        prices.services.fargate(r.region, "gb", arch),
    )


def _aurora_instance(bill: _Bill, prices: PriceCatalog) -> None:
    r = bill.resource
    price = prices.services.aurora_instance(str(r.instance_type), r.region, r.engine or "postgres")
    bill.add(f"{price.item} instance", bill.hours(), price)


def _aurora_storage(bill: _Bill, prices: PriceCatalog) -> None:
    r = bill.resource
    bill.add("Aurora storage", r.size_gb, prices.services.aurora_storage(r.region))
    io = bill.usage("io_requests", 0, "No Aurora I/O unless given (io_requests).")
    if io:
        bill.add("Aurora I/O requests", io, prices.services.aurora_io(r.region))


def _cloudfront(bill: _Bill, prices: PriceCatalog) -> None:
    r = bill.resource
    bill.assumptions.append("CloudFront: first 10 TB tier; free tier not deducted.")
    gb = bill.usage("gb_out", 0, "No data out unless given (gb_out).")
    requests = bill.usage("requests", 0, "No requests unless given (requests).")
    if gb:
        bill.add("data out to viewers", gb, prices.services.cloudfront_egress(r.region))
    if requests:
        bill.add("HTTPS requests", requests, prices.services.cloudfront_requests(r.region))


def _api_gateway(bill: _Bill, prices: PriceCatalog) -> None:
    r = bill.resource
    requests = bill.usage("requests", 0, "No requests unless given (requests).")
    bill.assumptions.append("REST API first tier (up to 333 million a month).")
    if requests:
        bill.add("REST API requests", requests, prices.services.apigateway_requests(r.region))


def _sqs(bill: _Bill, prices: PriceCatalog) -> None:
    r = bill.resource
    requests = bill.usage("requests", 0, "No requests unless given (requests).")
    bill.assumptions.append("SQS: first million requests a month free, not deducted.")
    if requests:
        bill.add("standard queue requests", requests, prices.services.sqs_requests(r.region))


def _sns(bill: _Bill, prices: PriceCatalog) -> None:
    r = bill.resource
    requests = bill.usage("requests", 0, "No publishes unless given (requests).")
    bill.assumptions.append("SNS deliveries to SQS and Lambda are free.")
    if requests:
        bill.add("publishes", requests, prices.services.sns_requests(r.region))


SERVICE_PRICERS: dict[str, Callable[[_Bill, PriceCatalog], None]] = {
    "fargate_task": _fargate,
    "aurora_instance": _aurora_instance,
    "aurora_storage": _aurora_storage,
    "cloudfront_distribution": _cloudfront,
    "api_gateway": _api_gateway,
    "sqs_queue": _sqs,
    "sns_topic": _sns,
}
