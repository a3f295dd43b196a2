"""Block Kit of an incident's thread root: what fired, when, how bad, on what, where, whose,
how often, with the Investigate / Acknowledge / Silence 1 h / Resolve buttons.

Alert text comes from outside: it is shown only as quoted text, with Slack's control characters
escaped (no mention, link or channel ping can come from it), and is never interpreted.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from slack_sdk.models.blocks import ActionsBlock, Block, ButtonElement

from tools.alerts.models import IncidentRow, cap
from tools.blocks import fields, header, note, text

ACTION_PREFIX = "alert_"
INVESTIGATE_ACTION = "alert_investigate"
ACK_ACTION = "alert_acknowledge"
SILENCE_ACTION = "alert_silence_1h"
RESOLVE_ACTION = "alert_resolve"
DIGEST_SECTION_CHARS = 2900
"""Lines of a digest are packed into sections of at most this many characters (Slack: 3000)."""
_ICONS = {"critical": ":red_circle:", "error": ":large_orange_circle:", "warning": ":warning:"}


def escaped(untrusted: str, limit: int) -> str:
    """``untrusted`` cut to ``limit`` with ``&``, ``<`` and ``>`` escaped (no mention, link or
    ping can come from it).

    Args:
        untrusted: text from an alert.
        limit: the most characters shown.
    """
    return cap(untrusted, limit).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def quoted(untrusted: str, limit: int = 1500) -> str:
    """``untrusted`` as a mrkdwn quote: ``&``, ``<`` and ``>`` escaped, every line quoted.

    Args:
        untrusted: text from an alert.
        limit: the most characters shown.
    """
    safe = escaped(untrusted, limit)
    return "\n".join(f"> {line}" for line in safe.splitlines() or [""])


def _when(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S UTC")


def incident_blocks(incident: IncidentRow, owner: str | None, description: str = "") -> list[Block]:
    """The thread root of ``incident``.

    Args:
        incident: the incident as stored.
        owner: the resource's owner tag, when the inventory knows it.
        description: the first alert's longer text (quoted, if any).
    """
    resolved = incident.status == "resolved"
    state = "Resolved" if resolved else "Firing"
    icon = _icon(incident)
    where = " / ".join(part for part in (incident.account, incident.region) if part) or "unknown"
    items: list[Block] = [
        header(f"{state}: alert incident #{incident.id}"),
        text(f"{icon} *What fired* (as the alert says it):\n{quoted(incident.title, 300)}"),
        fields(
            [
                ("Severity", incident.severity),
                ("First seen", _when(incident.first_seen)),
                ("Resource", quoted(incident.resource or "unknown", 200)),
                ("Account / region", quoted(where, 80)),
                ("Owner", quoted(owner, 100) if owner else "not in the inventory"),
                ("Alerts", f"{incident.count} (last {_when(incident.last_seen)})"),
            ]
        ),
    ]
    if description:
        items.append(text(f"*Details* (from the alert):\n{quoted(description)}"))
    if incident.flapping:
        items.append(note(":repeat: Flapping: its flips are recorded but no longer announced."))
    items.extend(note(line) for line in state_lines(incident))
    items.append(_buttons(str(incident.id), resolved))
    return items


def state_lines(incident: IncidentRow) -> list[str]:
    """Who acknowledged, silenced or resolved the incident (CloudFabric's own state).

    Args:
        incident: the incident.
    """
    lines = []
    if incident.acknowledged_by and incident.acknowledged_at:
        when = _when(incident.acknowledged_at)
        lines.append(f":eyes: Acknowledged by <@{incident.acknowledged_by}> at {when}.")
    if incident.silenced_until:
        lines.append(f":no_bell: Repeats silenced until {_when(incident.silenced_until)}.")
    if incident.resolved_by and incident.status == "resolved":
        lines.append(f":white_check_mark: Resolved by <@{incident.resolved_by}>.")
    return lines


def incident_text(incident: IncidentRow) -> str:
    """The notification text of the thread root (what a phone shows).

    Args:
        incident: the incident.
    """
    state = "Resolved" if incident.status == "resolved" else "Firing"
    return cap(f"{state} ({incident.severity}): {incident.title}", 300)


def _icon(incident: IncidentRow) -> str:
    if incident.status == "resolved":
        return ":white_check_mark:"
    return _ICONS.get(incident.severity, ":large_blue_circle:")


def _buttons(value: str, resolved: bool) -> ActionsBlock:
    buttons = [
        ButtonElement(text="Investigate", action_id=INVESTIGATE_ACTION, value=value),
        ButtonElement(text="Acknowledge", action_id=ACK_ACTION, value=value),
        ButtonElement(text="Silence 1 h", action_id=SILENCE_ACTION, value=value),
    ]
    if not resolved:
        buttons.append(
            ButtonElement(text="Resolve", action_id=RESOLVE_ACTION, value=value, style="primary")
        )
    return ActionsBlock(block_id=f"alert_incident:{value}", elements=buttons)


def not_yet(action_id: str) -> str:
    """What a click on a button whose handling is not built yet answers.

    Args:
        action_id: the button's action id.
    """
    names = {
        INVESTIGATE_ACTION: "Investigate",
        ACK_ACTION: "Acknowledge",
        SILENCE_ACTION: "Silence 1 h",
        RESOLVE_ACTION: "Resolve",
    }
    name = names.get(action_id, "This button")
    return f"{name} is not available yet; the incident is unchanged."


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
            f":rotating_light: *Alert storm in <#{channel}>*: since {_when(opened_at)}, "
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
    icon = _icon(incident)
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
