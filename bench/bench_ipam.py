"""IPAM engine benchmarks against naive baselines measured in the same run.

Run: ``uv run python -m bench.bench_ipam [--quick]``. Uses the real AWS ip-ranges
(``../shared/data/ip-ranges/aws-ip-ranges.json``) and synthetic pools.
"""

from __future__ import annotations

import argparse
import ipaddress
import itertools
import json
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import netaddr

from core.clock import Clock
from tools.errors import ToolError
from tools.ipam.cidrs import Network
from tools.ipam.overlaps import find_overlaps
from tools.ipam.space import AddressSpace

SHARED = Path(__file__).resolve().parents[2] / "shared"
AWS_RANGES = SHARED / "data" / "ip-ranges" / "aws-ip-ranges.json"
ROOT = ipaddress.ip_network("10.0.0.0/8")


def timed(action: Callable[[], Any]) -> tuple[float, Any]:
    """Seconds taken by ``action`` and its result."""
    start = time.perf_counter()
    result = action()
    return time.perf_counter() - start, result


def line(label: str, ours: float, baseline: float, unit: str = "s", note: str = "") -> None:
    """Print one comparison."""
    scale = 1000 if unit == "ms" else 1
    ratio = baseline / ours if ours else float("inf")
    verdict = f"{ratio:,.1f}x faster" if ratio >= 1 else f"{1 / ratio:,.1f}x slower"
    print(
        f"  {label:<48} ours {ours * scale:10.3f} {unit}   baseline {baseline * scale:10.3f} "
        f"{unit}   {verdict} {note}"
    )


def aws_prefixes() -> list[Network]:
    """The real AWS IPv4 and IPv6 prefixes."""
    data = json.loads(AWS_RANGES.read_text())
    v4 = [ipaddress.ip_network(p["ip_prefix"]) for p in data["prefixes"]]
    v6 = [ipaddress.ip_network(p["ipv6_prefix"]) for p in data["ipv6_prefixes"]]
    return v4 + v6


def fragmented_pool(count: int, seed: int = 7) -> AddressSpace:
    """A /8 holding ``count`` allocations of /24-/28 after some churn (10% released)."""
    rng = random.Random(seed)
    space = AddressSpace([ROOT])
    extra = count // 10
    taken = [space.allocate(rng.randint(24, 28), "best").network for _ in range(count + extra)]
    for network in rng.sample(taken, extra):
        space.release(network)
    return space


def naive_best_fit(free: netaddr.IPSet, prefixlen: int) -> netaddr.IPNetwork:
    """Baseline: scan every free CIDR of an IPSet for the smallest that holds a /N."""
    best = None
    for cidr in free.iter_cidrs():
        if cidr.prefixlen <= prefixlen and (best is None or cidr.prefixlen > best.prefixlen):
            best = cidr
    if best is None:
        raise ValueError("full")
    chosen = netaddr.IPNetwork(f"{best.network}/{prefixlen}")
    free.remove(chosen)
    return chosen


def bench_next_available(count: int, samples: int, baseline_samples: int) -> None:
    """p50/p99 latency of allocating the next /N at ``count`` allocations."""
    build, space = timed(lambda: fragmented_pool(count))
    print(f"  built a /8 with {len(space):,} allocations in {build:.2f} s")
    rng = random.Random(1)
    ours = []
    for _ in range(samples):
        prefixlen = rng.randint(22, 28)
        elapsed, got = timed(lambda p=prefixlen: space.allocate(p, "best"))  # type: ignore[misc]
        ours.append(elapsed)
        space.release(got.network)
    first = [
        timed(lambda: space.next_available(rng.randint(22, 28), "first"))[0] for _ in range(samples)
    ]
    free = netaddr.IPSet([str(ROOT)]) - netaddr.IPSet([str(e.network) for e in space.entries()])
    naive = []
    for _ in range(baseline_samples):
        prefixlen = rng.randint(22, 28)
        elapsed, got = timed(lambda p=prefixlen: naive_best_fit(free, p))  # type: ignore[misc]
        naive.append(elapsed)
        free.add(got)
    p99 = statistics.quantiles(ours, n=100)[98]
    naive_p99 = statistics.quantiles(naive, n=100)[98] if len(naive) >= 2 else naive[0]
    line(
        f"next-available best-fit p50 ({count:,} allocs)",
        statistics.median(ours),
        statistics.median(naive),
        "ms",
        "(baseline: netaddr IPSet scan)",
    )
    line(
        f"next-available best-fit p99 ({count:,} allocs)",
        p99,
        naive_p99,
        "ms",
        "(target p99 < 5 ms)",
    )
    print(f"  next-available first-fit p99: {statistics.quantiles(first, n=100)[98] * 1000:.3f} ms")


def bench_gap_analysis(count: int) -> None:
    """Free ranges, free CIDR blocks and largest block of a /8 with ``count`` allocations."""
    space = fragmented_pool(count, seed=11)

    def ours() -> int:
        ranges = space.free_ranges()
        blocks = space.free_blocks()
        space.largest_free_block()
        return len(ranges) + len(blocks)

    def naive() -> int:
        free = netaddr.IPSet([str(ROOT)]) - netaddr.IPSet([str(e.network) for e in space.entries()])
        cidrs = list(free.iter_cidrs())
        ranges = list(free.iter_ipranges())
        max(cidrs, key=lambda c: c.size)
        return len(cidrs) + len(ranges)

    ours_s, ours_n = timed(ours)
    naive_s, naive_n = timed(naive)
    assert ours_n == naive_n, (ours_n, naive_n)
    line(
        f"gap analysis of a /8 with {count:,} allocs",
        ours_s,
        naive_s,
        "s",
        "(baseline: netaddr IPSet difference; target < 1 s)",
    )


