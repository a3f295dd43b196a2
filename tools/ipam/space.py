"""An address-space index for one pool: occupied blocks and free blocks, kept sorted.

Occupied blocks (allocations, reservations, child pools) live in sorted integer lists searched
with ``bisect``. The free space is kept as its canonical decomposition into maximal aligned CIDR
blocks (``ipaddress.summarize_address_range`` of every gap), indexed by prefix length. Any aligned
``/N`` that fits in the free space lies inside exactly one of those blocks, so the next available
``/N`` is found by looking at one sorted list per prefix length: O(bits + log n), whatever the
number of allocations.
"""

from __future__ import annotations

import bisect
import heapq
import ipaddress
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Literal

from tools.errors import InvalidInput, NotFound
from tools.ipam.cidrs import IpVersion, Network, check_prefix_length, require_same_version

Strategy = Literal["best", "first"]
Kind = Literal["allocation", "reservation", "pool"]


@dataclass(frozen=True)
class Occupied:
    """A block taken out of the free space.

    Attributes:
        network: the CIDR block.
        kind: allocation, reservation or child pool.
        label: who or what holds it (purpose, pool name...).
    """

    network: Network
    kind: Kind
    label: str = ""


def _network(start: int, prefixlen: int, version: IpVersion) -> Network:
    if version == 4:
        return ipaddress.IPv4Network((start, prefixlen))
    return ipaddress.IPv6Network((start, prefixlen))


