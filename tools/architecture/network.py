"""The VPC plan: a block from the right IPAM pool (or free space no discovered VPC overlaps),
divided into public / app / data subnets per availability zone.

Nothing is written here: the block is chosen so the approver sees it, and the reservation is a
step of the deploy plan (``deploy_plan.reservation_args``).
"""

from __future__ import annotations

import ipaddress
import math
from dataclasses import dataclass
from typing import Literal, cast

from sqlmodel import Session

from tools.architecture.spec import Environment, NetworkPlan, Subnet, Tier
from tools.context import ToolContext
from tools.discovery.scan import run_scan
from tools.discovery.store import InventoryStore
from tools.errors import Ambiguous, InvalidInput, NotFound
from tools.ipam import service as ipam
from tools.ipam.allocation_service import choose_pool
from tools.ipam.cidrs import Network, parse_cidr, usable_addresses
from tools.ipam.models import AllocateArgs
from tools.ipam.report_models import PlanSubnetsArgs
from tools.ipam.space import AddressSpace
from tools.ipam.subnet_plan import plan_subnets
from tools.ipam.tables import IpamPool

HEADROOM = 4
"""Subnets are sized for four times the hosts stated, so the tier can grow."""
SMALLEST_TIER_HOSTS = 27
"""A tier never gets less than a /27 (27 usable addresses)."""


@dataclass(frozen=True)
class BlockChoice:
    """The VPC block and where it came from.

    Attributes:
        cidr: the block.
        source: one sentence for the card.
        pool: the IPAM pool it is reserved from (None = free space, no pool).
    """

    cidr: str
    source: str
    pool: str | None


def discovered_vpc_blocks(ctx: ToolContext, region: str) -> list[tuple[str, Network]]:
    """Every VPC block discovery knows, scanning VPCs first where it has never looked: every
    configured region when the inventory is empty, and the target region.

    Args:
        ctx: tool context.
        region: the region the new VPC goes to.
    """
    store = InventoryStore(ctx.db)
    vpcs = store.search(type="ec2:vpc")
    known = {v.region for v in vpcs}
    wanted = [*ctx.aws.regions(), region] if not vpcs else [region]
    unseen = [r for r in dict.fromkeys(wanted) if r not in known]
    if unseen:
        run_scan(ctx, regions=unseen, services=["vpc"])
        vpcs = store.search(type="ec2:vpc")
    blocks = []
    for vpc in vpcs:
        for cidr in vpc.config.get("cidrs") or [vpc.config.get("cidr")]:
            if cidr:
                blocks.append((vpc.name or vpc.arn, ipaddress.ip_network(cidr)))
    return blocks


def choose_block(
    ctx: ToolContext,
    region: str,
    environment: Environment,
    prefix: int,
    avoid: list[tuple[str, Network]] | None = None,
) -> BlockChoice:
    """A free /``prefix`` for the VPC: from the region/environment's IPAM pool when one exists,
    otherwise from the allowed ranges, never overlapping a discovered VPC or an IPAM block.

    Args:
        ctx: tool context.
        region: AWS region of the VPC.
        environment: prod, staging or dev.
        prefix: VPC prefix length.
        avoid: blocks already proposed to other architectures (not reserved until deploy).
    """
    existing = discovered_vpc_blocks(ctx, region) + list(avoid or [])
    with ctx.db.session() as session:
        try:
            pool = choose_pool(session, AllocateArgs(region=region, environment=environment))
        except NotFound:
            pool = None
        except Ambiguous:
            pool = _roomiest(session, region, environment)
        if pool is not None:
            space = ipam.build_space(session, pool)
            block = _next_clear(space, prefix, existing, f"pool '{pool.name}'")
            source = f"Reserved from IPAM pool '{pool.name}' ({pool.cidrs}) at deploy."
            return BlockChoice(str(block), source, pool.name)
        held = [n for p in ipam.live_pools(session) for n in ipam.pool_networks(p)]
    space = _free_space(ctx, held)
    block = _next_clear(space, prefix, existing, "the allowed ranges")
    source = (
        f"No IPAM pool covers {region}/{environment}: free space in "
        f"{', '.join(str(r) for r in space.roots)} that overlaps no discovered VPC or pool."
    )
    return BlockChoice(str(block), source, None)


