"""The CIDR engine: allocation strategies, AWS sizing rules and refusals of bad input."""

from __future__ import annotations

import ipaddress

import pytest

from tools.errors import InvalidInput, NotFound
from tools.ipam.cidrs import (
    check_subnet_size,
    check_vpc_size,
    parse_cidr,
    parse_cidrs,
    prefix_for_hosts,
    usable_addresses,
)
from tools.ipam.overlaps import find_overlaps, overlapping_between
from tools.ipam.space import AddressSpace

net = ipaddress.ip_network


def test_best_fit_fills_the_smallest_hole_first_fit_the_lowest() -> None:
    space = AddressSpace([net("10.0.0.0/16")])
    space.occupy(net("10.0.0.0/24"), "reservation")
    space.occupy(net("10.0.2.0/23"))  # leaves 10.0.1.0/24 as a small hole
    assert space.next_available(24, "best") == net("10.0.1.0/24")
    space.occupy(net("10.0.1.0/25"))  # hole is now 10.0.1.128/25
    assert space.next_available(26, "best") == net("10.0.1.128/26")
    assert space.next_available(23, "first") == net("10.0.4.0/23")


def test_best_fit_keeps_the_large_block_whole() -> None:
    space = AddressSpace([net("10.0.0.0/16")])
    space.occupy(net("10.0.0.0/17"))
    space.occupy(net("10.0.128.0/24"))
    first = space.next_available(28, "first")
    best = space.next_available(28, "best")
    assert first == best == net("10.0.129.0/28")
    space.occupy(net("10.0.192.0/28"))  # a small hole after it now exists
    assert space.next_available(28, "best") == net("10.0.192.16/28")


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("10.0.0.1/16", "host bits set; the network is 10.0.0.0/16"),
        ("10.0.0.0/33", "not a valid CIDR"),
        ("banana", "needs a prefix length"),
        ("10.0.0.0", "needs a prefix length"),
        ("300.0.0.0/8", "not a valid CIDR"),
        ("2600:1f18::1/56", "host bits set"),
    ],
)
def test_malformed_cidrs_are_refused_with_the_reason(text: str, reason: str) -> None:
    with pytest.raises(InvalidInput, match=reason):
        parse_cidr(text)


def test_ipv4_and_ipv6_cannot_be_mixed() -> None:
    with pytest.raises(InvalidInput, match="cannot be mixed"):
        parse_cidrs(["10.0.0.0/16", "2600:1f18::/56"])
    space = AddressSpace([net("10.0.0.0/16")])
    with pytest.raises(InvalidInput, match="is IPv6 but the pool is IPv4"):
        space.occupy(net("2600:1f18::/64"))
    assert len(space) == 0 and space.free == space.size


def test_block_outside_the_pool_or_overlapping_is_refused_and_changes_nothing() -> None:
    space = AddressSpace([net("10.0.0.0/16")])
    space.occupy(net("10.0.1.0/24"), label="payments")
    before = space.free_blocks()
    with pytest.raises(InvalidInput, match="not inside the pool"):
        space.occupy(net("10.1.0.0/24"))
    with pytest.raises(InvalidInput, match=r"overlaps 10\.0\.1\.0/24 \(allocation: payments\)"):
        space.occupy(net("10.0.0.0/23"))
    assert space.free_blocks() == before


def test_too_large_allocation_names_the_largest_free_block() -> None:
    space = AddressSpace([net("10.0.0.0/16")])
    space.occupy(net("10.0.0.0/17"))
    space.occupy(net("10.0.192.0/18"))
    with pytest.raises(InvalidInput, match=r"largest free block is 10\.0\.128\.0/18"):
        space.allocate(17)
    with pytest.raises(InvalidInput, match="larger than the pool"):
        space.allocate(15)
    with pytest.raises(InvalidInput, match="not a valid IPv4 prefix length"):
        space.allocate(40)


def test_release_of_unknown_block_is_refused() -> None:
    space = AddressSpace([net("10.0.0.0/16")])
    space.occupy(net("10.0.0.0/24"))
    with pytest.raises(NotFound):
        space.release(net("10.0.0.0/25"))


def test_aws_sizes_and_usable_addresses() -> None:
    assert usable_addresses(net("10.0.0.0/24")) == 251
    assert prefix_for_hosts(500) == 23
    assert prefix_for_hosts(251) == 24
    assert prefix_for_hosts(252) == 23
    check_vpc_size(net("10.0.0.0/16"))
    with pytest.raises(InvalidInput, match="/16 to /28"):
        check_vpc_size(net("10.0.0.0/8"))
    with pytest.raises(InvalidInput, match="cannot be a subnet"):
        check_subnet_size(net("10.0.0.0/29"))


def test_multi_root_pool_keeps_roots_separate() -> None:
    space = AddressSpace([net("10.0.0.0/24"), net("10.0.2.0/24")])
    with pytest.raises(InvalidInput, match="not inside"):
        space.occupy(net("10.0.0.0/22"))
    assert space.free_ranges() == [(167772160, 167772415), (167772672, 167772927)]
    assert space.free_block_count(26) == 8


def test_sweep_finds_nested_and_identical_blocks_only() -> None:
    items = [
        (net(c), c)
        for c in [
            "10.0.0.0/16",
            "10.0.128.0/18",
            "10.1.0.0/16",
            "10.0.128.0/18",
            "192.168.0.0/24",
            "2600::/56",
            "2600::/64",
        ]
    ]
    pairs = {(o.outer, o.inner) for o in find_overlaps(items)}
    assert pairs == {
        ("10.0.0.0/16", "10.0.128.0/18"),
        ("10.0.128.0/18", "10.0.128.0/18"),
        ("2600::/56", "2600::/64"),
    }
    assert overlapping_between(
        [net("10.0.0.0/16")], [net("10.0.128.0/18"), net("10.2.0.0/16")]
    ) == [(net("10.0.0.0/16"), net("10.0.128.0/18"))]
