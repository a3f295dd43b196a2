"""Block Kit for the architecture tools: the proposal card, diffs, findings, estimates, results."""

from __future__ import annotations

from decimal import Decimal

from slack_sdk.models.blocks import ActionsBlock, Block, ButtonElement

from tools import blocks
from tools.architecture.diff_models import SpecDiff
from tools.architecture.estimate_models import Estimate
from tools.architecture.finding_models import Finding
from tools.architecture.models import (
    DeployResult,
    DriftResult,
    EstimateResult,
    FilesResult,
    ListResult,
    ProposalResult,
    ShowResult,
    ValidateResult,
)
from tools.architecture.spec import ArchitectureSpec
from tools.cost.estimate_models import money

DEPLOY_ACTION = "architecture_deploy"
"""Action id of the proposal card's Deploy button (value: ``<name>:<version>``)."""
ICONS = {"critical": ":no_entry:", "high": ":warning:", "warning": ":grey_exclamation:"}


def _components(spec: ArchitectureSpec) -> str:
    lines = []
    for c in spec.components:
        size = f" `{c.instance_type}`" if c.instance_type else ""
        count = f" x{c.count}" if c.count > 1 else ""
        scale = f" (up to {c.max_count})" if c.max_count and c.max_count > c.count else ""
        lines.append(f"• *{c.name}* {c.kind}{size}{count}{scale}: {c.why}")
    return "\n".join(lines)


def _network(spec: ArchitectureSpec) -> str | None:
    network = spec.network
    if network is None:
        return None
    tiers: dict[str, list[str]] = {}
    for s in network.subnets:
        tiers.setdefault(s.tier, []).append(f"{s.cidr} ({s.zone[-1]})")
    lines = [f"*VPC* `{network.cidr}`: {network.cidr_source}"]
    lines += [f"• {tier}: {', '.join(cidrs)}" for tier, cidrs in tiers.items()]
    lines.append(f"• NAT: {network.nat}; endpoints: {', '.join(network.endpoints) or 'none'}")
    return "\n".join(lines)


def finding_lines(findings: list[Finding]) -> str:
    """Findings, one line each with the fix.

    Args:
        findings: from validation.
    """
    if not findings:
        return ":white_check_mark: No findings."
    return "\n".join(
        f"{ICONS[f.severity]} *{f.severity}* {f.component}: {f.reason} _Fix: {f.fix}_"
        for f in findings
    )


def estimate_blocks(estimate: Estimate, limit: int = 14) -> list[Block]:
    """The cost table, totals, what is not priced, and the assumptions.

    Args:
        estimate: the estimate.
        limit: most line items shown (the rest are summed).
    """
    rows = [
        [
            line.component,
            line.description[:40],
            f"{line.quantity.normalize():,f} {line.unit}"[:26],
            money(line.monthly_usd),
            "usage" if line.usage_based else "",
            line.as_of,
        ]
        for line in sorted(estimate.lines, key=lambda item: -item.monthly_usd)[:limit]
    ]
    out = blocks.table(["component", "charge", "quantity", "monthly", "", "as of"], rows)
    hidden = estimate.lines[limit:] if len(estimate.lines) > limit else []
    summary = (
        f"*{money(estimate.total_monthly)} a month*: {money(estimate.fixed_monthly)} always on + "
        f"{money(estimate.usage_monthly)} from usage"
    )
    if hidden:
        summary += f" ({len(estimate.lines) - limit} smaller lines not shown)"
    out.append(blocks.text(summary))
    for item in estimate.not_priced:
        out.append(
            blocks.text(
                f":grey_question: *{item.component} {item.what}: not priced* ({item.reason})"
            )
        )
    notes = estimate.free + estimate.assumptions[:8]
    out.append(blocks.note(" · ".join(notes)))
    return out


def diff_text(diff: SpecDiff) -> str:
    """The change between two versions and its cost delta.

    Args:
        diff: the diff.
    """
    lines = (
        [f"+ {a}" for a in diff.added]
        + [f"- {r}" for r in diff.removed]
        + [f"~ {c}" for c in diff.changed]
    )
    delta = diff.monthly_delta
    sign = "+" if delta >= 0 else "-"
    change = f"{sign}{money(abs(delta))} a month"
    cost = f"{money(diff.monthly_before)} -> {money(diff.monthly_after)} ({change})"
    return "```" + "\n".join(lines or ["(no change)"]) + "```\n*Cost:* " + cost


def deploy_button(result: ProposalResult) -> ActionsBlock:
    """The Deploy button (it asks for an approval; it never deploys by itself).

    Args:
        result: the proposal shown.
    """
    value = f"{result.name}:{result.version}"
    button = ButtonElement(text="Deploy…", action_id=DEPLOY_ACTION, value=value, style="primary")
    return ActionsBlock(block_id=f"architecture:{value}", elements=[button])


def render_proposal(result: ProposalResult) -> list[Block]:
    """The proposal card.

    Args:
        result: the proposal.
    """
    spec = result.spec
    out: list[Block] = [
        blocks.header(
            f"{spec.name} v{result.version}: {spec.pattern} ({spec.environment}, {spec.region})"
        ),
        blocks.text(_components(spec)),
    ]
    network = _network(spec)
    if network:
        out.append(blocks.text(network))
    if result.diff is not None:
        out.append(blocks.text("*Changes:*\n" + diff_text(result.diff)))
    if result.gave_up:
        out.append(blocks.text("*Gave up:*\n" + "\n".join(f"• {g}" for g in result.gave_up)))
    out.append(blocks.text("*Security:*\n" + finding_lines(result.findings)))
    if result.corrected_findings or any(
        f.severity in ("critical", "high") for f in result.findings
    ):
        left = len(result.corrected_findings)
        out.append(
            blocks.note(
                f"Say *apply the fixes* for a corrected version "
                f"({left} finding(s) left after fixes)."
            )
        )
    out += estimate_blocks(result.estimate)
    out.append(blocks.note("Sizing: " + " ".join(spec.assumptions)[:2800]))
    if result.files:
        out.append(
            blocks.note("Files in the thread: diagram, CloudFormation (YAML) and Terraform (HCL).")
        )
    out += [blocks.note(n) for n in result.notes]
    out.append(deploy_button(result))
    return out


