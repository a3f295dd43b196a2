"""Overlap detection among many CIDR blocks with one sort and a sweep: O(n log n + k).

CIDR blocks never partially overlap: two blocks are either disjoint or one contains the other.
Sorted by (version, first address, prefix length), the blocks still "open" at any point form a
chain of nested blocks, kept on a stack; every block on the stack contains the current one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Generic, TypeVar

from tools.ipam.cidrs import Network

T = TypeVar("T")


@dataclass(frozen=True)
class Overlap(Generic[T]):
    """Two blocks that share addresses.

    Attributes:
        outer: the containing block's item (for equal blocks, the one sorted first).
        inner: the contained block's item.
        outer_network: the containing block.
        inner_network: the contained block.
    """

    outer: T
    inner: T
    outer_network: Network
    inner_network: Network

    @property
    def identical(self) -> bool:
        """True when both blocks are the same CIDR."""
        return self.outer_network == self.inner_network


def find_overlaps(items: Iterable[tuple[Network, T]]) -> list[Overlap[T]]:
    """Every pair of overlapping blocks among ``items``.

    Args:
        items: (network, payload) pairs; IPv4 and IPv6 may be mixed (they never overlap).

    Returns:
        One ``Overlap`` per overlapping pair, outer block first.
    """
    keyed = [
        (n.version, int(n.network_address), n.prefixlen, int(n.broadcast_address), i, n, payload)
        for i, (n, payload) in enumerate(items)
    ]
    keyed.sort(key=lambda k: (k[0], k[1], k[2], k[4]))
    stack: list[tuple[int, int, Network, T]] = []
    found: list[Overlap[T]] = []
    for version, start, _, end, _, network, payload in keyed:
        while stack and (stack[-1][0] != version or stack[-1][1] < start):
            stack.pop()
        for _, _, outer_network, outer in stack:
            found.append(Overlap(outer, payload, outer_network, network))
        stack.append((version, end, network, payload))
    return found


def overlapping_between(
    left: Iterable[Network], right: Iterable[Network]
) -> list[tuple[Network, Network]]:
    """Pairs (a, b) with a from ``left`` and b from ``right`` that overlap.

    Args:
        left: blocks of one side (e.g. one VPC's CIDRs).
        right: blocks of the other side.
    """
    tagged = [(n, 0) for n in left] + [(n, 1) for n in right]
    pairs: list[tuple[Network, Network]] = []
    for overlap in find_overlaps(tagged):
        if overlap.outer == overlap.inner:
            continue
        if overlap.outer == 0:
            pairs.append((overlap.outer_network, overlap.inner_network))
        else:
            pairs.append((overlap.inner_network, overlap.outer_network))
    return pairs
