"""Compare the VPCs and subnets that really exist with what IPAM holds."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass

from sqlmodel import Session

from tools.ipam import service
from tools.ipam.aws_networks import AwsNetwork
from tools.ipam.cidrs import Network
from tools.ipam.overlaps import find_overlaps
from tools.ipam.space import AddressSpace
from tools.ipam.tables import IpamAllocation, IpamPool

EC2_ARN = re.compile(r"^arn:aws[\w-]*:ec2:([\w-]+):(\d{12}):(vpc|subnet)/([\w-]+)$")


@dataclass(frozen=True)
class Unmanaged:
    """A block in AWS that IPAM does not hold.

    Attributes:
        network: the AWS VPC or subnet.
        cidr: the block.
        pool: the pool that could adopt it (free there), or None.
        reason: why it cannot be adopted, when ``pool`` is None.
    """

    network: AwsNetwork
    cidr: Network
    pool: str | None
    reason: str | None = None


@dataclass(frozen=True)
class Stale:
    """An allocation linked to a VPC or subnet that no longer exists.

    Attributes:
        allocation: the row.
        pool: its pool name.
    """

    allocation: IpamAllocation
    pool: str


@dataclass(frozen=True)
class NotPeerable:
    """Two VPCs whose CIDRs overlap, so AWS refuses to peer them.

    Attributes:
        first: one VPC.
        second: the other.
        overlaps: overlapping (first CIDR, second CIDR) pairs.
    """

    first: AwsNetwork
    second: AwsNetwork
    overlaps: tuple[tuple[Network, Network], ...]


@dataclass(frozen=True)
class Clash:
    """An AWS block overlapping an IPAM allocation made for something else.

    Attributes:
        network: the AWS VPC.
        cidr: its block.
        allocation: the allocation it overlaps.
        pool: the allocation's pool.
    """

    network: AwsNetwork
    cidr: Network
    allocation: IpamAllocation
    pool: str


@dataclass(frozen=True)
class Reconciliation:
    """Everything that differs between AWS and IPAM."""

    unmanaged: list[Unmanaged]
    stale: list[Stale]
    clashes: list[Clash]
    not_peerable: list[NotPeerable]
    scanned: list[tuple[str, str]]


def non_peerable_pairs(vpcs: list[AwsNetwork]) -> list[NotPeerable]:
    """VPC pairs with overlapping CIDRs (one sweep over all VPC blocks).

    Args:
        vpcs: VPCs (any accounts and regions).
    """
    items = [(cidr, vpc) for vpc in vpcs for cidr in vpc.cidrs]
    pairs: dict[tuple[str, str], list[tuple[Network, Network]]] = {}
    by_id = {vpc.resource_id: vpc for vpc in vpcs}
    for overlap in find_overlaps(items):
        if overlap.outer.resource_id == overlap.inner.resource_id:
            continue
        low, high = sorted((overlap.outer.resource_id, overlap.inner.resource_id))
        pair = (overlap.outer_network, overlap.inner_network)
        in_order = low == overlap.outer.resource_id
        pairs.setdefault((low, high), []).append(pair if in_order else (pair[1], pair[0]))
    return [
        NotPeerable(by_id[a], by_id[b], tuple(found)) for (a, b), found in sorted(pairs.items())
    ]


class _Spaces:
    """Address spaces of the live pools, built on first use."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.pools = service.live_pools(session)
        self._cache: dict[int, AddressSpace] = {}

    def space(self, pool: IpamPool) -> AddressSpace:
        if pool.id not in self._cache:
            self._cache[pool.id or 0] = service.build_space(self.session, pool)
        return self._cache[pool.id or 0]

    def adopter(self, cidr: Network) -> tuple[str | None, str | None]:
        """The deepest pool where ``cidr`` is free, or the reason there is none."""
        containing = [p for p in self.pools if self.space(p).contains(cidr)]
        if not containing:
            return None, "no pool contains it"
        for pool in sorted(
            containing, key=lambda p: -min(n.prefixlen for n in service.pool_networks(p))
        ):
            if self.space(pool).is_free(cidr):
                return pool.name, None
        taken = self.space(containing[0]).overlapping(cidr)
        clash = f"{taken[0].network} ({taken[0].label or taken[0].kind})" if taken else "it"
        return None, f"it overlaps {clash} in IPAM"


def reconcile(
    session: Session, networks: list[AwsNetwork], scanned: list[tuple[str, str]]
) -> Reconciliation:
    """Compare AWS with IPAM.

    Args:
        session: open session.
        networks: VPCs and subnets read from AWS.
        scanned: (account, region) pairs that were read (stale only counts there).
    """
    spaces = _Spaces(session)
    rows = service.active_allocations(session)
    names = {p.id: p.name for p in spaces.pools}
    linked = {r.resource_arn for r in rows if r.resource_arn}
    held_cidrs = {r.cidr for r in rows} | {c for p in spaces.pools for c in p.cidr_list}
    vpc_pools = {c: p for p in spaces.pools for c in p.cidr_list}
    vpcs = [n for n in networks if n.kind == "vpc"]
    vpc_cidrs = {v.resource_id: {str(c) for c in v.cidrs} for v in vpcs}

    unmanaged = []
    for network in networks:
        for cidr in network.cidrs:
            if network.arn in linked or str(cidr) in held_cidrs:
                continue
            if network.kind == "subnet" and not vpc_cidrs.get(network.vpc_id, set()) & set(
                vpc_pools
            ):
                continue  # subnets are tracked only inside VPCs that IPAM models as pools
            pool, reason = spaces.adopter(cidr)
            unmanaged.append(Unmanaged(network, cidr, pool, reason))

    arns = {n.arn for n in networks}
    stale = [Stale(r, names.get(r.pool_id, "?")) for r in rows if _is_stale(r, arns, scanned)]
    clashes = _clashes(networks, rows, names, vpc_pools)
    return Reconciliation(unmanaged, stale, clashes, non_peerable_pairs(vpcs), scanned)


def _is_stale(row: IpamAllocation, arns: set[str], scanned: list[tuple[str, str]]) -> bool:
    match = EC2_ARN.match(row.resource_arn or "")
    if match is None:
        return False
    region, account = match.group(1), match.group(2)
    return (account, region) in scanned and row.resource_arn not in arns


def _clashes(
    networks: list[AwsNetwork],
    rows: list[IpamAllocation],
    names: dict[int | None, str],
    vpc_pools: dict[str, IpamPool],
) -> list[Clash]:
    """AWS VPC blocks overlapping allocations that belong to something else."""
    related: dict[str, set[str]] = {}
    for network in networks:
        related.setdefault(network.vpc_id, set()).add(network.arn)
    vpcs = [n for n in networks if n.kind == "vpc"]
    items: list[tuple[Network, object]] = [(c, v) for v in vpcs for c in v.cidrs]
    items += [(ipaddress.ip_network(r.cidr), r) for r in rows]
    found = []
    for overlap in find_overlaps(items):
        vpc, row = overlap.outer, overlap.inner
        if isinstance(vpc, IpamAllocation):
            vpc, row = row, vpc
        if not isinstance(vpc, AwsNetwork) or not isinstance(row, IpamAllocation):
            continue
        own_pools = {vpc_pools[str(c)].id for c in vpc.cidrs if str(c) in vpc_pools}
        if overlap.identical or row.resource_arn in related[vpc.vpc_id] or row.pool_id in own_pools:
            continue
        cidr = overlap.outer_network if overlap.outer is vpc else overlap.inner_network
        found.append(Clash(vpc, cidr, row, names.get(row.pool_id, "?")))
    return found
