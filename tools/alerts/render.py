"""Block Kit of an incident's thread root: what fired, when, how bad, on what, where, whose,
how often, with the Investigate / Acknowledge / Silence 1 h / Resolve buttons.

Alert text comes from outside: it is shown only as quoted text, with Slack's control characters
escaped (no mention, link or channel ping can come from it), and is never interpreted.
"""

from __future__ import annotations

from datetime import datetime

from slack_sdk.models.blocks import ActionsBlock, Block, ButtonElement

from tools.alerts.models import IncidentRow, cap
from tools.blocks import fields, header, note, text

ACTION_PREFIX = "alert_"
INVESTIGATE_ACTION = "alert_investigate"
ACK_ACTION = "alert_acknowledge"
SILENCE_ACTION = "alert_silence_1h"
RESOLVE_ACTION = "alert_resolve"
_ICONS = {"critical": ":red_circle:", "error": ":large_orange_circle:", "warning": ":warning:"}


def quoted(untrusted: str, limit: int = 1500) -> str:
    """``untrusted`` as a mrkdwn quote: ``&``, ``<`` and ``>`` escaped, every line quoted.

    Args:
        untrusted: text from an alert.
        limit: the most characters shown.
    """
    safe = cap(untrusted, limit).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
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
    icon = (
        ":white_check_mark:" if resolved else _ICONS.get(incident.severity, ":large_blue_circle:")
    )
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


CHART_UNAVAILABLE = ":bar_chart: No metric chart:"
"""How the line saying there is no chart begins."""


def chart_no_region() -> str:
    """The thread's line when the alert names no AWS region to read its metric in."""
    return f"{CHART_UNAVAILABLE} this alert names no known AWS region to read its metric in."


def chart_denied(code: str, permission: str) -> str:
    """The thread's line when AWS refused the metric read.

    Args:
        code: AWS's error code (AccessDenied...).
        permission: the IAM action the read needs.
    """
    return f"{CHART_UNAVAILABLE} AWS answered {code}; the bot's role lacks {permission}."


def chart_failed(code: str) -> str:
    """The thread's line when the metric could not be read for another reason.

    Args:
        code: AWS's error code, or the kind of failure.
    """
    return f"{CHART_UNAVAILABLE} CloudWatch could not be read ({cap(code, 80)})."


def chart_no_data(metric: str, start: datetime, end: datetime) -> str:
    """The thread's line when the metric has no datapoints around the alert.

    Args:
        metric: the metric's name (quoted already).
        start: window start.
        end: window end.
    """
    safe = metric.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return (
        f"{CHART_UNAVAILABLE} CloudWatch has no datapoints of `{safe.replace('`', chr(39))}` "
        f"from {_when(start)} to {_when(end)}."
    )


def recovery_line(recovered: bool, statement: str) -> str:
    """The thread's verdict after a fix's watch.

    Args:
        recovered: whether the metric is back on the good side.
        statement: what the metric did (its name quoted already).
    """
    icon = ":white_check_mark: Recovered" if recovered else ":x: Not recovered"
    return f"{icon}: {statement}"


def recovery_unwatched() -> str:
    """The thread's line when the alarm gives nothing to watch after a fix."""
    return (
        "The fix ran; this alarm names no metric threshold to watch, so recovery was not checked."
    )
