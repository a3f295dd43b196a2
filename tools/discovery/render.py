"""Sentences and Block Kit for discovery, inventory, graph and security results."""

from __future__ import annotations

from slack_sdk.models.blocks import Block

from tools import blocks
from tools.discovery.analysis.impact import Step
from tools.discovery.analysis.view import is_virtual
from tools.discovery.models import (
    ChangesResult,
    DescribeResult,
    DiagramResult,
    ExposureResult,
    GraphResult,
    MigrationResult,
    RiskResult,
    RiskyGroupsResult,
    ScanSummary,
    SearchResult,
)
from tools.discovery.scan import ScanProgress

NEEDS = {
    "CONTAINS": "{a} lives in {b}",
    "ATTACHED_TO": "{a} uses {b}, which is attached to it",
    "SECURED_BY": "{a} is protected by security group {b}",
    "ROUTES_VIA": "{a} routes {detail} through {b}",
    "TARGETS": "{a} sends traffic to {b}",
    "TRIGGERS": "{a} is triggered by {b}",
    "INVOKES": "{a} forwards {detail} to {b} and waits for its answer",
    "ASSUMES": "{a} runs with the permissions of {b}",
    "PEERS": "{a} is peered with {b}",
    "CONNECTS": "{a} is in {via}, which security group {b} admits on {detail}",
    "SERVED_BY": "{b} is behind security group {via}",
}
RISK_REASONS = {
    "dependents": "{n} resource(s) depend on it",
    "dependencies": "it needs {m} other resource(s)",
    "stateful": "it holds data that must be copied and cut over",
    "data_size": "it stores about {size}",
    "public": "it is reachable from the internet",
}
EXPOSURE_REASONS = {
    "public_instance": "public IP in a public subnet, security group open to the internet",
    "public_bucket": "bucket readable by anyone (ACL or policy), not blocked",
    "public_load_balancer": "internet-facing load balancer with an open security group",
    "public_database": "database marked publicly accessible",
}
STATUS_ICONS = {"denied": ":no_entry:", "throttled": ":hourglass:", "error": ":x:"}


def explain(step: Step, labels: dict[str, str]) -> str:
    """One sentence for one hop of a dependency path.

    Args:
        step: the hop.
        labels: node id -> readable label.
    """
    template = NEEDS.get(step.kind, "{a} depends on {b}")
    a = labels.get(step.needer, step.needer)
    b = labels.get(step.needed, step.needed)
    if is_virtual(step.needed):
        group = step.needed.split(":", 1)[1]
        b = labels.get(group, group)
    via = labels.get(step.via or "", step.via or "")
    return template.format(a=a, b=b, detail=step.detail or "traffic", via=via)


def risk_reason(code: str, points: int, dependents: int, needs: int, size: str) -> str:
    """A readable reason for a risk-score component.

    Args:
        code: reason code.
        points: points it adds.
        dependents: inbound dependency count.
        needs: outbound dependency count.
        size: data size text.
    """
    text = RISK_REASONS.get(code, code).format(n=dependents, m=needs, size=size)
    return f"{text} (+{points})"


def progress_text(progress: ScanProgress) -> str:
    """The line a progress message is updated with while a scan runs.

    Args:
        progress: the latest report.
    """
    last = progress.last
    mark = "" if last.status == "ok" else f" ({last.status})"
    return (
        f":mag: Scanning… {progress.done}/{progress.total} done, {progress.resources} resources "
        f"so far — last: {last.service} in {last.region}{mark}"
    )


def render_scan(result: ScanSummary) -> list[Block]:
    """Scan summary with what was missed.

    Args:
        result: the scan tool's result.
    """
    title = f"Scan {result.scan_id}: {result.resources} resources"
    where = f"{len(result.accounts)} account(s), regions {', '.join(result.regions)}"
    out: list[Block] = [
        blocks.header(title),
        blocks.text(
            f"{where} in {result.seconds:.1f}s ({result.api_calls} API calls). "
            f"Since the previous scan: *{result.created}* new, *{result.changed}* changed, "
            f"*{result.deleted}* gone."
        ),
    ]
    rows = [[t, str(n)] for t, n in sorted(result.by_type.items())]
    if rows:
        out += blocks.table(["TYPE", "COUNT"], rows)
    if result.missed:
        lines = [
            f"{STATUS_ICONS.get(m.status, '')} {m.service} in {m.account}/{m.region}: {m.status}"
            f" — {m.message or ''}"
            for m in result.missed
        ]
        out.append(blocks.text("*Not scanned (results are incomplete):*\n" + "\n".join(lines)))
    return out


