"""Pure analysis of a pool's address space: utilisation, fragmentation, gaps and runway."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from tools.ipam.cidrs import usable_addresses
from tools.ipam.space import AddressSpace


@dataclass(frozen=True)
class Utilisation:
    """How a pool's addresses are used.

    Attributes:
        size: addresses in the pool.
        allocated: addresses in allocations.
        reserved: addresses in reservations.
        child_pools: addresses given to child pools.
        free: addresses not occupied.
        usable_allocated: addresses hosts can use in the allocations (AWS keeps 5 per subnet).
    """

    size: int
    allocated: int
    reserved: int
    child_pools: int
    free: int
    usable_allocated: int

    @property
    def used_pct(self) -> float:
        """Occupied share of the pool in percent."""
        return 100.0 * (self.size - self.free) / self.size if self.size else 0.0


def utilisation(space: AddressSpace) -> Utilisation:
    """Count the pool's addresses by use.

    Args:
        space: the pool's address space.
    """
    usable = sum(
        usable_addresses(e.network, aws_subnet=e.network.version == 4)
        for e in space.entries()
        if e.kind == "allocation"
    )
    return Utilisation(
        size=space.size,
        allocated=space.used_by("allocation"),
        reserved=space.used_by("reservation"),
        child_pools=space.used_by("pool"),
        free=space.free,
        usable_allocated=usable,
    )


def fragmentation(space: AddressSpace) -> float:
    """0 when the free space is one block, towards 1 as it is scattered in small pieces.

    Defined as ``1 - largest free block / free addresses``.

    Args:
        space: the pool's address space.
    """
    largest = space.largest_free_block()
    if largest is None or space.free == 0:
        return 0.0
    return round(1.0 - largest.num_addresses / space.free, 4)


@dataclass(frozen=True)
class Runway:
    """When the pool is projected to be full at the recent allocation rate.

    Attributes:
        rate_per_day: net addresses allocated per day (least-squares slope of the history).
        days_left: days until the free space runs out, or None when it is not shrinking.
        full_on: projected date, or None.
        samples: history entries used.
    """

    rate_per_day: float
    days_left: float | None
    full_on: datetime | None
    samples: int


def runway(history: Sequence[tuple[datetime, int]], free: int, now: datetime) -> Runway:
    """Project when ``free`` addresses run out from the allocation history.

    Args:
        history: (when, addresses allocated (+) or released (-)) in time order.
        free: addresses free now.
        now: the current time.
    """
    if len(history) < 2:
        return Runway(0.0, None, None, len(history))
    origin = history[0][0]
    days = [(when - origin).total_seconds() / 86400 for when, _ in history]
    cumulative, total = [], 0
    for _, delta in history:
        total += delta
        cumulative.append(total)
    mean_x, mean_y = sum(days) / len(days), sum(cumulative) / len(cumulative)
    spread = sum((x - mean_x) ** 2 for x in days)
    if spread == 0:
        return Runway(0.0, None, None, len(history))
    slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(days, cumulative, strict=True)) / spread
    if slope <= 0:
        return Runway(round(slope, 2), None, None, len(history))
    left = free / slope
    return Runway(round(slope, 2), round(left, 1), now + timedelta(days=left), len(history))


def gap_summary(space: AddressSpace, limit: int = 50) -> tuple[list[str], int]:
    """The free ranges (as ``first - last (n addresses)``) and how many there are.

    Args:
        space: the pool's address space.
        limit: how many ranges to describe.
    """
    ranges = space.free_ranges()
    described = []
    for low, high in ranges[:limit]:
        first = space.address(low)
        last = space.address(high)
        described.append(f"{first} to {last} ({high - low + 1:,} addresses)")
    return described, len(ranges)
