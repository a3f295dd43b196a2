"""Monthly run-rate of resources from list prices, with line items and explicit assumptions."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from decimal import Decimal

from tools.cost.catalog import Price, PriceCatalog, catalog
from tools.cost.estimate_models import (
    HOURS_PER_MONTH,
    CostResource,
    GroupTotal,
    LineItem,
    ResourceEstimate,
)
from tools.errors import InvalidInput

GP3_FREE_IOPS = 3000
GP3_FREE_MIBPS = 125
ZERO = Decimal(0)


class _Bill:
    """Collects the line items and assumptions of one resource."""

    def __init__(self, resource: CostResource) -> None:
        self.resource = resource
        self.items: list[LineItem] = []
        self.assumptions: list[str] = []

    def add(self, description: str, quantity: Decimal | int, price: Price) -> None:
        amount = Decimal(quantity)
        self.items.append(
            LineItem(
                description=description,
                quantity=amount,
                unit=price.unit,
                unit_price=price.usd,
                monthly_usd=amount * price.usd,
                as_of=price.as_of,
            )
        )

    def usage(self, key: str, default: Decimal | int, why: str) -> Decimal:
        value = self.resource.usage.get(key)
        if value is None:
            self.assumptions.append(why)
            return Decimal(default)
        return Decimal(value)

    def hours(self) -> Decimal:
        return self.usage("hours", HOURS_PER_MONTH, "730 hours a month (always on).")

    def result(self) -> ResourceEstimate:
        total = sum((item.monthly_usd for item in self.items), ZERO)
        return ResourceEstimate(
            resource=self.resource,
            line_items=self.items,
            monthly_usd=total,
            assumptions=list(dict.fromkeys(self.assumptions)),
        )


def _ec2(bill: _Bill, prices: PriceCatalog) -> None:
    r = bill.resource
    if r.state not in (None, "running", "pending"):
        bill.assumptions.append(f"{r.state}: no instance-hours are charged (EBS still is).")
        return
    bill.add(
        f"{r.instance_type} Linux on-demand",
        bill.hours(),
        prices.ec2_instance(str(r.instance_type), r.region),
    )
    if r.public_ip:
        bill.add("public IPv4 address", bill.hours(), prices.public_ipv4(r.region))


def _ebs(bill: _Bill, prices: PriceCatalog) -> None:
    r = bill.resource
    kind = r.volume_type or "gp2"
    bill.add(f"{kind} storage", r.size_gb, prices.ebs_storage(kind, r.region))
    if kind == "gp3":
        extra_iops = max(0, (r.iops or GP3_FREE_IOPS) - GP3_FREE_IOPS)
        extra_mibps = max(0, (r.throughput_mibps or GP3_FREE_MIBPS) - GP3_FREE_MIBPS)
        if extra_iops:
            bill.add("gp3 IOPS above 3,000", extra_iops, prices.ebs_iops("gp3", r.region))
        if extra_mibps:
            bill.add(
                "gp3 throughput above 125 MiB/s", extra_mibps, prices.ebs_gp3_throughput(r.region)
            )
    elif kind in ("io1", "io2") and r.iops:
        bill.add(f"{kind} provisioned IOPS", r.iops, prices.ebs_iops(kind, r.region))
        if kind == "io2" and r.iops > 32000:
            bill.assumptions.append("io2 IOPS above 32,000 priced at the first-tier rate.")


def _snapshot(bill: _Bill, prices: PriceCatalog) -> None:
    r = bill.resource
    bill.assumptions.append("Snapshot billed at its full source-volume size (upper bound).")
    bill.add("snapshot storage", r.size_gb, prices.ebs_snapshot(r.region))


def _address(bill: _Bill, prices: PriceCatalog) -> None:
    bill.add(
        "public IPv4 address (Elastic IP)", bill.hours(), prices.public_ipv4(bill.resource.region)
    )


def _rds(bill: _Bill, prices: PriceCatalog) -> None:
    r = bill.resource
    engine = r.engine or "postgres"
    price = prices.rds_instance(str(r.instance_type), engine, r.multi_az, r.region)
    if r.state in ("stopped",):
        bill.assumptions.append("stopped: no instance-hours are charged (storage still is).")
    else:
        bill.add(f"{price.item} instance", bill.hours(), price)
    storage = r.volume_type or "gp2"
    bill.add(
        f"{storage} storage", r.size_gb, prices.rds_storage(storage, engine, r.multi_az, r.region)
    )


def _nat(bill: _Bill, prices: PriceCatalog) -> None:
    r = bill.resource
    bill.add("NAT gateway hours", bill.hours(), prices.nat_hour(r.region))
    gb = bill.usage("gb_processed", 0, "No NAT data processed unless given (gb_processed).")
    if gb:
        bill.add("NAT data processed", gb, prices.nat_gb(r.region))


def _lb(bill: _Bill, prices: PriceCatalog) -> None:
    r = bill.resource
    kind = r.volume_type or "application"
    bill.add(f"{kind} load balancer hours", bill.hours(), prices.elb_hour(kind, r.region))
    lcu = r.usage.get("lcu")
    if lcu is None:
        bill.assumptions.append("Capacity units (LCU) are usage-based and not included.")
    elif lcu:
        lcu_price = prices.services.elb(kind, r.region, "LCU Hours")
        bill.add(f"{kind} load balancer capacity units ({lcu} LCU)", lcu * bill.hours(), lcu_price)


def _s3(bill: _Bill, prices: PriceCatalog) -> None:
    r = bill.resource
    storage_class = r.volume_type or "standard"
    gb = bill.usage("storage_gb", r.size_gb, "Storage as given (size_gb).")
    bill.add(f"S3 {storage_class} storage", gb, prices.s3_storage(storage_class, r.region))
    puts = bill.usage("put_requests", 0, "No requests unless given (put_requests, get_requests).")
    gets = bill.usage("get_requests", 0, "No requests unless given (put_requests, get_requests).")
    request_class = "standard-ia" if storage_class == "standard-ia" else "standard"
    if puts:
        bill.add(
            "PUT/COPY/POST/LIST requests", puts, prices.s3_request(request_class, "put", r.region)
        )
    if gets:
        bill.add("GET and other requests", gets, prices.s3_request(request_class, "get", r.region))


def _lambda(bill: _Bill, prices: PriceCatalog) -> None:
    r = bill.resource
    arch = r.arch or "x86"
    requests = bill.usage("requests", 0, "No invocations unless given (requests).")
    duration = bill.usage("avg_duration_ms", 100, "100 ms average duration unless given.")
    memory = Decimal(r.memory_mb or 128)
    bill.assumptions.append("Free tier not deducted.")
    if requests:
        bill.add(f"{arch} requests", requests, prices.lambda_requests(r.region, arch))
        gb_seconds = requests * duration / 1000 * memory / 1024
        bill.add(
            f"{arch} duration ({memory} MB)", gb_seconds, prices.lambda_duration(r.region, arch)
        )


def _dynamodb(bill: _Bill, prices: PriceCatalog) -> None:
    r = bill.resource
    reads = bill.usage("reads", 0, "No on-demand reads/writes unless given (reads, writes).")
    writes = bill.usage("writes", 0, "No on-demand reads/writes unless given (reads, writes).")
    bill.add("on-demand storage", r.size_gb, prices.dynamodb("storage", r.region))
    if reads:
        bill.add("on-demand read request units", reads, prices.dynamodb("read", r.region))
    if writes:
        bill.add("on-demand write request units", writes, prices.dynamodb("write", r.region))


def _elasticache(bill: _Bill, prices: PriceCatalog) -> None:
    r = bill.resource
    price = prices.elasticache_node(str(r.instance_type), r.engine or "redis", r.region)
    bill.add(f"{price.item} node hours", bill.hours(), price)


def _transfer(bill: _Bill, prices: PriceCatalog) -> None:
    r = bill.resource
    remaining = bill.usage("gb_out", 0, "No internet egress unless given (gb_out).")
    bill.assumptions.append("The 100 GB monthly free allowance is not deducted.")
    floor = 0
    for up_to, price in prices.data_transfer_out(r.region):
        if remaining <= 0:
            break
        span = remaining if up_to is None else min(remaining, Decimal(up_to - floor))
        bill.add(f"internet egress tier above {floor:,} GB", span, price)
        remaining -= span
        floor = up_to or floor


PRICERS: dict[str, Callable[[_Bill, PriceCatalog], None]] = {
    "ec2_instance": _ec2,
    "ebs_volume": _ebs,
    "ebs_snapshot": _snapshot,
    "elastic_ip": _address,
    "rds_instance": _rds,
    "nat_gateway": _nat,
    "load_balancer": _lb,
    "s3_bucket": _s3,
    "lambda_function": _lambda,
    "dynamodb_table": _dynamodb,
    "elasticache_node": _elasticache,
    "data_transfer": _transfer,
}


from tools.cost.estimator_services import SERVICE_PRICERS  # noqa: E402 (uses _Bill above)

PRICERS.update(SERVICE_PRICERS)
Bill = _Bill
"""The line-item collector pricers receive (for pricers in other modules)."""


def estimate(resource: CostResource, prices: PriceCatalog | None = None) -> ResourceEstimate:
    """Monthly run-rate of one resource.

    Args:
        resource: what to price.
        prices: catalog to use (default: the process-wide one).
    """
    bill = _Bill(resource)
    PRICERS[resource.kind](bill, prices or catalog())
    return bill.result()


def estimate_all(resources: Iterable[CostResource]) -> list[ResourceEstimate]:
    """Run-rates of many resources, most expensive first.

    Args:
        resources: what to price.
    """
    prices = catalog()
    estimates = [estimate(r, prices) for r in resources]
    return sorted(estimates, key=lambda e: e.monthly_usd, reverse=True)


GROUPINGS = ("region", "account", "kind")


def check_grouping(by: str) -> str:
    """``by`` when it is a grouping the estimator knows, else a clear error.

    Args:
        by: ``region``, ``account``, ``kind`` or ``tag:<key>``.
    """
    if by in GROUPINGS or (by.startswith("tag:") and len(by) > 4):
        return by
    raise InvalidInput(f"Cannot group by '{by}'. Choose one of: region, account, kind, tag:<key>.")


def group_key(resource: CostResource, by: str) -> str:
    """The group a resource falls in.

    Args:
        resource: the resource.
        by: ``account``, ``region``, ``kind`` or ``tag:<key>``.
    """
    if by.startswith("tag:"):
        key = by[4:]
        return f"{key}={resource.tags.get(key, '(untagged)')}"
    if by == "account":
        return resource.account or "primary"
    if by == "kind":
        return resource.kind
    return resource.region


def group_totals(estimates: Iterable[ResourceEstimate], by: str) -> list[GroupTotal]:
    """Run-rate per group, largest first.

    Args:
        estimates: priced resources.
        by: ``account``, ``region``, ``kind`` or ``tag:<key>``.
    """
    totals: dict[str, Decimal] = defaultdict(Decimal)
    counts: dict[str, int] = defaultdict(int)
    for item in estimates:
        key = group_key(item.resource, by)
        totals[key] += item.monthly_usd
        counts[key] += 1
    groups = [GroupTotal(key=k, monthly_usd=v, resources=counts[k]) for k, v in totals.items()]
    return sorted(groups, key=lambda g: g.monthly_usd, reverse=True)
