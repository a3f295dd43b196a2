"""Property tests: whatever sequence of allocations, reservations and releases happens, blocks never
overlap, always lie inside the pool, and free plus occupied space is exactly the pool."""

from __future__ import annotations

import ipaddress

from hypothesis import given, settings
from hypothesis import strategies as st

from tools.errors import ToolError
from tools.ipam.overlaps import find_overlaps
from tools.ipam.space import AddressSpace

ROOTS = {
    4: [ipaddress.ip_network("10.0.0.0/20"), ipaddress.ip_network("10.0.64.0/22")],
    6: [ipaddress.ip_network("2600:1f18:4000::/52")],
}

operation = st.one_of(
    st.tuples(st.just("allocate"), st.integers(0, 12), st.sampled_from(["best", "first"])),
    st.tuples(st.just("reserve"), st.integers(0, 2**12 - 1), st.integers(0, 10)),
    st.tuples(st.just("release"), st.integers(0, 1000), st.just(0)),
)


def _apply(space: AddressSpace, op: tuple[str, int, object], version: int) -> None:
    name, value, extra = op
    base = 20 if version == 4 else 52
    try:
        if name == "allocate":
            space.allocate(base + value, extra)  # type: ignore[arg-type]
        elif name == "reserve":
            root = space.roots[value % len(space.roots)]
            prefix = min(root.prefixlen + int(extra), space.bits)  # type: ignore[call-overload]
            offset = (value << (space.bits - base - 12)) % root.num_addresses
            start = int(root.network_address) + offset
            network = ipaddress.ip_network((start, prefix), strict=False)
            space.occupy(network, "reservation")
        elif space.entries():
            entries = space.entries()
            space.release(entries[value % len(entries)].network)
    except ToolError:
        pass


def _check_invariants(space: AddressSpace) -> None:
    entries = space.entries()
    occupied = [e.network for e in entries]
    assert not find_overlaps([(n, n) for n in occupied]), "occupied blocks overlap"
    for network in occupied:
        assert any(network.subnet_of(root) for root in space.roots)  # type: ignore[arg-type]
    free = space.free_blocks()
    assert not find_overlaps([(n, n) for n in free + occupied]), "free space overlaps used"
    for network in free:
        assert any(network.subnet_of(root) for root in space.roots)  # type: ignore[arg-type]
    total_free = sum(n.num_addresses for n in free)
    total_used = sum(n.num_addresses for n in occupied)
    assert total_free + total_used == space.size
    assert total_free == space.free and total_used == space.used
    assert sum(high - low + 1 for low, high in space.free_ranges()) == total_free
    largest = space.largest_free_block()
    if free:
        assert largest is not None
        assert largest.num_addresses == max(n.num_addresses for n in free)
    else:
        assert largest is None


@settings(max_examples=150, deadline=None)
@given(st.sampled_from([4, 6]), st.lists(operation, max_size=40))
def test_blocks_never_overlap_and_free_plus_used_is_the_pool(
    version: int, ops: list[tuple[str, int, object]]
) -> None:
    space = AddressSpace(ROOTS[version])
    for op in ops:
        _apply(space, op, version)
        _check_invariants(space)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(22, 28), min_size=1, max_size=60), st.sampled_from(["best", "first"]))
def test_allocation_succeeds_whenever_a_free_block_is_large_enough(
    sizes: list[int], strategy: str
) -> None:
    space = AddressSpace([ipaddress.ip_network("10.1.0.0/20")])
    for prefixlen in sizes:
        fits = any(block.prefixlen <= prefixlen for block in space.free_blocks())
        try:
            got = space.allocate(prefixlen, strategy)  # type: ignore[arg-type]
        except ToolError:
            assert not fits
        else:
            assert fits and got.network.prefixlen == prefixlen


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(24, 28), min_size=1, max_size=40))
def test_release_restores_the_whole_pool(sizes: list[int]) -> None:
    root = ipaddress.ip_network("172.16.0.0/20")
    space = AddressSpace([root])
    taken = []
    for prefixlen in sizes:
        try:
            taken.append(space.allocate(prefixlen).network)
        except ToolError:
            break
    for network in reversed(taken):
        space.release(network)
    assert space.free_blocks() == [root]