def _roomiest(session: Session, region: str, environment: str) -> IpamPool | None:
    """Of several matching leaf pools, the one with the most free space."""
    parents = {p.parent_id for p in ipam.live_pools(session)}
    pools = [
        p
        for p in ipam.live_pools(session)
        if p.region == region
        and (p.environment or "").lower() == environment
        and p.id not in parents
    ]
    return max(pools, key=lambda p: ipam.build_space(session, p).free, default=None)


def _free_space(ctx: ToolContext, held: list[Network]) -> AddressSpace:
    ranges = [parse_cidr(r) for r in ctx.settings.ipam_allowed_ranges]
    space = AddressSpace([r for r in ranges if r.version == 4])
    for block in held:
        if block.version == 4:
            _occupy_overlap(space, block, "IPAM pool")
    return space


def _occupy_overlap(space: AddressSpace, block: Network, label: str) -> None:
    """Mark the part of ``block`` inside ``space`` as taken (no-op when already taken)."""
    for root in space.roots:
        if not block.overlaps(root):
            continue
        inner = block if block.subnet_of(root) else root  # type: ignore[arg-type]
        if space.is_free(inner):
            space.occupy(inner, "reservation", label)


def _next_clear(
    space: AddressSpace, prefix: int, existing: list[tuple[str, Network]], where: str
) -> Network:
    for name, block in existing:
        if block.version == space.version:
            _occupy_overlap(space, block, name)
    try:
        return space.next_available(prefix, "first")
    except InvalidInput as full:
        raise InvalidInput(f"No free /{prefix} in {where}: {full}") from full


def vpc_prefix(hosts_per_tier: dict[Tier, int], az_count: int) -> int:
    """The VPC prefix that holds every tier's subnets twice over (between /16 and /24).

    Args:
        hosts_per_tier: hosts each tier needs per AZ.
        az_count: availability zones.
    """
    needed = 0
    for hosts in hosts_per_tier.values():
        size = max(hosts * HEADROOM, SMALLEST_TIER_HOSTS) + 5
        needed += (1 << math.ceil(math.log2(size))) * az_count
    prefix = 32 - math.ceil(math.log2(needed * 2))
    return max(16, min(24, prefix))


def layout(
    block: BlockChoice,
    zones: list[str],
    hosts_per_tier: dict[Tier, int],
    nat: str,
    endpoints: list[str],
) -> NetworkPlan:
    """The subnets of the VPC block, one per tier and AZ, packed best-fit (with room to grow
    when the block allows it, else exactly the hosts; a layout that cannot fit raises).

    Args:
        block: the VPC block.
        zones: availability zones, in order.
        hosts_per_tier: hosts each tier needs per AZ.
        nat: ``per-az``, ``single`` or ``none``.
        endpoints: gateway endpoints wanted.
    """
    region = zones[0][:-1]
    hosts: dict[str, int] = {str(t): h for t, h in hosts_per_tier.items()}
    order = list(hosts)
    sizing = {t: max(h * HEADROOM, SMALLEST_TIER_HOSTS) for t, h in hosts.items()}
    try:
        planned = plan_subnets(
            PlanSubnetsArgs(cidr=block.cidr, az_count=len(zones), tiers=sizing, region=region)
        )
    except InvalidInput:  # no room to grow: size each tier for its hosts exactly
        planned = plan_subnets(
            PlanSubnetsArgs(cidr=block.cidr, az_count=len(zones), tiers=hosts, region=region)
        )
    subnets = [
        Subnet(tier=cast(Tier, p.tier), zone=p.az, cidr=p.cidr, hosts=hosts[p.tier])
        for p in sorted(planned.subnets, key=lambda p: (order.index(p.tier), p.az))
    ]
    return NetworkPlan(
        cidr=block.cidr,
        cidr_source=block.source,
        ipam_pool=block.pool,
        nat=cast(Literal["per-az", "single", "none"], nat),
        endpoints=cast(list[Literal["s3", "dynamodb"]], endpoints),
        subnets=subnets,
    )


def usable(subnet: Subnet) -> int:
    """Host-usable addresses of a subnet (AWS keeps five).

    Args:
        subnet: the subnet.
    """
    return usable_addresses(parse_cidr(subnet.cidr))
