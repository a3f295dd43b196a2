"""Subnet layouts: tiers x availability zones, sized by host counts, packed inside a VPC block."""

from __future__ import annotations

from string import ascii_lowercase

from tools.errors import InvalidInput
from tools.ipam.cidrs import (
    check_subnet_size,
    check_vpc_size,
    parse_cidr,
    prefix_for_hosts,
    usable_addresses,
)
from tools.ipam.report_models import PlannedSubnet, PlanSubnetsArgs, PlanSubnetsResult
from tools.ipam.space import AddressSpace

SMALLEST_SUBNET = {4: 28, 6: 64}


def plan_subnets(args: PlanSubnetsArgs) -> PlanSubnetsResult:
    """Carve one subnet per tier and AZ out of the VPC block, largest first (best-fit).

    Args:
        args: VPC block, AZ count, hosts per tier.

    Raises:
        InvalidInput: bad block, bad counts, or a layout that does not fit (says by how much).
    """
    vpc = parse_cidr(args.cidr)
    check_vpc_size(vpc)
    if not 1 <= args.az_count <= 6:
        raise InvalidInput(f"Plan for 1 to 6 availability zones, not {args.az_count}.")
    if not args.tiers:
        raise InvalidInput("Name at least one tier (e.g. public, private, data).")
    zones = [
        f"{args.region or 'az'}{'' if args.region else '-'}{ascii_lowercase[i]}"
        for i in range(args.az_count)
    ]
    wanted = []
    for tier, hosts in args.tiers.items():
        prefix = 64 if vpc.version == 6 else min(prefix_for_hosts(hosts, 4), SMALLEST_SUBNET[4])
        wanted += [(prefix, tier, zone, hosts) for zone in zones]
    needed = sum(1 << (vpc.max_prefixlen - p) for p, *_ in wanted)
    if needed > vpc.num_addresses:
        raise InvalidInput(
            f"The layout needs {needed:,} addresses but {vpc} has {vpc.num_addresses:,}; "
            "use a larger VPC block, fewer AZs or fewer hosts."
        )
    space = AddressSpace([vpc])
    planned = []
    for prefix, tier, zone, hosts in sorted(wanted, key=lambda w: (w[0], w[1], w[2])):
        block = space.allocate(prefix, "best", f"{tier} {zone}").network
        check_subnet_size(block)
        planned.append(
            PlannedSubnet(
                tier=tier,
                az=zone,
                cidr=str(block),
                usable=usable_addresses(block),
                hosts_needed=hosts,
            )
        )
    planned.sort(key=lambda s: int(parse_cidr(s.cidr).network_address))
    return PlanSubnetsResult(
        cidr=str(vpc), subnets=planned, spare=[str(b) for b in space.free_blocks()]
    )