class AddressSpace:
    """The address space of one pool: its root blocks, what is occupied and what is free."""

    def __init__(self, roots: Iterable[Network]) -> None:
        """Start with every root block free.

        Args:
            roots: the pool's CIDR blocks (one IP version, not overlapping).
        """
        ordered = sorted(roots, key=lambda n: int(n.network_address))
        if not ordered:
            raise InvalidInput("A pool needs at least one CIDR block.")
        self.version: IpVersion = require_same_version(ordered)
        self.bits = 32 if self.version == 4 else 128
        self.roots: list[Network] = ordered
        self._root_starts = [int(n.network_address) for n in ordered]
        self._root_ends = [int(n.broadcast_address) for n in ordered]
        self._starts: list[int] = []
        self._ends: list[int] = []
        self._entries: dict[int, Occupied] = {}
        self._free: dict[int, list[int]] = {p: [] for p in range(self.bits + 1)}
        self._used: dict[str, int] = {"allocation": 0, "reservation": 0, "pool": 0}
        for start, end in zip(self._root_starts, self._root_ends, strict=True):
            self._add_gap(start, end)

    # -- sizes ---------------------------------------------------------------------------------

    @property
    def size(self) -> int:
        """Addresses in all root blocks."""
        return sum(n.num_addresses for n in self.roots)

    @property
    def used(self) -> int:
        """Addresses occupied by anything."""
        return sum(self._used.values())

    def used_by(self, kind: Kind) -> int:
        """Addresses occupied by one kind of block.

        Args:
            kind: allocation, reservation or pool.
        """
        return self._used[kind]

    @property
    def free(self) -> int:
        """Addresses not occupied."""
        return self.size - self.used

    def __len__(self) -> int:
        return len(self._starts)

    # -- free-block index ----------------------------------------------------------------------

    def address(self, value: int) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
        """The address object of the integer ``value`` in this pool's IP version.

        Args:
            value: integer address.
        """
        if self.version == 4:
            return ipaddress.IPv4Address(value)
        return ipaddress.IPv6Address(value)

    def _blocks(self, low: int, high: int) -> Iterator[Network]:
        first, last = self.address(low), self.address(high)
        yield from ipaddress.summarize_address_range(first, last)

    def _add_gap(self, low: int, high: int) -> None:
        for block in self._blocks(low, high):
            bisect.insort(self._free[block.prefixlen], int(block.network_address))

    def _remove_gap(self, low: int, high: int) -> None:
        for block in self._blocks(low, high):
            starts = self._free[block.prefixlen]
            index = bisect.bisect_left(starts, int(block.network_address))
            del starts[index]

    def _root_index(self, start: int, end: int) -> int | None:
        index = bisect.bisect_right(self._root_starts, start) - 1
        if index >= 0 and end <= self._root_ends[index]:
            return index
        return None

    def _gap_around(self, index: int, root: int) -> tuple[int, int]:
        """The free gap bounds between entry ``index - 1`` and entry ``index`` inside ``root``."""
        low = self._root_starts[root]
        if index > 0 and self._ends[index - 1] >= low:
            low = self._ends[index - 1] + 1
        high = self._root_ends[root]
        if index < len(self._starts) and self._starts[index] <= high:
            high = self._starts[index] - 1
        return low, high

    # -- queries -------------------------------------------------------------------------------

    def contains(self, network: Network) -> bool:
        """True when ``network`` lies inside one of the root blocks.

        Args:
            network: block to test.
        """
        if network.version != self.version:
            return False
        start, end = int(network.network_address), int(network.broadcast_address)
        return self._root_index(start, end) is not None

    def overlapping(self, network: Network) -> list[Occupied]:
        """Occupied blocks that overlap ``network``.

        Args:
            network: block to test.
        """
        if network.version != self.version:
            return []
        start, end = int(network.network_address), int(network.broadcast_address)
        index = bisect.bisect_right(self._starts, start) - 1
        found: list[Occupied] = []
        if index >= 0 and self._ends[index] >= start:
            found.append(self._entries[self._starts[index]])
        index += 1
        while index < len(self._starts) and self._starts[index] <= end:
            found.append(self._entries[self._starts[index]])
            index += 1
        return found

    def is_free(self, network: Network) -> bool:
        """True when ``network`` is inside the pool and overlaps nothing occupied.

        Args:
            network: block to test.
        """
        return self.contains(network) and not self.overlapping(network)

    def entry(self, network: Network) -> Occupied | None:
        """The occupied block that is exactly ``network``, if any.

        Args:
            network: block to look up.
        """
        found = self._entries.get(int(network.network_address))
        return found if found is not None and found.network == network else None

    def entries(self) -> list[Occupied]:
        """Occupied blocks in address order."""
        return [self._entries[start] for start in self._starts]

    def free_blocks(self) -> list[Network]:
        """The free space as maximal aligned CIDR blocks, in address order."""
        tagged = [[(start, p) for start in starts] for p, starts in self._free.items() if starts]
        return [_network(start, p, self.version) for start, p in heapq.merge(*tagged)]

    def free_ranges(self) -> list[tuple[int, int]]:
        """The free space as (first, last) integer address ranges, in address order."""
        ranges: list[tuple[int, int]] = []
        position = 0
        for root_start, root_end in zip(self._root_starts, self._root_ends, strict=True):
            cursor = root_start
            position = bisect.bisect_left(self._starts, root_start, lo=position)
            while position < len(self._starts) and self._starts[position] <= root_end:
                if self._starts[position] > cursor:
                    ranges.append((cursor, self._starts[position] - 1))
                cursor = self._ends[position] + 1
                position += 1
            if cursor <= root_end:
                ranges.append((cursor, root_end))
        return ranges

    def largest_free_block(self) -> Network | None:
        """The biggest free CIDR block (lowest address on ties), or None when full."""
        for prefixlen in range(self.bits + 1):
            if self._free[prefixlen]:
                return _network(self._free[prefixlen][0], prefixlen, self.version)
        return None

    def free_block_count(self, prefixlen: int) -> int:
        """How many ``/prefixlen`` blocks could still be carved out of the free space.

        Args:
            prefixlen: block size asked about.
        """
        return sum(
            len(starts) << (prefixlen - p)
            for p, starts in self._free.items()
            if p <= prefixlen and starts
        )

    def next_available(self, prefixlen: int, strategy: Strategy = "best") -> Network:
        """The ``/prefixlen`` block the pool would hand out next (nothing is occupied).

        Best-fit takes it from the smallest free block that can hold it, to limit
        fragmentation; first-fit takes the lowest address.

        Args:
            prefixlen: size of the block wanted.
            strategy: ``best`` (default) or ``first``.

        Raises:
            InvalidInput: when no free block is large enough (the message names the largest).
        """
        check_prefix_length(prefixlen, self.version)
        smallest_root = min(n.prefixlen for n in self.roots)
        if prefixlen < smallest_root:
            raise InvalidInput(
                f"A /{prefixlen} is larger than the pool itself "
                f"({', '.join(str(n) for n in self.roots)})."
            )
        candidates = [(p, self._free[p][0]) for p in range(prefixlen + 1) if self._free[p]]
        if not candidates:
            largest = self.largest_free_block()
            where = f"the largest free block is {largest}" if largest else "the pool is full"
            raise InvalidInput(f"No free /{prefixlen} is left in the pool; {where}.")
        if strategy == "best":
            _, start = max(candidates, key=lambda c: (c[0], -c[1]))
        else:
            _, start = min(candidates, key=lambda c: c[1])
        return _network(start, prefixlen, self.version)

    # -- changes -------------------------------------------------------------------------------

    def occupy(self, network: Network, kind: Kind = "allocation", label: str = "") -> Occupied:
        """Take ``network`` out of the free space.

        Args:
            network: the exact block.
            kind: allocation, reservation or child pool.
            label: purpose or name shown in reports.

        Raises:
            InvalidInput: wrong IP version, outside the pool, or overlapping something occupied.
        """
        if network.version != self.version:
            raise InvalidInput(
                f"{network} is IPv{network.version} but the pool is IPv{self.version}."
            )
        start, end = int(network.network_address), int(network.broadcast_address)
        root = self._root_index(start, end)
        if root is None:
            pools = ", ".join(str(n) for n in self.roots)
            raise InvalidInput(f"{network} is not inside the pool ({pools}).")
        clash = self.overlapping(network)
        if clash:
            taken = ", ".join(
                f"{c.network} ({c.kind}{': ' + c.label if c.label else ''})" for c in clash[:3]
            )
            raise InvalidInput(f"{network} overlaps {taken}.")
        index = bisect.bisect_left(self._starts, start)
        low, high = self._gap_around(index, root)
        self._remove_gap(low, high)
        if low < start:
            self._add_gap(low, start - 1)
        if end < high:
            self._add_gap(end + 1, high)
        self._starts.insert(index, start)
        self._ends.insert(index, end)
        occupied = Occupied(network, kind, label)
        self._entries[start] = occupied
        self._used[kind] += network.num_addresses
        return occupied

    def allocate(self, prefixlen: int, strategy: Strategy = "best", label: str = "") -> Occupied:
        """Occupy the next available ``/prefixlen``.

        Args:
            prefixlen: size wanted.
            strategy: ``best`` or ``first``.
            label: purpose shown in reports.
        """
        return self.occupy(self.next_available(prefixlen, strategy), "allocation", label)

    def release(self, network: Network) -> Occupied:
        """Return ``network`` to the free space.

        Args:
            network: a block previously occupied, exactly.

        Raises:
            NotFound: when that exact block is not occupied.
        """
        start, end = int(network.network_address), int(network.broadcast_address)
        index = bisect.bisect_left(self._starts, start)
        found = self._entries.get(start)
        if found is None or found.network != network:
            raise NotFound(f"{network} is not allocated or reserved in this pool.")
        root = self._root_index(start, end)
        assert root is not None
        low, _ = self._gap_around(index, root)
        _, high = self._gap_around(index + 1, root)
        if low < start:
            self._remove_gap(low, start - 1)
        if end < high:
            self._remove_gap(end + 1, high)
        self._add_gap(low, high)
        del self._starts[index]
        del self._ends[index]
        del self._entries[start]
        self._used[found.kind] -= network.num_addresses
        return found
