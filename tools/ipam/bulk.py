"""Import, export and template tools: many pools at once, validated like one."""

from __future__ import annotations

from tools.context import ToolContext
from tools.errors import InvalidInput
from tools.ipam import export, service, templates, transfer, vpc_ipam
from tools.ipam.models import ChangeOutcome, ChangeReport
from tools.ipam.picture import draw
from tools.ipam.report_models import (
    ExportArgs,
    ExportResult,
    ImportArgs,
    PictureArgs,
    PictureResult,
    TemplateArgs,
)
from tools.plan import ActionPlan, ResourceChange

MAX_ERRORS_SHOWN = 200


def _refuse(report: transfer.ImportReport) -> InvalidInput:
    lines = [f"line {line}: {reason}" for line, reason in report.errors[:MAX_ERRORS_SHOWN]]
    more = len(report.errors) - len(lines)
    tail = f"\n…and {more} more bad rows." if more > 0 else ""
    return InvalidInput(
        f"{len(report.errors)} of {report.total} rows are invalid; nothing was imported:\n"
        + "\n".join(lines)
        + tail
    )


def _changes(rows: list[transfer.Row], report: transfer.ImportReport) -> list[ResourceChange]:
    changes = [
        ResourceChange(
            resource_id=f"pool/{r.name}",
            name=r.name,
            resource_type="ipam:pool",
            region=r.fields.get("region") or "global",
            before="absent",
            after=", ".join(r.cidrs),
        )
        for r in rows
        if r.kind == "pool"
    ]
    changes += [
        ResourceChange(
            resource_id=item.split(": ", 1)[1],
            resource_type="ipam:allocation",
            region="global",
            before="free",
            after=f"allocated in {item}",
        )
        for item in report.allocations
    ]
    return changes


def plan_import(ctx: ToolContext, args: ImportArgs) -> ActionPlan:
    """Dry run: validate every row, refuse with every bad row, else describe what will be added.

    Args:
        ctx: tool context.
        args: the file.
    """
    if args.format == "amazon-ipam":
        args = _from_amazon_ipam(ctx, args)
    rows = transfer.parse_rows(args.content, args.format)
    if not rows:
        raise InvalidInput("The file has no rows to import.")
    with ctx.db.session() as session:
        report, _ = transfer.validate(session, rows)
    if report.errors:
        raise _refuse(report)
    return ActionPlan(
        tool="ipam.import",
        args=args.model_dump(mode="json"),
        summary=f"Import {len(report.pools)} pool(s) and {len(report.allocations)} "
        f"allocation(s) from {args.format.upper()}.",
        risk="medium",
        changes=_changes(rows, report),
        reversal="Release the imported allocations and delete the imported pools.",
        notes=["Dry run passed: every row is valid."],
    )


def _from_amazon_ipam(ctx: ToolContext, args: ImportArgs) -> ImportArgs:
    """Snapshot a live Amazon VPC IPAM as CSV, so the approved plan holds exactly what runs."""
    if ctx.settings.is_sandbox:
        raise InvalidInput(
            "Importing from Amazon VPC IPAM needs live AWS (CF_AWS_MODE=live); "
            "the sandbox has no VPC IPAM."
        )
    region = args.ipam_region or ctx.aws.regions()[0]
    content = vpc_ipam.read_csv(ctx.aws.client("ec2", region))
    return ImportArgs(content=content, format="csv")


def _run_rows(ctx: ToolContext, rows: list[transfer.Row], label: str) -> ChangeReport:
    with ctx.db.session() as session:
        report, good = transfer.validate(session, rows)
        if report.errors:
            duplicates = all("already exists" in reason for _, reason in report.errors)
            if duplicates and len(report.errors) == len(rows):
                return ChangeReport(
                    summary=f"{label}: everything was already there.",
                    outcomes=[
                        ChangeOutcome(
                            target=label,
                            status="nothing_to_do",
                            detail="Every pool already exists.",
                        )
                    ],
                )
            return ChangeReport(
                summary=f"{label}: nothing was written.",
                outcomes=[
                    ChangeOutcome(
                        target=f"line {line}",
                        status="skipped",
                        detail=f"Changed since approval: {reason}.",
                    )
                    for line, reason in report.errors
                ],
            )
        transfer.write(session, good, ctx.actor, ctx.clock.now())
    outcomes = [
        ChangeOutcome(target=name, status="applied", detail="created") for name in report.pools
    ]
    outcomes += [
        ChangeOutcome(target=item, status="applied", detail="allocated")
        for item in report.allocations
    ]
    return ChangeReport(
        summary=f"{label}: created {len(report.pools)} pool(s) and "
        f"{len(report.allocations)} allocation(s).",
        outcomes=outcomes,
    )


