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
