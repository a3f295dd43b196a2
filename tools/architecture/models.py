"""Arguments and results of the architecture tools."""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, Field

from tools.architecture.diff_models import SpecDiff
from tools.architecture.estimate_models import Estimate
from tools.architecture.finding_models import Finding
from tools.architecture.spec import ArchitectureSpec, Environment


class ProposeArgs(BaseModel):
    """A request for a new architecture, in words."""

    request: str = Field(
        min_length=3, max_length=2000, description="What is needed, in the user's words."
    )
    name: str | None = Field(
        default=None, description="Name to give it (default: <env>-<pattern>)."
    )
    region: str | None = Field(default=None, description="AWS region, when not in the words.")
    environment: Environment | None = Field(
        default=None, description="prod, staging or dev, when not in the words."
    )


class NameArgs(BaseModel):
    """Which architecture (and version)."""

    name: str | None = Field(default=None, description="Architecture name (default: your latest).")
    version: int | None = Field(default=None, ge=1, description="Version (default: the latest).")


class RefineArgs(BaseModel):
    """A change to an architecture, in words."""

    change: str = Field(
        min_length=3, max_length=2000, description="e.g. 'make the database Aurora'."
    )
    name: str | None = Field(default=None, description="Architecture name (default: your latest).")


class ListArgs(BaseModel):
    """No arguments: every architecture is listed."""

    deployed_only: bool = Field(default=False, description="Only those running in AWS.")


class ExportArgs(BaseModel):
    """What to export."""

    name: str | None = Field(default=None, description="Architecture name (default: your latest).")
    version: int | None = Field(default=None, ge=1, description="Version (default: the latest).")
    format: Literal["both", "cloudformation", "terraform"] = Field(
        default="both", description="CloudFormation YAML, Terraform HCL, or both."
    )


class DeployArgs(BaseModel):
    """Which architecture version to deploy."""

    name: str | None = Field(default=None, description="Architecture name (default: your latest).")
    version: int | None = Field(default=None, ge=1, description="Version (default: the latest).")


class DestroyArgs(BaseModel):
    """Which deployed architecture to delete."""

    name: str = Field(description="Architecture name.")


class ProposalResult(BaseModel):
    """A proposal (or one version of it) with everything the card shows."""

    name: str = Field(description="Architecture name.")
    version: int = Field(description="Version number.")
    spec: ArchitectureSpec = Field(description="The spec.")
    findings: list[Finding] = Field(description="Validation findings of this version.")
    corrected_findings: list[Finding] = Field(
        default_factory=list, description="Findings left once the fixes are applied."
    )
    estimate: Estimate = Field(description="Monthly estimate.")
    diff: SpecDiff | None = Field(default=None, description="Change from the previous version.")
    gave_up: list[str] = Field(default_factory=list, description="What a refinement traded away.")
    files: list[str] = Field(
        default_factory=list, description="Diagram, template and HCL to upload."
    )
    notes: list[str] = Field(default_factory=list, description="Anything else worth saying.")


class ValidateResult(BaseModel):
    """Validation of one version."""

    name: str = Field(description="Architecture name.")
    version: int = Field(description="Version checked.")
    findings: list[Finding] = Field(description="Findings, critical first.")
    lint_errors: list[str] = Field(
        default_factory=list, description="cfn-lint errors of its template."
    )
    lint_warnings: int = Field(default=0, description="How many cfn-lint warnings.")


class EstimateResult(BaseModel):
    """The estimate of one version."""

    name: str = Field(description="Architecture name.")
    version: int = Field(description="Version priced.")
    estimate: Estimate = Field(description="Line items and totals.")


class FilesResult(BaseModel):
    """Files made for one version (diagram or exports)."""

    name: str = Field(description="Architecture name.")
    version: int = Field(description="Version drawn or exported.")
    files: list[str] = Field(description="Paths to upload.")
    summary: str = Field(description="What the files are.")
    lint_errors: list[str] = Field(default_factory=list, description="cfn-lint errors, if any.")
    resources: int = Field(default=0, description="Resources in the template.")


class ArchitectureLine(BaseModel):
    """One architecture in a list."""

    name: str = Field(description="Architecture name.")
    pattern: str = Field(description="Its pattern.")
    environment: str = Field(description="Its environment.")
    region: str = Field(description="Its region.")
    latest_version: int = Field(description="Newest version.")
    deployed_version: int | None = Field(default=None, description="Version deployed, if any.")
    monthly_usd: Decimal = Field(description="Estimate of the latest version.")
    created_by: str = Field(description="Who asked for it.")


class ListResult(BaseModel):
    """Every architecture."""

    architectures: list[ArchitectureLine] = Field(description="Newest first.")


class VersionLine(BaseModel):
    """One version in the history."""

    version: int = Field(description="Version number.")
    note: str = Field(description="What made it.")
    created_by: str = Field(description="Who asked.")
    created_at: str = Field(description="When (UTC, ISO).")
    monthly_usd: Decimal = Field(description="Its estimate.")


class ShowResult(BaseModel):
    """One architecture with its history."""

    proposal: ProposalResult = Field(description="The version shown.")
    versions: list[VersionLine] = Field(description="Every version, oldest first.")
    deployed_version: int | None = Field(default=None, description="Version running in AWS.")
    stack_id: str | None = Field(default=None, description="Its CloudFormation stack.")


class DeployResult(BaseModel):
    """What a deploy or destroy did."""

    name: str = Field(description="Architecture name.")
    version: int | None = Field(default=None, description="Version deployed (None for destroy).")
    stack_id: str = Field(description="CloudFormation stack id.")
    status: str = Field(description="Final stack status.")
    changes: list[str] = Field(description="Resources added, modified or removed.")
    created: list[str] = Field(
        default_factory=list, description="Physical ids of the stack's resources."
    )
    outputs: dict[str, str] = Field(
        default_factory=dict, description="Stack outputs, when reported."
    )
    snapshots: list[str] = Field(
        default_factory=list, description="Final snapshots taken (destroy)."
    )
    kept: list[str] = Field(default_factory=list, description="What was kept (retained buckets).")
    reservation: str | None = Field(default=None, description="IPAM reservation made or released.")
    notes: list[str] = Field(default_factory=list, description="Anything else worth saying.")


class DriftItem(BaseModel):
    """One difference between the stack and what discovery sees."""

    resource: str = Field(description="Logical id or resource seen.")
    kind: Literal["missing", "changed", "unmanaged"] = Field(description="What sort of drift.")
    detail: str = Field(description="What differs.")


class DriftResult(BaseModel):
    """Drift of one deployed architecture."""

    name: str = Field(description="Architecture name.")
    stack_id: str = Field(description="Its stack.")
    checked: int = Field(description="Stack resources compared.")
    items: list[DriftItem] = Field(description="Differences (empty = no drift).")
    scanned_at: str = Field(description="When discovery last saw the region (UTC, ISO).")