def pairwise(networks: list[Network]) -> int:
    """Baseline: every pair checked with ipaddress ``overlaps``."""
    found = 0
    for a, b in itertools.combinations(networks, 2):
        if a.version == b.version and a.overlaps(b):
            found += 1
    return found


def bench_overlaps(total: int, sample: int) -> None:
    """Overlap detection among the real AWS prefixes plus synthetic CIDRs."""
    real = aws_prefixes()
    rng = random.Random(3)
    synthetic = [
        ipaddress.ip_network((rng.getrandbits(32) & ~((1 << (32 - p)) - 1), p))
        for p in (rng.randint(16, 28) for _ in range(max(total - len(real), 0)))
    ]
    networks = (real + synthetic)[:total]
    ours_s, found = timed(lambda: find_overlaps((n, n) for n in networks))
    subset = networks[:sample]
    naive_s, naive_found = timed(lambda: pairwise(subset))
    ours_small, small_found = timed(lambda: find_overlaps((n, n) for n in subset))
    assert len(small_found) == naive_found
    extrapolated = naive_s * (len(networks) / sample) ** 2
    print(
        f"  {len(networks):,} CIDRs ({len(real):,} real AWS prefixes): {len(found):,} "
        "overlapping pairs"
    )
    line(f"overlaps among {sample:,} CIDRs (sweep vs pairwise)", ours_small, naive_s, "s")
    line(
        f"overlaps among {len(networks):,} CIDRs",
        ours_s,
        extrapolated,
        "s",
        "(baseline pairwise O(n^2) extrapolated; target < 2 s)",
    )


def bench_aws_space() -> None:
    """Occupy the collapsed AWS IPv4 space in 0.0.0.0/0 and list its gaps."""
    v4 = [n for n in aws_prefixes() if n.version == 4]
    collapsed = list(ipaddress.collapse_addresses(v4))  # type: ignore[arg-type]

    def ours() -> int:
        space = AddressSpace([ipaddress.ip_network("0.0.0.0/0")])
        for network in collapsed:
            space.occupy(network)
        return len(space.free_blocks())

    def naive() -> int:
        free = netaddr.IPSet(["0.0.0.0/0"]) - netaddr.IPSet([str(n) for n in collapsed])
        return len(list(free.iter_cidrs()))

    ours_s, ours_n = timed(ours)
    naive_s, naive_n = timed(naive)
    assert ours_n == naive_n
    line(
        f"AWS IPv4 ({len(v4):,} prefixes) -> free blocks of 0/0",
        ours_s,
        naive_s,
        "s",
        f"({ours_n:,} free blocks)",
    )


def bench_csv_import(pools: int) -> None:
    """Validate and write ``pools`` pools from CSV into SQLite."""
    from tools.ipam import transfer

    rows = ["name,parent,cidr,environment,region,owner", "root,,10.0.0.0/8,,,netops"]
    rows += [
        f"p{i},root,10.{i // 256}.{i % 256}.0/24,prod,eu-west-1,team{i % 7}" for i in range(pools)
    ]
    text = "\n".join(rows)
    with tempfile.TemporaryDirectory() as folder:
        from core.db import Database

        db = Database(f"sqlite:///{folder}/bench.db")
        db.migrate()
        now = Clock().now()
        ours_s, report = timed(
            lambda: transfer.import_rows(db, text, "csv", "bench", apply=True, now=now)
        )
        assert report.valid == pools + 1, report

        sample = rows[2 : 2 + min(pools, 3_000)]

        def naive() -> int:
            seen: list[Network] = []
            for row in sample:
                network = ipaddress.ip_network(row.split(",")[2])
                if any(network.overlaps(other) for other in seen):
                    raise ValueError(f"{network} overlaps")
                seen.append(network)
            return len(seen)

        naive_s, _ = timed(naive)
        naive_s *= (pools / len(sample)) ** 2
        db.dispose()
    line(
        f"CSV import of {pools:,} pools (validate + write)",
        ours_s,
        naive_s,
        "s",
        "(baseline: pairwise sibling checks only, O(n^2) extrapolated; target < 5 s)",
    )


def main() -> None:
    """Run every benchmark."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smaller sizes, for CI smoke runs")
    quick = parser.parse_args().quick
    count = 20_000 if quick else 100_000
    print(f"IPAM benchmarks ({'quick' if quick else 'full'}: {count:,} allocations)")
    bench_next_available(
        count, samples=300 if quick else 2000, baseline_samples=20 if quick else 50
    )
    bench_gap_analysis(count)
    bench_overlaps(count, sample=1000 if quick else 2000)
    bench_aws_space()
    try:
        bench_csv_import(2_000 if quick else 10_000)
    except (ImportError, ToolError) as error:
        print(f"  CSV import: not measured ({error})")


if __name__ == "__main__":
    main()