def execute_import(ctx: ToolContext, plan: ActionPlan) -> ChangeReport:
    """Re-validate the approved file and write it in one transaction (all or nothing).

    Args:
        ctx: tool context.
        plan: the approved plan.
    """
    args = ImportArgs.model_validate(plan.args)
    return _run_rows(ctx, transfer.parse_rows(args.content, args.format), "Import")


def export_pools(ctx: ToolContext, args: ExportArgs) -> ExportResult:
    """Export pools and allocations.

    Args:
        ctx: tool context.
        args: format and scope.
    """
    with ctx.db.session() as session:
        rows = export.records(session, args.pool)
    content = export.RENDERERS[args.format](rows)
    suffix = {"csv": "csv", "json": "json"}.get(args.format, "tf")
    pools = sum(1 for r in rows if r["kind"] == "pool")
    return ExportResult(
        format=args.format,
        filename=f"ipam-{args.pool or 'all'}.{suffix}",
        content=content,
        pools=pools,
        allocations=len(rows) - pools,
    )


def plan_template(ctx: ToolContext, args: TemplateArgs) -> ActionPlan:
    """Generate the template's pool tree and validate it; the plan previews the tree.

    Args:
        ctx: tool context.
        args: the wizard's answers.
    """
    rows = templates.generate(
        args.template, args.cidr, args.regions, args.environments, args.name, args.on_prem_cidr
    )
    with ctx.db.session() as session:
        report, _ = transfer.validate(session, rows)
    if report.errors:
        raise InvalidInput(
            "The template cannot be applied: "
            + "; ".join(reason for _, reason in report.errors)
            + "."
        )
    depth = {rows[0].name: 0}
    tree = []
    for row in rows:
        depth[row.name] = depth.get(row.parent or "", -1) + 1
        tree.append(f"{'  ' * depth[row.name]}{row.name} {row.cidrs[0]}")
    return ActionPlan(
        tool="ipam.apply_template",
        args=args.model_dump(mode="json"),
        summary=f"Apply the {args.template} template to {args.cidr}: {len(rows)} pool(s).",
        risk="medium",
        changes=_changes(rows, report),
        reversal="Delete the created pools.",
        notes=[templates.TEMPLATES[args.template], "Tree:\n" + "\n".join(tree)],
    )


def execute_template(ctx: ToolContext, plan: ActionPlan) -> ChangeReport:
    """Create exactly the previewed tree (regenerated from the stored answers, re-validated).

    Args:
        ctx: tool context.
        plan: the approved plan.
    """
    args = TemplateArgs.model_validate(plan.args)
    rows = templates.generate(
        args.template, args.cidr, args.regions, args.environments, args.name, args.on_prem_cidr
    )
    planned = {(c.name, c.after) for c in plan.changes if c.resource_type == "ipam:pool"}
    if planned != {(r.name, ", ".join(r.cidrs)) for r in rows}:
        return ChangeReport(
            summary="The template was not applied.",
            outcomes=[
                ChangeOutcome(
                    target=args.template,
                    status="skipped",
                    detail="The generated tree differs from the approved preview.",
                )
            ],
        )
    return _run_rows(ctx, rows, f"Template {args.template}")


def picture(ctx: ToolContext, args: PictureArgs) -> PictureResult:
    """Draw a pool's address space as a PNG under the data folder.

    Args:
        ctx: tool context.
        args: which pool.
    """
    with ctx.db.session() as session:
        pool = service.find_pool(session, args.pool)
        space = service.build_space(session, pool)
    path = ctx.new_file("images", f"ipam-{pool.name}")
    title = f"Pool {pool.name} ({', '.join(pool.cidr_list)})"
    draw(space, title, path)
    used = space.used_by("allocation") + space.used_by("pool")
    return PictureResult(
        pool=pool.name,
        files=[str(path)],
        allocated=used,
        reserved=space.used_by("reservation"),
        free=space.free,
        used_pct=round(100 * space.used / space.size, 2),
    )
