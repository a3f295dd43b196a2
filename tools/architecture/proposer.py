"""From a sentence to a spec: read the request, fill the pattern, plan the VPC from IPAM.

The same ``spec_from`` serves the offline path (the request read here) and a hosted model
(which passes the same ``ProposeArgs`` fields it extracted), so both emit one kind of spec.
"""

from __future__ import annotations

import ipaddress

from tools.architecture.network import choose_block, layout, vpc_prefix
from tools.architecture.patterns import BUILDERS
from tools.architecture.request import Request, read_request
from tools.architecture.service import ArchitectureStore
from tools.architecture.spec import ArchitectureSpec, Environment
from tools.context import ToolContext
from tools.cost.catalog import catalog, nearest
from tools.errors import InvalidInput
from tools.ipam.cidrs import Network

SHORT_NAMES = {
    "three-tier-web": "web",
    "serverless-api": "api",
    "static-site": "site",
    "queue-workers": "workers",
    "pipeline": "pipeline",
}


def proposed_blocks(ctx: ToolContext) -> list[tuple[str, Network]]:
    """VPC blocks of every stored architecture not destroyed (so two proposals never share one).

    Args:
        ctx: tool context.
    """
    store = ArchitectureStore(ctx)
    found = []
    for row in store.all():
        if row.destroyed_at is not None:
            continue
        network = store.get(row.name).spec.network
        if network is not None:
            found.append((f"architecture {row.name}", ipaddress.ip_network(network.cidr)))
    return found


def check_region(region: str) -> str:
    """``region`` when AWS has it (per the price feeds), else a clear error.

    Args:
        region: region code.
    """
    known = set(catalog().ec2_types)
    if region not in known:
        hint = ", ".join(nearest(region, known))
        raise InvalidInput(f"'{region}' is not an AWS region I know. Did you mean {hint}?")
    return region


def spec_from(
    ctx: ToolContext,
    request: Request,
    *,
    default_region: str,
    name: str | None = None,
) -> ArchitectureSpec:
    """Build the spec a request asks for (not stored; the service stores it).

    Args:
        ctx: tool context (IPAM pools and the discovered VPCs are read).
        request: the parsed request.
        default_region: region when the request names none.
        name: architecture name (default: ``<environment>-<pattern>``).
    """
    assumptions: list[str] = []
    environment: Environment = request.environment or "dev"
    if request.environment is None:
        assumptions.append(
            "No environment named: dev (say 'for prod' for Multi-AZ and NAT per AZ)."
        )
    region = check_region(request.region or default_region)
    if request.region is None:
        assumptions.append(f"No region named: {region}.")
    request.region = region
    zones = 3 if environment == "prod" and (request.peak_rps or 0) >= 5000 else 2
    draft = BUILDERS[request.pattern](request, environment, zones)
    assumptions += draft.assumptions
    zone_names = [f"{region}{letter}" for letter in "abc"[:zones]]
    network = None
    if draft.hosts:
        prefix = vpc_prefix(draft.hosts, zones)
        block = choose_block(ctx, region, environment, prefix, proposed_blocks(ctx))
        network = layout(block, zone_names, draft.hosts, draft.nat, draft.endpoints)
    return ArchitectureSpec(
        name=name or request.name or f"{environment}-{SHORT_NAMES[request.pattern]}",
        pattern=request.pattern,
        environment=environment,
        region=region,
        az_count=zones,
        network=network,
        components=draft.components,
        connections=draft.connections,
        assumptions=assumptions,
        request=request.text,
    )


def propose_spec(ctx: ToolContext, text: str, name: str | None = None) -> ArchitectureSpec:
    """Read ``text`` and build its spec.

    Args:
        ctx: tool context.
        text: the request sentence.
        name: architecture name to use instead of the default.
    """
    regions = ctx.settings.aws_regions or ["us-east-1"]
    return spec_from(ctx, read_request(text), default_region=regions[0], name=name)
