"""What the graph tools answer: dependencies, blast radius, migration order and risk, diagrams.

Each function resolves its start in the inventory, runs the analysis over the dependency view
(``tools.discovery.analysis``) and shapes the result the tool returns.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

from tools.discovery import diagram, render, service
from tools.discovery.analysis.impact import Impact, blast_radius, dependencies
from tools.discovery.analysis.migration import migration_order, risk_score, why_not_earlier
from tools.discovery.analysis.security import public_exposure
from tools.discovery.models import (
    BlastArgs,
    DiagramArgs,
    DiagramResult,
    Explained,
    GraphArgs,
    GraphResult,
    MigrationArgs,
    MigrationResult,
    MigrationStep,
    RiskArgs,
    RiskItem,
    RiskResult,
)
from tools.discovery.resource_models import short_id
from tools.discovery.store import StoredResource

if TYPE_CHECKING:
    from tools.context import ToolContext


def _explained(ctx: ToolContext, impacts: list[Impact]) -> list[Explained]:
    known = service.labels(ctx)
    names = service.names(known)
    return [
        Explained(
            resource=service.ref(impact.node, known),
            hops=impact.hops,
            path=[render.explain(step, names) for step in impact.path],
        )
        for impact in impacts
    ]


def _fold_interfaces(
    ctx: ToolContext, items: list[Explained], start: str
) -> tuple[list[Explained], int]:
    """Leave out network interfaces whose instance (or other owner) is listed or is the start:
    they are part of it, and listing them beside it only repeats the same reason."""
    listed = {i.resource.arn for i in items} | {start}
    folded = service.attached_interfaces(ctx, {i.resource.arn for i in items}, listed)
    kept = [i for i in items if i.resource.arn not in folded]
    return kept, len(items) - len(kept)


def _graph_result(
    ctx: ToolContext, start: StoredResource, mode: str, impacts: list[Impact]
) -> GraphResult:
    shown, folded = _fold_interfaces(ctx, _explained(ctx, impacts), start.arn)
    return GraphResult(
        start=service.start_ref(start),
        mode=mode,
        items=shown,
        by_type=dict(Counter(i.resource.type or "external" for i in shown).most_common()),
        folded_interfaces=folded,
    )


def neighbours(ctx: ToolContext, args: GraphArgs) -> GraphResult:
    """Dependencies or dependents of a resource, depth-limited.

    Args:
        ctx: tool context.
        args: resource, direction, depth.
    """
    start = service.resolve(ctx, args.resource)
    view = service.view(ctx)
    walk = dependencies if args.direction == "dependencies" else blast_radius
    return _graph_result(ctx, start, args.direction, walk(view, start.arn, args.depth))


def blast(ctx: ToolContext, args: BlastArgs) -> GraphResult:
    """Everything that transitively needs a resource.

    Args:
        ctx: tool context.
        args: resource and optional depth.
    """
    start = service.resolve(ctx, args.resource)
    impacts = blast_radius(service.view(ctx), start.arn, args.depth)
    return _graph_result(ctx, start, "blast_radius", impacts)


def migration(ctx: ToolContext, args: MigrationArgs) -> MigrationResult:
    """Migration waves for everything inside a resource (normally a VPC).

    Args:
        ctx: tool context.
        args: the VPC or resource.
    """
    start = service.resolve(ctx, args.resource)
    members = service.contents(ctx, start)
    folded = service.attached_interfaces(ctx, members, members)  # they move with their instance
    members -= folded
    view = service.view(ctx)
    known = service.labels(ctx)
    waves = migration_order(view, members)
    reasons = why_not_earlier(view, waves)
    names = service.names(known)
    external = {
        impact.node
        for node in members
        for impact in dependencies(view, node, 1)
        if impact.node not in members and impact.node not in folded
    }
    return MigrationResult(
        start=service.start_ref(start),
        steps=[
            MigrationStep(
                order=w.order,
                resources=[service.ref(n, known) for n in w.nodes],
                move_together=w.move_together,
                because=[render.explain(step, names) for step in reasons.get(w.order, [])],
            )
            for w in waves
        ],
        external=sorted((service.ref(n, known) for n in external), key=lambda r: r.label),
        cycles=sum(1 for w in waves if w.move_together),
    )


def _members(ctx: ToolContext, args: RiskArgs) -> tuple[set[str], str]:
    if args.resource:
        start = service.resolve(ctx, args.resource)
        members = service.contents(ctx, start) if start.type == "ec2:vpc" else {start.arn}
        return members, start.label
    members = {r.arn for r in service.ensure_inventory(ctx).search(region=args.region)}
    return members, f"region {args.region}" if args.region else "all resources"


def migration_risk(ctx: ToolContext, args: RiskArgs) -> RiskResult:
    """Risk scores for one resource, a VPC's contents, or a region.

    Args:
        ctx: tool context.
        args: resource or region, and how many to show.
    """
    store = service.ensure_inventory(ctx)
    view = service.view(ctx)
    members, scope = _members(ctx, args)
    public = {e.arn for e in public_exposure(list(store.resources()))}
    known = service.labels(ctx)
    items: list[RiskItem] = []
    for arn in members:
        resource = store.get(arn)
        if resource is None:
            continue
        score = risk_score(view, arn, resource.type, resource.config, arn in public)
        size = size_text(resource.config)
        items.append(
            RiskItem(
                resource=service.ref(arn, known),
                score=score.score,
                level=score.level,
                reasons=[
                    render.risk_reason(code, points, score.dependents, score.dependencies, size)
                    for code, points in score.reasons
                ],
            )
        )
    items.sort(key=lambda i: (-i.score, i.resource.label))
    return RiskResult(scope=scope, items=items[: args.top])


def size_text(config: dict[str, Any]) -> str:
    """How much data a resource holds, in words.

    Args:
        config: the resource's recorded settings.
    """
    for key in ("allocated_storage_gb", "size_gb"):
        if isinstance(config.get(key), int | float):
            return f"{config[key]} GB"
    if isinstance(config.get("size_bytes"), int | float):
        return f"{config['size_bytes'] / 1024**3:.1f} GB"
    return "an unknown amount of data"


def draw(ctx: ToolContext, args: DiagramArgs) -> DiagramResult:
    """Draw a VPC, or a resource and its neighbours, to a PNG under the data folder.

    Args:
        ctx: tool context.
        args: the resource, how far out to go and how much to show.
    """
    start = service.resolve(ctx, args.resource)
    members = service.contents(ctx, start) if start.type == "ec2:vpc" else None
    graph = service.current_graph(ctx).to_networkx()
    picture = diagram.select(graph, start.arn, members=members, depth=args.depth, limit=args.limit)
    path = diagram.draw(picture, ctx.new_file("diagrams", f"graph-{short_id(start.arn)}"))
    drawn = Counter(picture.type_of(n) or "other" for n in picture.nodes)
    return DiagramResult(
        start=service.start_ref(start),
        files=[str(path)],
        shown=len(picture.nodes),
        links=len(picture.arrows()),
        by_type=dict(drawn.most_common()),
        left_out=dict(picture.left_out.most_common()),
    )
