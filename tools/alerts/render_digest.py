"""Block Kit of a channel's storm digest: one message listing the incidents of a storm that
opened no thread of their own, edited as their alerts repeat or resolve."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from slack_sdk.models.blocks import Block

from tools.alerts.render import escaped, severity_icon, when_words
from tools.blocks import header, note, text

if TYPE_CHECKING:
    from tools.alerts.models import IncidentRow

DIGEST_SECTION_CHARS = 2900
"""Lines of a digest are packed into sections of at most this many characters (Slack: 3000)."""


def digest_blocks(
    channel: str, opened_at: datetime, incidents: Sequence[IncidentRow], threads: int,
    window: timedelta,
) -> list[Block]:  # fmt: skip
    """A channel's storm digest: the incidents of the storm that opened no thread of their own.

    Args:
        channel: the channel.
        opened_at: when the digest's first incident was listed.
        incidents: the incidents it lists, oldest first.
        threads: threads a channel gets per window.
        window: the storm window.
    """
    minutes = f"{window.total_seconds() / 60:g} min"
    items: list[Block] = [
        header(f"Alert storm: {_counted(len(incidents), 'more incident')}"),
        text(
            f":rotating_light: *Alert storm in <#{channel}>*: since {when_words(opened_at)}, "
            f"{_counted(len(incidents), 'incident')} opened beyond the "
            f"{_counted(threads, 'thread')} a channel gets every {minutes}. They are listed "
            "here, and this message is updated as their alerts repeat or resolve, instead of "
            "posting one message each."
        ),
    ]
    items.extend(text(chunk) for chunk in _packed([digest_line(i) for i in incidents]))
    items.append(note("Every alert is stored with its incident; ask about one by its number."))
    return items


def digest_line(incident: IncidentRow) -> str:
    """One incident of a digest: number, state, severity, what fired, count, last seen.

    Args:
        incident: the incident.
    """
    icon = severity_icon(incident)
    state = "resolved" if incident.status == "resolved" else "firing"
    return (
        f"{icon} *#{incident.id}* {incident.severity}, {state}: {escaped(incident.title, 90)} "
        f"({_counted(incident.count, 'alert')}, last {incident.last_seen.strftime('%H:%M:%S')})"
    )


def digest_text(channel: str, incidents: Sequence[IncidentRow]) -> str:
    """The notification text of a digest.

    Args:
        channel: the channel.
        incidents: the incidents it lists.
    """
    listed = _counted(len(incidents), "incident")
    return f"Alert storm in <#{channel}>: {listed} listed in one message."


def _counted(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def _packed(lines: Sequence[str]) -> list[str]:
    """``lines`` joined into chunks of at most ``DIGEST_SECTION_CHARS`` characters."""
    chunks: list[str] = []
    for line in lines:
        if chunks and len(chunks[-1]) + 1 + len(line) <= DIGEST_SECTION_CHARS:
            chunks[-1] += "\n" + line
        else:
            chunks.append(line)
    return chunks
