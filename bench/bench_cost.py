"""Benchmark: estimate 10,000 inventory resources with the indexed catalog vs a naive JSON scan.

The naive baseline does what a first version would: for every resource, open the relevant
shared price file, parse it and scan it linearly for the region and type. It is far too slow
to run 10,000 times, so it runs on a sample and its per-resource time is scaled up; both
figures are printed. Also prints the load time and peak memory of the catalog.

    uv run python bench/bench_cost.py           # 10,000 resources, naive sample of 300
    uv run python bench/bench_cost.py --quick   # 2,000 resources, naive sample of 40
"""

from __future__ import annotations

import argparse
import json
import random
import time
import tracemalloc
from decimal import Decimal
from pathlib import Path
from typing import Any

from tools.cost import catalog as catalog_module
from tools.cost.catalog import PriceCatalog
from tools.cost.estimate_models import HOURS_PER_MONTH, CostResource
from tools.cost.estimator import estimate_all

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "aws-prices"
REGIONS = ("us-east-1", "eu-west-1", "ap-southeast-2", "eu-central-1", "us-west-2")
TYPES = ("t3.micro", "t3.small", "m5.large", "m5.xlarge", "c6i.large", "r6i.large", "m6i.2xlarge")
VOLUMES = ("gp2", "gp3", "st1", "sc1")


def inventory(count: int, seed: int = 42) -> list[CostResource]:
    """A deterministic mix of instances, volumes, databases, NAT gateways and IPs.

    Args:
        count: how many resources.
        seed: random seed.
    """
    rng = random.Random(seed)
    made: list[CostResource] = []
    for i in range(count):
        region = rng.choice(REGIONS)
        roll = rng.random()
        if roll < 0.5:
            made.append(
                CostResource(
                    kind="ec2_instance",
                    resource_id=f"i-{i}",
                    region=region,
                    instance_type=rng.choice(TYPES),
                    state="running",
                )
            )
        elif roll < 0.85:
            made.append(
                CostResource(
                    kind="ebs_volume",
                    resource_id=f"vol-{i}",
                    region=region,
                    volume_type=rng.choice(VOLUMES),
                    size_gb=Decimal(rng.randint(8, 2000)),
                )
            )
        elif roll < 0.93:
            made.append(
                CostResource(
                    kind="rds_instance",
                    resource_id=f"db-{i}",
                    region=region,
                    instance_type="db.m5.large",
                    engine="postgres",
                    multi_az=rng.random() < 0.5,
                    volume_type="gp2",
                    size_gb=Decimal(100),
                )
            )
        elif roll < 0.97:
            made.append(CostResource(kind="nat_gateway", resource_id=f"nat-{i}", region=region))
        else:
            made.append(CostResource(kind="elastic_ip", resource_id=f"eip-{i}", region=region))
    return made


def _scan(path: Path, *keys: str) -> Any:
    """Parse the whole file and walk it key by key with a linear scan at each level."""
    node: Any = json.loads(path.read_text(), parse_float=Decimal)
    for key in keys:
        node = next(value for name, value in node.items() if name == key)
    return node


def naive_monthly(r: CostResource) -> Decimal:
    """One resource priced the naive way (no index, files parsed per resource).

    Args:
        r: the resource.
    """
    if r.kind == "ec2_instance":
        row = _scan(SHARED / "ec2_ondemand_linux.json", "regions", r.region, str(r.instance_type))
        return HOURS_PER_MONTH * row["usd_per_hour"]
    if r.kind == "rds_instance":
        deployment = "Multi-AZ" if r.multi_az else "Single-AZ"
        row = _scan(SHARED / "rds_ondemand.json", "regions", r.region, str(r.instance_type))
        storage = _scan(SHARED / "summary.json", "regions", r.region, "rds_storage", "PostgreSQL")
        key = f"gp2_{'multi' if r.multi_az else 'single'}_az_usd_per_gb_month"
        return HOURS_PER_MONTH * row["PostgreSQL"][deployment] + r.size_gb * storage[key]
    section = {"ebs_volume": "ebs", "nat_gateway": "nat_gateway", "elastic_ip": "vpc"}[r.kind]
    body = _scan(SHARED / "summary.json", "regions", r.region, section)
    if r.kind == "ebs_volume":
        return r.size_gb * body[f"{r.volume_type}_usd_per_gb_month"]
    if r.kind == "nat_gateway":
        return HOURS_PER_MONTH * body["usd_per_hour"]
    return HOURS_PER_MONTH * body["public_ipv4_in_use_usd_per_hour"]


def main() -> None:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smaller run for a smoke test")
    parser.add_argument("--count", type=int, default=None, help="resources to estimate")
    options = parser.parse_args()
    count = options.count or (2_000 if options.quick else 10_000)
    sample = 40 if options.quick else 300
    resources = inventory(count)

    tracemalloc.start()
    started = time.perf_counter()
    catalog_module._CATALOG.clear()
    prices = catalog_module.catalog()
    load_seconds = time.perf_counter() - started
    current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert isinstance(prices, PriceCatalog)

    started = time.perf_counter()
    estimates = estimate_all(resources)
    fast = time.perf_counter() - started

    subset = resources[:sample]
    started = time.perf_counter()
    naive = [naive_monthly(r) for r in subset]
    naive_seconds = time.perf_counter() - started
    by_id = {e.resource.resource_id: e.monthly_usd for e in estimates}
    mismatches = sum(1 for r, n in zip(subset, naive, strict=True) if by_id[r.resource_id] != n)
    naive_full = naive_seconds / sample * count

    print(
        f"catalog load: {load_seconds:.3f} s, peak memory {peak / 2**20:.1f} MiB, "
        f"retained {current / 2**20:.1f} MiB"
    )
    print(
        f"indexed estimate of {count:,} resources: {fast:.3f} s "
        f"({fast / count * 1e6:.1f} us/resource)"
    )
    print(
        f"naive JSON scan: {naive_seconds:.2f} s for {sample} resources "
        f"({naive_seconds / sample * 1e3:.1f} ms/resource) -> {naive_full:.0f} s for {count:,}"
    )
    print(f"same figures on the sample: {sample - mismatches}/{sample}")
    print(f"speed-up (naive / indexed, per resource): {naive_full / fast:.0f}x (target >= 20x)")
    print(f"speed-up including the one-off catalog load: {naive_full / (fast + load_seconds):.0f}x")


if __name__ == "__main__":
    main()
