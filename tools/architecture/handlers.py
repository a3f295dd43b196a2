"""What each architecture tool does (``tools.py`` registers them)."""

from __future__ import annotations

from decimal import Decimal

from tools.architecture.cfn import build_template, to_yaml
from tools.architecture.diff import diff_specs
from tools.architecture.estimate import estimate_spec
from tools.architecture.lint import lint
from tools.architecture.models import (
    ArchitectureLine,
    EstimateResult,
    ExportArgs,
    FilesResult,
    ListArgs,
    ListResult,
    NameArgs,
    ProposalResult,
    ProposeArgs,
    RefineArgs,
    ShowResult,
    ValidateResult,
    VersionLine,
)
from tools.architecture.proposal import proposal_result, write_files
from tools.architecture.proposer import spec_from
from tools.architecture.refine import refine_spec
from tools.architecture.request import read_request
from tools.architecture.service import ArchitectureStore
from tools.architecture.validate import validate
from tools.context import ToolContext
from tools.errors import ToolError


def propose(ctx: ToolContext, args: ProposeArgs) -> ProposalResult:
    """Read the request, build and store the spec (version 1), and show it.

    Args:
        ctx: tool context.
        args: the request (region/environment override what the words say).
    """
    request = read_request(args.request)
    request.region = args.region or request.region
    request.environment = args.environment or request.environment
    regions = ctx.settings.aws_regions or ["us-east-1"]
    spec = spec_from(ctx, request, default_region=regions[0], name=args.name)
    stored = ArchitectureStore(ctx).create(spec, args.request)
    return proposal_result(ctx, stored)


def refine(ctx: ToolContext, args: RefineArgs) -> ProposalResult:
    """Apply a change in words, store the next version, show the diff and the cost delta.

    Args:
        ctx: tool context.
        args: the change and which architecture.
    """
    store = ArchitectureStore(ctx)
    current = store.get(args.name)
    new, gave_up = refine_spec(current.spec, args.change)
    diff = diff_specs(current.spec, new)
    if diff.empty:
        raise ToolError(f"That changes nothing in {current.row.name} v{current.version}.")
    stored = store.add_version(current.row.name, new, args.change)
    return proposal_result(ctx, stored, diff=diff, gave_up=gave_up)


def check(ctx: ToolContext, args: NameArgs) -> ValidateResult:
    """Validation findings and the template's cfn-lint result.

    Args:
        ctx: tool context.
        args: which version.
    """
    stored = ArchitectureStore(ctx).get(args.name, args.version)
    issues = lint(to_yaml(build_template(stored.spec)), stored.spec.region)
    return ValidateResult(
        name=stored.row.name,
        version=stored.version,
        findings=validate(stored.spec),
        lint_errors=[f"{i.rule} {i.message} ({i.path})" for i in issues if i.is_error],
        lint_warnings=sum(1 for i in issues if not i.is_error),
    )


def price(ctx: ToolContext, args: NameArgs) -> EstimateResult:
    """The monthly estimate of a version.

    Args:
        ctx: tool context.
        args: which version.
    """
    stored = ArchitectureStore(ctx).get(args.name, args.version)
    return EstimateResult(
        name=stored.row.name, version=stored.version, estimate=estimate_spec(stored.spec)
    )


def picture(ctx: ToolContext, args: NameArgs) -> FilesResult:
    """The diagram of a version.

    Args:
        ctx: tool context.
        args: which version.
    """
    stored = ArchitectureStore(ctx).get(args.name, args.version)
    paths, notes = write_files(ctx, stored, ("png",))
    if not paths:
        raise ToolError(notes[0] if notes else "The diagram could not be drawn.")
    return FilesResult(
        name=stored.row.name,
        version=stored.version,
        files=paths,
        summary=f"Diagram of {stored.row.name} v{stored.version}.",
    )


def export(ctx: ToolContext, args: ExportArgs) -> FilesResult:
    """CloudFormation (linted) and/or Terraform files of a version.

    Args:
        ctx: tool context.
        args: which version and format.
    """
    stored = ArchitectureStore(ctx).get(args.name, args.version)
    kinds = {"both": ("yaml", "tf"), "cloudformation": ("yaml",), "terraform": ("tf",)}[args.format]
    paths, _ = write_files(ctx, stored, kinds)
    template = build_template(stored.spec)
    errors = []
    if "yaml" in kinds:
        issues = lint(to_yaml(template), stored.spec.region)
        errors = [f"{i.rule} {i.message} ({i.path})" for i in issues if i.is_error]
    lint_note = "cfn-lint: no errors." if not errors else f"cfn-lint: {len(errors)} error(s)."
    summary = (
        f"{stored.row.name} v{stored.version}: {len(template['Resources'])} resources, "
        f"{' and '.join('CloudFormation' if k == 'yaml' else 'Terraform' for k in kinds)}. "
        f"{lint_note if 'yaml' in kinds else 'Terraform is export only; CloudFormation deploys.'}"
    )
    return FilesResult(
        name=stored.row.name,
        version=stored.version,
        files=paths,
        summary=summary,
        lint_errors=errors,
        resources=len(template["Resources"]),
    )


def list_all(ctx: ToolContext, args: ListArgs) -> ListResult:
    """Every architecture with its latest estimate.

    Args:
        ctx: tool context.
        args: filters.
    """
    store = ArchitectureStore(ctx)
    lines = []
    for row in store.all():
        if args.deployed_only and row.deployed_version is None:
            continue
        versions = store.versions(row.name)
        spec = store.get(row.name).spec
        lines.append(
            ArchitectureLine(
                name=row.name,
                pattern=spec.pattern,
                environment=spec.environment,
                region=spec.region,
                latest_version=row.latest_version,
                deployed_version=row.deployed_version,
                monthly_usd=Decimal(versions[-1].monthly_usd),
                created_by=row.created_by,
            )
        )
    return ListResult(architectures=lines)


def show(ctx: ToolContext, args: NameArgs) -> ShowResult:
    """One architecture, one version in full, and the history.

    Args:
        ctx: tool context.
        args: which version.
    """
    store = ArchitectureStore(ctx)
    stored = store.get(args.name, args.version)
    versions = [
        VersionLine(
            version=v.version,
            note=v.note,
            created_by=v.created_by,
            created_at=v.created_at.isoformat(),
            monthly_usd=Decimal(v.monthly_usd),
        )
        for v in store.versions(stored.row.name)
    ]
    return ShowResult(
        proposal=proposal_result(ctx, stored, files=False),
        versions=versions,
        deployed_version=stored.row.deployed_version,
        stack_id=stored.row.stack_id,
    )
