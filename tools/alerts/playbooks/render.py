"""Block Kit for an investigation: findings ranked with their evidence, gaps, the fix to approve."""

from __future__ import annotations

from slack_sdk.models.blocks import Block

from tools import blocks
from tools.alerts.playbooks.fixes import SuggestedFix
from tools.alerts.playbooks.models import (
    ChangeEvidence,
    EventEvidence,
    Evidence,
    Finding,
    GraphEvidence,
    Investigation,
    MetricEvidence,
    ReadEvidence,
)
from tools.blocks import inert

SHOWN = 15
"""Findings shown at most (Slack allows 50 blocks a message)."""
EVIDENCE_SHOWN = 4
"""Evidence lines shown per finding at most."""


def _when(evidence: MetricEvidence) -> str:
    return f"{evidence.start:%Y-%m-%d %H:%M} to {evidence.end:%H:%M} UTC"


def _metric(e: MetricEvidence) -> str:
    dims = ", ".join(f"{k}={v}" for k, v in e.metric.dimensions.items())
    return (
        f"metric {e.metric.namespace} {e.metric.name} ({dims}), {e.statistic} per "
        f"{e.period_seconds // 60} min, {_when(e)}: average {e.average:.4g}, peak {e.peak:.4g}, "
        f"lowest {e.lowest:.4g}, latest {e.latest:.4g} ({e.datapoints} points)"
    )


def _event(e: EventEvidence) -> str:
    when = f" at {e.at:%Y-%m-%d %H:%M} UTC" if e.at else ""
    return f"{e.source} event {e.name} by {e.user or 'unknown'}{when} (id {e.event_id})"


def evidence_line(evidence: Evidence) -> str:
    """One line citing a piece of evidence (plain text; escape it before mrkdwn).

    Args:
        evidence: any evidence kind.
    """
    if isinstance(evidence, MetricEvidence):
        return _metric(evidence)
    if isinstance(evidence, EventEvidence):
        return _event(evidence)
    if isinstance(evidence, ChangeEvidence):
        fields = f" ({', '.join(evidence.fields)})" if evidence.fields else ""
        return f"inventory change: {evidence.change}{fields} at {evidence.at:%Y-%m-%d %H:%M} UTC"
    if isinstance(evidence, GraphEvidence):
        hops = [evidence.path[0]]
        for kind, node in zip(evidence.edges, evidence.path[1:], strict=False):
            hops.append(f"-{kind}-> {node}")
        return "graph path: " + " ".join(hops)
    assert isinstance(evidence, ReadEvidence)
    facts = ", ".join(f"{k}={v}" for k, v in evidence.facts.items())
    return f"{evidence.call} {evidence.resource}: {facts}"


def _finding(rank: int, finding: Finding) -> list[Block]:
    out: list[Block] = [blocks.text(f"*{rank}.* {inert(finding.statement)}")]
    lines = [evidence_line(e) for e in finding.evidence[:EVIDENCE_SHOWN]]
    if len(finding.evidence) > EVIDENCE_SHOWN:
        lines.append(f"and {len(finding.evidence) - EVIDENCE_SHOWN} more")
    if lines:
        out.append(blocks.note("\n".join(f"• {inert(line)}" for line in lines)))
    return out


def fix_line(fix: SuggestedFix | None) -> str:
    """The suggested-fix line (mrkdwn), or that there is none.

    Args:
        fix: the playbook's suggestion.
    """
    if fix is None:
        return ":information_source: No fix suggested: nothing here is one safe change."
    tool, args = fix.call()
    shown = ", ".join(f"{k}={v}" for k, v in args.items())
    return f":wrench: *Suggested fix* (needs approval): `{tool}` {inert(shown)} — {inert(fix.why)}"


def render_investigation(result: Investigation) -> list[Block]:
    """The investigation as Block Kit.

    Args:
        result: what ``investigate`` returned.
    """
    out: list[Block] = [blocks.header(result.title)]
    fired = f"{result.signal.fired_at:%Y-%m-%d %H:%M} UTC"
    out.append(blocks.note(inert(f"Fired {fired} in {result.signal.region}.")))
    if not result.findings:
        out.append(blocks.text("Nothing conclusive was found."))
    for rank, finding in enumerate(result.findings[:SHOWN], start=1):
        out += _finding(rank, finding)
    if len(result.findings) > SHOWN:
        out.append(blocks.note(f"{len(result.findings) - SHOWN} weaker findings not shown."))
    if result.not_checked:
        gaps = "\n".join(f"• {inert(n.what)}: {inert(n.why)}" for n in result.not_checked)
        out.append(blocks.text(f"*Not checked*\n{gaps}"))
    out += [blocks.divider(), blocks.text(fix_line(result.suggested_fix))]
    return out