def render_search(result: SearchResult) -> list[Block]:
    """Counts or a table of matching resources.

    Args:
        result: the search tool's result.
    """
    filters = ", ".join(f"{k}={v}" for k, v in result.filters.items() if v) or "no filter"
    if result.total == 0:
        return [blocks.text(f"No resources match ({filters}).")]
    out: list[Block] = [blocks.text(f"*{result.total} resource(s)* ({filters})")]
    if result.group_by:
        rows = [[k, str(v)] for k, v in result.groups.items()]
        return out + blocks.table([result.group_by.upper(), "COUNT"], rows)
    rows = [[i.label, i.type, i.region, i.state or "-", i.account] for i in result.items]
    out += blocks.table(["NAME", "TYPE", "REGION", "STATE", "ACCOUNT"], rows)
    if result.total > len(result.items):
        out.append(blocks.note(f"Showing {len(result.items)} of {result.total}."))
    return out


def render_describe(result: DescribeResult) -> list[Block]:
    """Facts and relations of one resource.

    Args:
        result: the describe tool's result.
    """
    r = result.resource
    pairs = [
        ("Type", r.type),
        ("State", r.state or "-"),
        ("Region", r.region),
        ("Account", r.account),
        ("First seen", f"{result.first_seen:%Y-%m-%d %H:%M} UTC"),
        ("Last seen", f"{result.last_seen:%Y-%m-%d %H:%M} UTC"),
    ]
    out: list[Block] = [blocks.header(r.label), blocks.fields(pairs)]
    if result.deleted_at:
        out.append(blocks.text(f":wastebasket: Gone since {result.deleted_at:%Y-%m-%d %H:%M} UTC."))
    config = [f"• {k}: `{v}`" for k, v in result.config.items() if v not in (None, [], {}, "")]
    if config:
        out.append(blocks.text("\n".join(config[:25])))
    if result.relations:
        lines = [
            f"• {'→' if rel.direction == 'out' else '←'} {rel.kind} {rel.other.label}"
            + (f" ({rel.detail})" if rel.detail else "")
            for rel in result.relations
        ]
        out.append(blocks.text("*Relations*\n" + "\n".join(lines[:40])))
    if r.tags:
        out.append(blocks.note("Tags: " + ", ".join(f"`{k}={v}`" for k, v in r.tags.items())))
    return out


def render_changes(result: ChangesResult) -> list[Block]:
    """Created / changed / deleted resources.

    Args:
        result: the changes tool's result.
    """
    if not result.changes:
        return [blocks.text(f"No changes ({result.scope}).")]
    summary = ", ".join(f"{n} {k}" for k, n in result.counts.items())
    icons = {"created": ":new:", "changed": ":pencil2:", "deleted": ":wastebasket:"}
    lines = [
        f"{icons.get(c.kind, '')} {c.kind} {c.resource.label} ({c.resource.type}, {c.region})"
        + (f": {', '.join(c.changed_fields)}" if c.changed_fields else "")
        for c in result.changes
    ]
    return [
        blocks.text(f"*Changes ({result.scope}):* {summary}"),
        blocks.text("\n".join(lines[:60])),
    ]


def render_graph(result: GraphResult) -> list[Block]:
    """Dependencies, dependents or blast radius, each with its reason chain.

    Args:
        result: a graph tool's result.
    """
    titles = {
        "dependencies": f"What {result.start.label} depends on",
        "dependents": f"What depends on {result.start.label}",
        "blast_radius": (
            f"If {result.start.label} fails, {len(result.items)} resource(s) are affected"
        ),
    }
    out: list[Block] = [blocks.header(titles.get(result.mode, result.mode))]
    if not result.items:
        return [*out, blocks.text("Nothing, as far as the inventory can tell.")]
    lines = []
    for item in result.items[:40]:
        why = "; ".join(item.path)
        lines.append(f"• *{item.resource.label}* ({item.resource.type}) — {why}")
    out.append(blocks.text("\n".join(lines)))
    counts = ", ".join(f"{n} {t}" for t, n in result.by_type.items())
    if result.folded_interfaces:
        counts += f" (plus {result.folded_interfaces} network interface(s) of those listed)"
    out.append(blocks.note(counts))
    return out