def render_validate(result: ValidateResult) -> list[Block]:
    """Validation findings and lint status.

    Args:
        result: the validation.
    """
    out: list[Block] = [
        blocks.text(f"*{result.name} v{result.version}*\n" + finding_lines(result.findings))
    ]
    if result.lint_errors:
        out.append(
            blocks.text("cfn-lint errors:\n" + "\n".join(f"• {e}" for e in result.lint_errors[:10]))
        )
    else:
        out.append(blocks.note(f"cfn-lint: no errors ({result.lint_warnings} warnings)."))
    return out


def render_estimate(result: EstimateResult) -> list[Block]:
    """The estimate of one version.

    Args:
        result: the estimate.
    """
    return [
        blocks.text(f"*{result.name} v{result.version}* monthly estimate"),
        *estimate_blocks(result.estimate, 25),
    ]


def render_files(result: FilesResult) -> list[Block]:
    """Files made (diagram or exports).

    Args:
        result: the files.
    """
    out: list[Block] = [blocks.text(result.summary)]
    if result.lint_errors:
        out.append(
            blocks.text("cfn-lint errors:\n" + "\n".join(f"• {e}" for e in result.lint_errors[:10]))
        )
    return out


def render_list(result: ListResult) -> list[Block]:
    """Every architecture.

    Args:
        result: the list.
    """
    if not result.architectures:
        return [
            blocks.text(
                "No architectures yet. Describe what you need, "
                "e.g. “a web app with a Postgres database”."
            )
        ]
    rows = [
        [
            a.name,
            a.pattern,
            a.environment,
            a.region,
            f"v{a.latest_version}",
            f"v{a.deployed_version}" if a.deployed_version else "-",
            money(a.monthly_usd),
        ]
        for a in result.architectures
    ]
    return blocks.table(["name", "pattern", "env", "region", "latest", "deployed", "monthly"], rows)


def render_show(result: ShowResult) -> list[Block]:
    """One architecture with its history.

    Args:
        result: the architecture.
    """
    out = render_proposal(result.proposal)
    history = "\n".join(
        f"• v{v.version} {v.created_at[:16]} by {v.created_by}: {v.note[:80]} "
        f"({money(v.monthly_usd)})"
        for v in result.versions
    )
    deployed = (
        f"v{result.deployed_version} ({result.stack_id})"
        if result.deployed_version
        else "not deployed"
    )
    out.insert(1, blocks.text(f"*Versions:*\n{history}\n*Deployed:* {deployed}"))
    return out


def render_deploy(result: DeployResult) -> list[Block]:
    """What a deploy or destroy did.

    Args:
        result: the outcome.
    """
    what = f"v{result.version}" if result.version else "destroy"
    out: list[Block] = [
        blocks.text(f"*{result.name}* {what}: stack `{result.status}`\n`{result.stack_id}`")
    ]
    if result.changes:
        out.append(blocks.text("\n".join(f"• {c}" for c in result.changes[:40])))
    if result.outputs:
        out.append(blocks.text("\n".join(f"• {k}: `{v}`" for k, v in result.outputs.items())))
    for label, items in (("Final snapshots", result.snapshots), ("Kept", result.kept)):
        if items:
            out.append(blocks.text(f"*{label}:* " + ", ".join(items)))
    if result.reservation:
        out.append(blocks.note(result.reservation))
    out += [blocks.note(n) for n in result.notes]
    return out


def render_drift(result: DriftResult) -> list[Block]:
    """Drift between the stack and what discovery sees.

    Args:
        result: the drift.
    """
    if not result.items:
        return [
            blocks.text(
                f":white_check_mark: *{result.name}* has not drifted: {result.checked} stack "
                f"resources match what discovery saw at {result.scanned_at[:16]} UTC."
            )
        ]
    lines = [f"• *{i.kind}* {i.resource}: {i.detail}" for i in result.items]
    return [
        blocks.text(f":warning: *{result.name}* has drifted ({len(result.items)} difference(s)):"),
        blocks.text("\n".join(lines)),
        blocks.note(
            f"Compared {result.checked} stack resources with discovery "
            f"at {result.scanned_at[:16]} UTC."
        ),
    ]


def total_line(value: Decimal) -> str:
    """A monthly figure for App Home.

    Args:
        value: USD a month.
    """
    return f"{money(value)}/mo"


def home_blocks(result: ListResult, limit: int = 10) -> list[Block]:
    """The architectures section of App Home.

    Args:
        result: every architecture.
        limit: most shown.
    """
    out: list[Block] = [blocks.divider(), blocks.header("Architectures")]
    if not result.architectures:
        out.append(blocks.note("None yet: describe what you need, e.g. “a serverless API”."))
        return out
    for item in result.architectures[:limit]:
        deployed = f"deployed v{item.deployed_version}" if item.deployed_version else "not deployed"
        out.append(
            blocks.text(
                f"*{item.name}* v{item.latest_version} · {item.pattern} · {item.environment} · "
                f"{item.region} · {deployed} · {total_line(item.monthly_usd)} · "
                f"by <@{item.created_by}>"
            )
        )
    return out
