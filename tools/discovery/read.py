"""How other domains read AWS: discovery's readers, run live for a scope, nothing recorded.

Cost, IPAM and name lookup see the same normalised resources a scan stores, read by the same
code, so a resource is described one way only. ``read`` asks AWS now (an approval plan must show
the state AWS shows, not the last scan's); the stored inventory is ``InventoryStore``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

from core.aws import ENTRY_PERMISSIONS, UnknownRegion, check_region
from tools.discovery.collectors.base import Reader, Scope
from tools.discovery.resource_models import Resource
from tools.errors import InvalidInput

if TYPE_CHECKING:
    from tools.context import ToolContext

PERMISSIONS = ("sts:GetCallerIdentity", *ENTRY_PERMISSIONS)
"""IAM actions of reading itself: the primary account's id, and entering the other accounts."""


def permissions(*readers: Reader) -> tuple[str, ...]:
    """IAM actions of running ``readers`` through ``read``.

    Args:
        readers: the readers a tool reads with.
    """
    return tuple(dict.fromkeys([*PERMISSIONS, *(p for r in readers for p in r.permissions)]))


def regions_for(ctx: ToolContext, region: str | None) -> list[str]:
    """The region asked for (checked to exist), or every configured region.

    Args:
        ctx: tool context.
        region: a region name, or None for all.
    """
    if not region:
        return ctx.aws.regions()
    try:
        return [check_region(region)]
    except UnknownRegion as error:
        raise InvalidInput(str(error)) from error


def account_key(ctx: ToolContext, account: str) -> str | None:
    """How ``AwsClients`` reaches an account: its id for an extra account, None for the primary.

    Args:
        ctx: tool context.
        account: the 12-digit account id of a resource.
    """
    return account if account in ctx.aws.accounts() else None


def read(
    ctx: ToolContext,
    readers: Iterable[Reader],
    *,
    regions: Sequence[str] | None = None,
    accounts: Sequence[str | None] | None = None,
    filters: Sequence[dict[str, Any]] = (),
) -> list[Resource]:
    """Run ``readers`` in every account and region (side by side) and return what they found.

    Account by account, then region by region, then reader by reader, so the order is stable.
    An AWS error is raised as it is: a caller asked for these resources and cannot do without.

    Args:
        ctx: tool context.
        readers: what to read.
        regions: regions to read (default: the configured ones); global readers read once.
        accounts: ``AwsClients`` account keys (default: all; None is the primary).
        filters: EC2 filters narrowing what filterable readers ask for.
    """
    chosen = list(readers)
    if filters and any(not r.filterable for r in chosen):
        raise ValueError("filters were given to a reader that cannot apply them")
    keys = list(accounts) if accounts is not None else ctx.aws.accounts()
    home = _home_region(ctx)
    places = list(regions) if regions else ctx.aws.regions()
    ids = {key: _account_id(ctx, key, home) for key in keys}
    jobs = [
        (key, region, one)
        for key in keys
        for region in places
        for one in chosen
        if not one.is_global or region == places[0]
    ]

    def run(job: tuple[str | None, str, Reader]) -> list[Resource]:
        key, region, one = job
        where = home if one.is_global else region

        def client(service: str) -> Any:
            return ctx.aws.client(service, where, key)

        return one(Scope(ids[key], where, client, tuple(filters)))

    workers = max(1, min(ctx.settings.discovery_max_workers, len(jobs)))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        found = [resource for batch in pool.map(run, jobs) for resource in batch]
    return list({r.arn: r for r in reversed(found)}.values())[::-1]


def _home_region(ctx: ToolContext) -> str:
    regions = ctx.aws.regions()
    return regions[0] if regions else "us-east-1"


def _account_id(ctx: ToolContext, key: str | None, home: str) -> str:
    if key is not None:
        return key
    identity = ctx.aws.client("sts", home).get_caller_identity()
    return str(identity["Account"])