def render_migration(result: MigrationResult) -> list[Block]:
    """The migration order, cycles flagged.

    Args:
        result: the migration tool's result.
    """
    out: list[Block] = [blocks.header(f"Migration order for {result.start.label}")]
    lines = []
    for step in result.steps:
        names = ", ".join(r.label for r in step.resources)
        flag = " :link: *move together* (they depend on each other)" if step.move_together else ""
        lines.append(f"{step.order}. {names}{flag}")
        if step.because:
            lines.append(f"      _waits because {'; '.join(step.because)}_")
    out.append(blocks.text("\n".join(lines[:80])))
    if result.external:
        names = ", ".join(r.label for r in result.external[:20])
        out.append(
            blocks.note(f"Needed from outside (must exist at the destination first): {names}")
        )
    return out


def render_risk(result: RiskResult) -> list[Block]:
    """Migration risk scores with reasons.

    Args:
        result: the risk tool's result.
    """
    if not result.items:
        return [blocks.text(f"Nothing to score ({result.scope}).")]
    icons = {
        "high": ":red_circle:",
        "medium": ":large_orange_circle:",
        "low": ":large_green_circle:",
    }
    lines = [
        f"{icons.get(i.level, '')} *{i.resource.label}* {i.score}/100 ({i.level}): "
        + ("; ".join(i.reasons) or "no dependencies, stateless")
        for i in result.items
    ]
    return [blocks.text(f"*Migration risk — {result.scope}*"), blocks.text("\n".join(lines))]


def render_risky_groups(result: RiskyGroupsResult) -> list[Block]:
    """World-open and unused security groups.

    Args:
        result: the security tool's result.
    """
    if not result.open_to_world and not result.unused:
        return [
            blocks.text(
                ":white_check_mark: No security group is open to the internet on risky ports, "
                "and none is unused."
            )
        ]
    out: list[Block] = []
    if result.open_to_world:
        lines = []
        for g in result.open_to_world:
            rules = "; ".join(
                f"{', '.join(r.exposes)} from {', '.join(r.sources)}" for r in g.open_rules
            )
            lines.append(
                f":rotating_light: *{g.name}* ({g.group_id}, {g.region}, "
                f"used by {g.used_by}): {rules}"
            )
        out.append(blocks.text("*Open to the internet*\n" + "\n".join(lines)))
    if result.unused:
        names = ", ".join(f"{g.name} ({g.group_id}, {g.region})" for g in result.unused)
        out.append(blocks.text(f"*Unused (attached to nothing):* {names}"))
    return out


def render_exposure(result: ExposureResult) -> list[Block]:
    """Internet-reachable resources.

    Args:
        result: the exposure tool's result.
    """
    if not result.items:
        return [blocks.text(":white_check_mark: Nothing is exposed to the internet.")]
    lines = [
        f":globe_with_meridians: *{e.label}* ({e.type}, {e.region}) — "
        + EXPOSURE_REASONS.get(e.reason, e.reason)
        + (f"; {e.address}" if e.address else "")
        + (f"; open: {', '.join(e.open_ports)}" if e.open_ports else "")
        for e in result.items
    ]
    return [blocks.text(f"*{len(result.items)} exposed resource(s)*\n" + "\n".join(lines))]


def render_diagram(result: DiagramResult) -> list[Block]:
    """A caption for the uploaded picture: what it shows and what did not fit.

    Args:
        result: the diagram tool's result.
    """
    kinds = ", ".join(f"{count} {_plain(rtype)}" for rtype, count in result.by_type.items())
    out: list[Block] = [
        blocks.text(
            f"*Diagram of {result.start.label}* (picture attached): {result.shown} resource(s), "
            f"{result.links} link(s) — {kinds}."
        )
    ]
    if result.left_out:
        missing = ", ".join(f"{n} {_plain(t)}" for t, n in result.left_out.items())
        out.append(
            blocks.note(
                f"Left out to keep it readable: {missing}. Ask for a smaller part "
                "(one subnet or resource) or a higher limit."
            )
        )
    return out


def _plain(rtype: str) -> str:
    """``ec2:security-group`` as ``security-group``."""
    return rtype.split(":", 1)[-1]
