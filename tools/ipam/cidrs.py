"""Parsing and sizing of CIDR blocks, with a clear refusal for every kind of bad input."""

from __future__ import annotations

import ipaddress
import itertools
import math
from typing import Literal

from tools.errors import InvalidInput

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
IpVersion = Literal[4, 6]

AWS_RESERVED_PER_SUBNET = 5
"""AWS keeps the first four and the last address of every subnet."""
VPC_IPV4_PREFIX_RANGE = (16, 28)
"""Largest and smallest IPv4 block AWS accepts for a VPC or a subnet."""
VPC_IPV6_PREFIX_RANGE = (44, 60)
"""IPv6 VPC blocks AWS accepts (IPAM-allocated /44 to /60; Amazon-provided is /56)."""
SUBNET_IPV6_PREFIX_RANGE = (44, 64)
"""IPv6 subnet blocks AWS accepts."""


def parse_cidr(text: str) -> Network:
    """Parse a CIDR block strictly.

    Args:
        text: e.g. ``10.0.0.0/16`` or ``2600:1f18::/56``.

    Raises:
        InvalidInput: when the text is not a CIDR or has host bits set.
    """
    cleaned = str(text).strip()
    if "/" not in cleaned:
        raise InvalidInput(f"'{cleaned}' is not a CIDR block: it needs a prefix length, e.g. /16.")
    try:
        return ipaddress.ip_network(cleaned, strict=True)
    except ValueError as error:
        if "has host bits set" in str(error):
            fixed = ipaddress.ip_network(cleaned, strict=False)
            raise InvalidInput(
                f"'{cleaned}' has host bits set; the network is {fixed} "
                f"(a CIDR must start on a /{fixed.prefixlen} boundary)."
            ) from None
        raise InvalidInput(f"'{cleaned}' is not a valid CIDR block.") from None


def parse_cidrs(texts: list[str]) -> list[Network]:
    """Parse several CIDRs that must all be of one IP version and must not overlap.

    Args:
        texts: CIDR strings.
    """
    networks = [parse_cidr(text) for text in texts]
    if not networks:
        raise InvalidInput("At least one CIDR block is needed.")
    require_same_version(networks)
    ordered = sorted(networks, key=lambda n: (int(n.network_address), n.prefixlen))
    for first, second in itertools.pairwise(ordered):
        if first.overlaps(second):
            raise InvalidInput(f"{first} and {second} overlap; give each block once.")
    return networks


def require_same_version(networks: list[Network]) -> IpVersion:
    """The common IP version of ``networks``; mixing IPv4 and IPv6 is refused.

    Args:
        networks: at least one network.
    """
    versions = {n.version for n in networks}
    if len(versions) > 1:
        listed = ", ".join(str(n) for n in networks)
        raise InvalidInput(f"IPv4 and IPv6 blocks cannot be mixed ({listed}).")
    return 4 if versions == {4} else 6


def check_prefix_length(prefixlen: int, version: IpVersion) -> int:
    """Refuse a prefix length that the IP version does not have.

    Args:
        prefixlen: e.g. 22.
        version: 4 or 6.
    """
    maximum = 32 if version == 4 else 128
    if not 0 <= prefixlen <= maximum:
        raise InvalidInput(f"/{prefixlen} is not a valid IPv{version} prefix length (0-{maximum}).")
    return prefixlen


def check_vpc_size(network: Network) -> None:
    """Refuse a VPC block AWS would not accept.

    Args:
        network: the VPC CIDR.
    """
    low, high = VPC_IPV4_PREFIX_RANGE if network.version == 4 else VPC_IPV6_PREFIX_RANGE
    if not low <= network.prefixlen <= high:
        raise InvalidInput(
            f"{network} cannot be a VPC: AWS accepts IPv{network.version} VPC blocks "
            f"from /{low} to /{high}."
        )


def check_subnet_size(network: Network) -> None:
    """Refuse a subnet block AWS would not accept.

    Args:
        network: the subnet CIDR.
    """
    low, high = VPC_IPV4_PREFIX_RANGE if network.version == 4 else SUBNET_IPV6_PREFIX_RANGE
    if not low <= network.prefixlen <= high:
        raise InvalidInput(
            f"{network} cannot be a subnet: AWS accepts IPv{network.version} subnets "
            f"from /{low} to /{high}."
        )


def usable_addresses(network: Network, *, aws_subnet: bool = True) -> int:
    """Addresses hosts can use in ``network``.

    Args:
        network: the block.
        aws_subnet: subtract the 5 addresses AWS reserves in every subnet.
    """
    if not aws_subnet:
        return network.num_addresses
    return max(network.num_addresses - AWS_RESERVED_PER_SUBNET, 0)


def prefix_for_hosts(hosts: int, version: IpVersion = 4, *, aws_subnet: bool = True) -> int:
    """The longest prefix (smallest block) with room for ``hosts`` usable addresses.

    Args:
        hosts: addresses needed by hosts.
        version: 4 or 6.
        aws_subnet: count the 5 addresses AWS reserves per subnet.
    """
    if hosts < 1:
        raise InvalidInput(f"A block needs room for at least one host, not {hosts}.")
    needed = hosts + (AWS_RESERVED_PER_SUBNET if aws_subnet else 0)
    bits = 32 if version == 4 else 128
    prefix = bits - math.ceil(math.log2(needed))
    if prefix < 0:
        raise InvalidInput(f"No IPv{version} block can hold {hosts} hosts.")
    return prefix


def describe_size(network: Network) -> str:
    """``10.0.0.0/22 (1,024 addresses)`` for messages.

    Args:
        network: the block.
    """
    return f"{network} ({network.num_addresses:,} addresses)"
