"""What the inventory and security tools answer: scans, searches, descriptions, change events,
risky security groups and public exposure."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, timedelta
from typing import TYPE_CHECKING, Any

from core.aws import UnknownRegion, check_region
from tools import progress
from tools.discovery import render, service
from tools.discovery.analysis.security import public_exposure, risky_security_groups
from tools.discovery.models import (
    ChangeItem,
    ChangesArgs,
    ChangesResult,
    DescribeResult,
    ExposureResult,
    Ref,
    RelationItem,
    ResourceArgs,
    RiskyGroupsArgs,
    RiskyGroupsResult,
    ScanArgs,
    ScanSummary,
    ScopeArgs,
    SearchArgs,
    SearchResult,
)
from tools.discovery.scan import ScanProgress, run_scan
from tools.discovery.store import InventoryStore, StoredResource
from tools.errors import InvalidInput
from tools.scope import in_scope

if TYPE_CHECKING:
    from tools.context import ToolContext

GROUPINGS = ("type", "region", "account", "state", "service")


def scan(ctx: ToolContext, args: ScanArgs) -> ScanSummary:
    """Run a scan, store it, and summarise what was found and missed.

    Progress goes to whoever listens (``tools.progress``): in Slack, one message updated in
    place.

    Args:
        ctx: tool context.
        args: regions, accounts, services.
    """
    callback: Callable[[ScanProgress], None] | None = None
    if progress.listening():

        def callback(p: ScanProgress) -> None:
            progress.report(render.progress_text(p))

    began = time.monotonic()
    result = run_scan(
        ctx, regions=args.regions, accounts=args.accounts, services=args.services, progress=callback
    )
    changes = Counter(c.kind for c in InventoryStore(ctx.db).changes(scan_id=result.scan_id))
    return ScanSummary(
        scan_id=result.scan_id or 0,
        resources=len(result.resources),
        by_type=dict(Counter(r.type for r in result.resources).most_common()),
        created=changes["created"],
        changed=changes["changed"],
        deleted=changes["deleted"],
        missed=result.missed,
        seconds=round(time.monotonic() - began, 2),
        api_calls=result.api_calls,
        accounts=result.accounts,
        regions=result.regions,
    )


def _filters(args: SearchArgs) -> dict[str, Any]:
    if args.region:
        try:
            check_region(args.region)
        except UnknownRegion as error:
            raise InvalidInput(str(error)) from error
    group_by = args.group_by
    if group_by and group_by not in GROUPINGS and not group_by.startswith("tag:"):
        raise InvalidInput("group_by must be type, region, account, state, service or tag:<key>.")
    return {
        "type": service.normalise_type(args.type),
        "region": args.region,
        "account": args.account,
        "tags": args.tags or None,
        "name": args.name,
        "state": args.state,
    }


def search(ctx: ToolContext, args: SearchArgs) -> SearchResult:
    """Search the inventory (scanning first if it is empty), within the channel's scope.

    Resources the channel may not see are left out before counting, so totals and group
    counts are the channel's own.

    Args:
        ctx: tool context.
        args: filters and grouping.
    """
    filters = _filters(args)
    found = [
        resource
        for resource in service.ensure_inventory(ctx).search(**filters)
        if in_scope(ctx.scope, resource.model_dump(include={"account", "arn", "tags"}))
    ]
    groups: dict[str, int] = {}
    if args.group_by:
        groups = dict(Counter(group_of(r, args.group_by) for r in found).most_common())
    return SearchResult(
        total=len(found),
        items=[service.item(r) for r in found[: args.limit]],
        groups=groups,
        group_by=args.group_by,
        filters={k: v for k, v in filters.items() if v},
    )


def group_of(resource: StoredResource, group_by: str) -> str:
    """The group a resource falls in.

    Args:
        resource: the resource.
        group_by: type, region, account, state, service or tag:<key>.
    """
    if group_by.startswith("tag:"):
        return resource.tags.get(group_by[4:], "(untagged)")
    return str(getattr(resource, group_by) or "(none)")


def describe(ctx: ToolContext, args: ResourceArgs) -> DescribeResult:
    """Everything the inventory knows about one resource.

    Args:
        ctx: tool context.
        args: which resource.
    """
    resource = service.resolve(ctx, args.resource)
    graph = service.current_graph(ctx)
    known = service.labels(ctx)
    relations = [
        RelationItem(
            direction="out" if e.source == resource.arn else "in",
            kind=e.kind,
            other=service.ref(e.target if e.source == resource.arn else e.source, known),
            detail=e.detail,
        )
        for e in graph.neighbours(resource.arn, "both")
    ]
    return DescribeResult(
        resource=service.item(resource),
        config=resource.config,
        first_seen=resource.first_seen,
        last_seen=resource.last_seen,
        deleted_at=resource.deleted_at,
        relations=relations,
    )


def changes(ctx: ToolContext, args: ChangesArgs) -> ChangesResult:
    """Change events from the inventory.

    Args:
        ctx: tool context.
        args: since / since_hours / scan_id.
    """
    store = service.ensure_inventory(ctx)
    since = args.since
    if args.since_hours is not None:
        since = ctx.clock.now() - timedelta(hours=args.since_hours)
    if since is not None and since.tzinfo is None:
        since = since.replace(tzinfo=UTC)
    rows = store.changes(since=since, scan_id=args.scan_id)
    latest = store.last_scan()
    scan_id = args.scan_id or (latest.id if latest else None)
    scope = f"since {since:%Y-%m-%d %H:%M} UTC" if since else f"scan {scan_id}"
    items = [
        ChangeItem(
            at=row.at,
            kind=row.kind,
            resource=Ref(
                arn=row.arn, label=row.name or row.arn.rsplit("/", 1)[-1], type=row.resource_type
            ),
            region=row.region,
            changed_fields=row.changed_fields,
        )
        for row in rows
    ]
    return ChangesResult(scope=scope, counts=dict(Counter(i.kind for i in items)), changes=items)


def risky_groups(ctx: ToolContext, args: RiskyGroupsArgs) -> RiskyGroupsResult:
    """Risky and unused security groups from the inventory.

    Args:
        ctx: tool context.
        args: region/account filter, whether to include unused groups.
    """
    resources = list(service.ensure_inventory(ctx).resources())
    findings = [
        f
        for f in risky_security_groups(resources, args.include_unused)
        if (not args.region or f.region == args.region)
        and (not args.account or f.account == args.account)
    ]
    return RiskyGroupsResult(
        open_to_world=[f for f in findings if f.open_rules],
        unused=[f for f in findings if f.unused and not f.open_rules],
    )


def exposure(ctx: ToolContext, args: ScopeArgs) -> ExposureResult:
    """Internet-exposed resources from the inventory.

    Args:
        ctx: tool context.
        args: region/account filter.
    """
    resources = list(service.ensure_inventory(ctx).resources())
    items = [e for e in public_exposure(resources) if (not args.region or e.region == args.region)]
    if args.account:
        accounts = {r.arn: r.account for r in resources}
        items = [e for e in items if accounts.get(e.arn) == args.account]
    return ExposureResult(items=items)
