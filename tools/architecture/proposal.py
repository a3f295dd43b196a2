"""A stored version turned into what the card shows: findings, the corrected spec's findings,
the estimate, the diagram and the CloudFormation / Terraform files."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from tools.architecture.cfn import build_template, to_yaml
from tools.architecture.diagram import draw_spec
from tools.architecture.diff_models import SpecDiff
from tools.architecture.estimate import estimate_spec
from tools.architecture.models import ProposalResult
from tools.architecture.service import Stored
from tools.architecture.terraform import to_hcl
from tools.architecture.validate import corrected, validate
from tools.context import ToolContext
from tools.errors import ToolError

FOLDER = "architectures"


def _new_file(ctx: ToolContext, stem: str, suffix: str) -> Path:
    path = ctx.new_file(FOLDER, stem, suffix)
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def write_files(
    ctx: ToolContext, stored: Stored, kinds: tuple[str, ...] = ("png", "yaml", "tf")
) -> tuple[list[str], list[str]]:
    """Write the diagram and the IaC files of a version; returns (paths, notes).

    Args:
        ctx: tool context (the data folder).
        stored: the version.
        kinds: which files: ``png``, ``yaml``, ``tf``.
    """
    spec = stored.spec
    stem = f"{spec.name}-v{stored.version}"
    paths: list[str] = []
    notes: list[str] = []
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="diagram") as drawer:
        picture = None
        if "png" in kinds:  # Graphviz runs as a subprocess while the IaC is written here
            picture = drawer.submit(
                draw_spec, spec, stored.version, ctx.new_file(FOLDER, stem, ".png")
            )
        template = build_template(spec)
        written = []
        if "yaml" in kinds:
            path = _new_file(ctx, stem, ".cfn.yaml")
            path.write_text(to_yaml(template))
            written.append(str(path))
        if "tf" in kinds:
            path = _new_file(ctx, stem, ".tf")
            path.write_text(to_hcl(template, spec.stack_name, spec.region))
            written.append(str(path))
        if picture is not None:
            try:
                paths.append(str(picture.result()))
            except ToolError as missing:
                notes.append(f"No diagram: {missing}")
    return paths + written, notes


def proposal_result(
    ctx: ToolContext,
    stored: Stored,
    *,
    diff: SpecDiff | None = None,
    gave_up: list[str] | None = None,
    files: bool = True,
) -> ProposalResult:
    """Everything the card shows for one version.

    Args:
        ctx: tool context.
        stored: the version.
        diff: change from the previous version (refinements).
        gave_up: what the refinement traded away.
        files: write the diagram and IaC files.
    """
    spec = stored.spec
    findings = validate(spec)
    fixable = any(f.severity in ("critical", "high") for f in findings)
    paths, notes = write_files(ctx, stored) if files else ([], [])
    return ProposalResult(
        name=spec.name,
        version=stored.version,
        spec=spec,
        findings=findings,
        corrected_findings=validate(corrected(spec)) if fixable else [],
        estimate=estimate_spec(spec),
        diff=diff,
        gave_up=list(gave_up or []),
        files=paths,
        notes=notes,
    )
