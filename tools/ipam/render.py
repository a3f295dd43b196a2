"""Block Kit replies of the IPAM tools (the console shows the same blocks as text)."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

from tools.ipam.models import ChangeReport, PoolsResult, PoolSummary, ShowPoolResult
from tools.ipam.report_models import (
    AnalyzeResult,
    ExportResult,
    FindConflictsResult,
    FindingView,
    PeeringView,
    PictureResult,
    PlanSubnetsResult,
    ReconcileResult,
)

MAX_LINES = 40
STATUS_ICON = {"applied": ":white_check_mark:", "nothing_to_do": ":zzz:", "skipped": ":warning:"}


def section(text: str) -> SectionBlock:
    """A markdown section, trimmed to Slack's 3,000-character limit.

    Args:
        text: mrkdwn text.
    """
    return SectionBlock(text=MarkdownTextObject(text=text[:2990]))


def context(text: str) -> ContextBlock:
    """A small grey line.

    Args:
        text: mrkdwn text.
    """
    return ContextBlock(elements=[MarkdownTextObject(text=text[:2990])])


def bullet_list(lines: list[str], empty: str) -> str:
    """Bullets, capped at ``MAX_LINES`` with a count of the rest.

    Args:
        lines: one entry per bullet.
        empty: text when there are none.
    """
    if not lines:
        return empty
    shown = [f"• {line}" for line in lines[:MAX_LINES]]
    if len(lines) > MAX_LINES:
        shown.append(f"…and {len(lines) - MAX_LINES} more")
    return "\n".join(shown)


def pool_line(pool: PoolSummary) -> str:
    """One line describing a pool.

    Args:
        pool: the pool.
    """
    where = " · ".join(x for x in (pool.environment, pool.region, pool.owner) if x)
    parent = f" (in {pool.parent})" if pool.parent else ""
    return (
        f"*{pool.name}*{parent} `{', '.join(pool.cidrs)}` — {pool.utilisation_pct:.1f}% used"
        f" of {pool.size:,}{' · ' + where if where else ''}"
    )


def render_pools(result: PoolsResult) -> list[Block]:
    """The pool list.

    Args:
        result: pools.
    """
    lines = [pool_line(p) for p in result.pools]
    return [
        HeaderBlock(text=f"IPAM pools ({len(result.pools)})"),
        section(bullet_list(lines, "No IPAM pools yet. Create one or apply a template.")),
    ]


def render_show_pool(result: ShowPoolResult) -> list[Block]:
    """One pool in detail.

    Args:
        result: the pool.
    """
    pool = result.pool
    used = [
        f"`{a.cidr}` {a.kind}{': ' + a.purpose if a.purpose else ''}"
        f"{' → ' + a.resource_arn if a.resource_arn else ''}"
        for a in result.allocations
    ]
    free = ", ".join(f"`{b}`" for b in result.free_blocks[:20])
    more = result.free_block_count - min(20, len(result.free_blocks))
    changes = [
        f"{c.at:%Y-%m-%d %H:%M} {c.actor} {c.action} {c.cidr or ''}" for c in result.recent_changes
    ]
    return [
        HeaderBlock(text=f"Pool {pool.name}"[:150]),
        section(pool_line(pool)),
        section("*Occupied*\n" + bullet_list(used, "Nothing allocated yet.")),
        section(
            f"*Free blocks* ({result.free_block_count}): {free or 'none'}"
            f"{f' …and {more} more' if more > 0 else ''}"
        ),
        context("Recent changes: " + ("; ".join(changes) if changes else "none")),
    ]


def render_change_report(result: ChangeReport) -> list[Block]:
    """Outcome of a mutating IPAM tool.

    Args:
        result: the outcomes.
    """
    lines = [f"{STATUS_ICON[o.status]} `{o.target}` {o.detail}" for o in result.outcomes]
    return [section(f"*{result.summary}*"), section(bullet_list(lines, "Nothing was planned."))]


def _findings(findings: list[FindingView]) -> str:
    return bullet_list([f.message for f in findings], "none")


def render_analysis(result: AnalyzeResult) -> list[Block]:
    """A pool's analysis.

    Args:
        result: the analysis.
    """
    runway = (
        f"~{result.days_left:,.0f} days (full around {result.full_on:%Y-%m-%d}) at "
        f"{result.rate_per_day:,.0f} addresses/day"
        if result.days_left is not None and result.full_on is not None
        else "not shrinking (no net allocations recently)"
    )
    sizes = ", ".join(f"{n:,} x {size}" for size, n in result.free_blocks_by_size.items())
    return [
        HeaderBlock(text=f"Pool {result.pool}: analysis"[:150]),
        section(
            f"*{result.used_pct:.1f}% used* of {result.size:,} addresses — allocated "
            f"{result.allocated:,} ({result.usable_allocated:,} usable by hosts), reserved "
            f"{result.reserved:,}, child pools {result.child_pools:,}, free {result.free:,}."
        ),
        section(
            f"*Largest free block:* `{result.largest_free_block or 'none'}` · "
            f"*fragmentation:* {result.fragmentation:.2f} · *runway:* {runway}\n"
            f"*Still available:* {sizes or 'nothing'}"
        ),
        section(
            f"*Free ranges* ({result.free_range_count}):\n"
            + bullet_list(result.free_ranges, "none")
        ),
        section("*Findings:*\n" + _findings(result.findings)),
    ]


def render_conflicts(result: FindConflictsResult) -> list[Block]:
    """Conflicts and compliance violations.

    Args:
        result: the findings.
    """
    return [
        HeaderBlock(text="IPAM conflicts and compliance"),
        section(f"*Overlaps* ({len(result.conflicts)}):\n" + _findings(result.conflicts)),
        section(f"*Rule violations* ({len(result.violations)}):\n" + _findings(result.violations)),
        context(f"{result.checked:,} blocks checked."),
    ]


def peering_line(view: PeeringView) -> str:
    """One line saying whether two VPCs can be peered.

    Args:
        view: the verdict.
    """
    verdict = "can be peered" if view.peerable else "can *not* be peered (overlapping CIDRs)"
    overlaps = f": {', '.join(view.overlaps)}" if view.overlaps else ""
    return (
        f"{view.first} [{view.first_where}] and {view.second} [{view.second_where}] "
        f"{verdict}{overlaps}"
    )


def render_peering(result: PeeringView) -> list[Block]:
    """A peering verdict.

    Args:
        result: the verdict.
    """
    icon = ":white_check_mark:" if result.peerable else ":no_entry:"
    return [section(f"{icon} {peering_line(result)}")]


def render_reconcile(result: ReconcileResult) -> list[Block]:
    """Differences between AWS and IPAM.

    Args:
        result: the comparison.
    """
    unmanaged = [
        f"{u.kind} {u.name or u.resource_id} `{u.cidr}` ({u.account}/{u.region}) — "
        + (
            f"can be adopted into *{u.adopt_into}*"
            if u.adopt_into
            else f"not adoptable: {u.reason}"
        )
        for u in result.unmanaged
    ]
    stale = [
        f"`{s.cidr}` in {s.pool} ({s.purpose or 'no purpose'}) → {s.resource_arn} is gone"
        for s in result.stale
    ]
    return [
        HeaderBlock(text="IPAM vs AWS"),
        section(
            f"*Unmanaged* (in AWS, not in IPAM): {len(unmanaged)}\n"
            + bullet_list(unmanaged, "none")
        ),
        section(f"*Stale* (in IPAM, gone from AWS): {len(stale)}\n" + bullet_list(stale, "none")),
        section(
            f"*Conflicts* ({len(result.conflicts)}):\n" + bullet_list(result.conflicts, "none")
        ),
        section(
            f"*VPC pairs that can never be peered* ({len(result.not_peerable)}):\n"
            + bullet_list([peering_line(p) for p in result.not_peerable], "none")
        ),
        context(
            f"Read {', '.join(result.scanned) or 'nothing'}. Say 'adopt' to bring unmanaged "
            "VPCs into IPAM (needs approval)."
        ),
    ]


def render_subnet_plan(result: PlanSubnetsResult) -> list[Block]:
    """A subnet layout.

    Args:
        result: the layout.
    """
    lines = [
        f"`{s.cidr}` {s.tier} {s.az} — {s.usable:,} usable (asked {s.hosts_needed:,})"
        for s in result.subnets
    ]
    return [
        HeaderBlock(text=f"Subnet plan for {result.cidr}"),
        section(bullet_list(lines, "no subnets")),
        context(
            "Spare: "
            + (", ".join(result.spare[:15]) or "none")
            + ". AWS keeps 5 addresses in every subnet."
        ),
    ]


def render_export(result: ExportResult) -> list[Block]:
    """An export: the start of the file inline (the full file is attached as ``filename``).

    Args:
        result: the export.
    """
    preview = result.content if len(result.content) < 2800 else result.content[:2800] + "\n…"
    return [
        section(
            f"*Export* `{result.filename}`: {result.pools:,} pool(s), "
            f"{result.allocations:,} allocation(s)."
        ),
        section(f"```{preview}```"),
    ]


def render_picture(result: PictureResult) -> list[Block]:
    """The address-space picture's caption (the PNG is uploaded to the thread).

    Args:
        result: the picture.
    """
    return [
        section(
            f"*Address space of {result.pool}* — {result.used_pct:.1f}% used "
            f"({result.allocated:,} allocated, {result.reserved:,} reserved, "
            f"{result.free:,} free)."
        ),
        context("Red: allocated · orange: child pools · blue: reserved · green: free."),
    ]
