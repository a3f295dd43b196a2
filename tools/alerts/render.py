"""Block Kit of an incident's thread root: what fired, when, how bad, on what, where, whose,
how often, with the Investigate / Acknowledge / Silence 1 h / Resolve buttons; the results of
the incident tools (``alerts.list``, ``show``, ``investigate``, ``postmortem``, ``ack``,
``resolve``) and their sentences.

Alert text comes from outside: it is shown only as quoted text, with Slack's control characters
escaped (no mention, link or channel ping can come from it), and is never interpreted.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from slack_sdk.models.blocks import ActionsBlock, Block, ButtonElement

from tools.alerts.kinds import cap
from tools.blocks import divider, fields, header, inert, note, table, text

if TYPE_CHECKING:
    from tools.alerts.incident_models import (
        ChangeResult,
        IncidentLine,
        InvestigateResult,
        ListResult,
        PostmortemResult,
        ShowResult,
    )
    from tools.alerts.models import IncidentRow

ACTION_PREFIX = "alert_"
INVESTIGATE_ACTION = "alert_investigate"
ACK_ACTION = "alert_acknowledge"
SILENCE_ACTION = "alert_silence_1h"
RESOLVE_ACTION = "alert_resolve"
_ICONS = {"critical": ":red_circle:", "error": ":large_orange_circle:", "warning": ":warning:"}


def escaped(untrusted: str, limit: int) -> str:
    """``untrusted`` cut to ``limit`` with ``&``, ``<`` and ``>`` escaped (no mention, link or
    ping can come from it).

    Args:
        untrusted: text from an alert.
        limit: the most characters shown.
    """
    return inert(cap(untrusted, limit))


def quoted(untrusted: str, limit: int = 1500) -> str:
    """``untrusted`` as a mrkdwn quote: ``&``, ``<`` and ``>`` escaped, every line quoted.

    Args:
        untrusted: text from an alert.
        limit: the most characters shown.
    """
    safe = escaped(untrusted, limit)
    return "\n".join(f"> {line}" for line in safe.splitlines() or [""])


def when_words(moment: datetime) -> str:
    """``2027-03-01 00:00:00 UTC``.

    Args:
        moment: an aware instant.
    """
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
    icon = severity_icon(incident)
    where = " / ".join(part for part in (incident.account, incident.region) if part) or "unknown"
    items: list[Block] = [
        header(f"{state}: alert incident #{incident.id}"),
        text(f"{icon} *What fired* (as the alert says it):\n{quoted(incident.title, 300)}"),
        fields(
            [
                ("Severity", incident.severity),
                ("First seen", when_words(incident.first_seen)),
                ("Resource", quoted(incident.resource or "unknown", 200)),
                ("Account / region", quoted(where, 80)),
                ("Owner", quoted(owner, 100) if owner else "not in the inventory"),
                ("Alerts", f"{incident.count} (last {when_words(incident.last_seen)})"),
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
        when = when_words(incident.acknowledged_at)
        lines.append(f":eyes: Acknowledged by <@{incident.acknowledged_by}> at {when}.")
    if incident.silenced_until:
        lines.append(f":no_bell: Repeats silenced until {when_words(incident.silenced_until)}.")
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


def severity_icon(incident: IncidentRow) -> str:
    """The emoji of an incident: resolved, else by severity.

    Args:
        incident: the incident.
    """
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


def outsider_refusal(incident: IncidentRow) -> str:
    """Why someone outside the incident's channel, and not an approver, may not act on it.

    Args:
        incident: the incident.
    """
    channel = incident.channel
    where = f"<#{channel}>" if channel else "the incident's channel"
    return f"Only members of {where} or approvers may act on alert incident #{incident.id}."


FIX_NOT_FILED = {
    "unfiled": "The suggested fix `{}` has no preview; it was not filed.",
    "in_place": "The suggested fix is in place already: {}",
    "unprepared": "The suggested fix could not be prepared: {}",
    "refused": "The suggested fix was not filed: {}",
}
"""Why an investigation's fix was not filed, by reason."""


def fix_not_filed(reason: str, detail: str) -> str:
    """The sentence saying why a suggested fix was not filed.

    Args:
        reason: a key of ``FIX_NOT_FILED``.
        detail: the tool name or the refusal's own sentence.
    """
    return FIX_NOT_FILED[reason].format(detail)


def no_incidents() -> str:
    """What is said when there is no incident at all."""
    return "There are no alert incidents yet."


def no_match(said: str) -> str:
    """What is said when no incident fits the words a person used.

    Args:
        said: their words (quoted as data).
    """
    return (
        f"No alert incident matches `{_inline(said, 80)}`. "
        "Name it by its number (e.g. #12), or say `list alerts` to see them."
    )


def which_incident(said: str) -> str:
    """The question asked when several incidents fit.

    Args:
        said: the person's words ("" when they named none).
    """
    if not said:
        return "Several alert incidents are open; which one do you mean?"
    return f"Several alert incidents match `{_inline(said, 80)}`; which one do you mean?"


def choice_line(incident: IncidentRow) -> str:
    """One incident as a choice in a question (its number first, so it can be answered).

    Args:
        incident: the incident.
    """
    return (
        f"#{incident.id} {_inline(incident.title, 80)} ({incident.severity}, {incident.status}, "
        f"last {when_words(incident.last_seen)})"
    )


def already(change: str, incident: IncidentLine) -> str:
    """What an acknowledgement or resolution of an incident that is so already says.

    Args:
        change: ``acknowledged`` or ``resolved``.
        incident: the incident.
    """
    who = incident.acknowledged_by if change == "acknowledged" else incident.resolved_by
    by = f" by <@{who}>" if who else ""
    return f"Alert incident #{incident.id} is {change} already{by}; nothing was changed."


def _inline(untrusted: str, limit: int) -> str:
    """Alert text on one line, inert inside inline code."""
    line = " ".join(cap(untrusted, limit).split()).replace("`", "'")
    return inert(line)


def _line_cells(line: IncidentLine) -> list[str]:
    state = "acknowledged" if line.acknowledged_by and line.status == "open" else line.status
    return [f"#{line.id}", line.severity, state, str(line.count), when_words(line.last_seen),
            _inline(line.title, 60)]  # fmt: skip


def render_list(result: ListResult) -> list[Block]:
    """``alerts.list``: the incidents as a table, newest first.

    Args:
        result: the incidents.
    """
    wanted = " ".join(w for w in (result.status, result.severity) if w)
    title = f"Alert incidents{f' ({wanted})' if wanted else ''}"
    if not result.incidents:
        return [header(title), text(f"No {wanted + ' ' if wanted else ''}alert incidents.")]
    rows = [_line_cells(line) for line in result.incidents]
    out: list[Block] = [header(title)]
    out += table(["#", "severity", "state", "alerts", "last seen", "what fired"], rows)
    if result.more:
        out.append(note(f"{result.more} more not listed; narrow by status or severity."))
    return out


def _line_fields(line: IncidentLine) -> Block:
    return fields(
        [
            ("State", line.status),
            ("Severity", line.severity),
            ("Resource", quoted(line.resource or "unknown", 200)),
            ("First seen", when_words(line.first_seen)),
            ("Alerts", f"{line.count} (last {when_words(line.last_seen)})"),
            ("Channel", f"<#{line.channel}>" if line.channel else "no thread"),
        ]
    )


def render_show(result: ShowResult) -> list[Block]:
    """``alerts.show``: the incident, who is on it, and its timeline.

    Args:
        result: the incident.
    """
    line = result.incident
    out: list[Block] = [header(f"Alert incident #{line.id}")]
    out += [text(f"*What fired* (as the alert says it):\n{quoted(line.title, 300)}")]
    out.append(_line_fields(line))
    if result.description:
        out.append(text(f"*Details* (from the alert):\n{quoted(result.description)}"))
    if line.acknowledged_by:
        out.append(note(f":eyes: Acknowledged by <@{line.acknowledged_by}>."))
    if result.silenced_until:
        out.append(note(f":no_bell: Repeats silenced until {when_words(result.silenced_until)}."))
    if line.resolved_by and line.status == "resolved":
        out.append(note(f":white_check_mark: Resolved by <@{line.resolved_by}>."))
    moments = [
        [when_words(m.at), m.kind, _inline(m.actor or "", 30), _inline(m.detail, 70)]
        for m in result.timeline
    ]
    if moments:
        out += [divider(), *table(["when", "what", "who", "detail"], moments[-30:])]
    return out


def render_investigate(result: InvestigateResult) -> list[Block]:
    """``alerts.investigate``: the findings with their evidence, and the fix filed for approval.

    Args:
        result: the investigation.
    """
    from tools.alerts.playbooks.render import render_investigation

    if result.investigation is None:
        return [text(result.no_playbook or "Nothing was investigated.")]
    out = render_investigation(result.investigation)
    if result.filed is not None:
        filed = result.filed
        out.append(note(f":inbox_tray: Filed for approval as `{filed.approval_id}` "
                        f"({filed.state}): {_inline(filed.summary, 200)}. It runs only once "
                        "someone allowed approves it."))  # fmt: skip
    elif result.not_filed:
        out.append(note(result.not_filed))
    return out


def render_postmortem(result: PostmortemResult) -> list[Block]:
    """``alerts.postmortem``: the Markdown skeleton, to copy.

    Args:
        result: the postmortem.
    """
    body = result.markdown.replace("```", "'''")
    chunks = [body[i : i + 2900] for i in range(0, len(body), 2900)] or [""]
    out: list[Block] = [header(f"Postmortem skeleton: alert incident #{result.incident.id}")]
    return out + [text(f"```{chunk}```") for chunk in chunks[:20]]


def render_change(result: ChangeResult) -> list[Block]:
    """``alerts.ack`` and ``alerts.resolve``: the incident's state now.

    Args:
        result: the change.
    """
    line = result.incident
    if not result.changed:
        return [text(already(result.change, line))]
    icon = ":eyes:" if result.change == "acknowledged" else ":white_check_mark:"
    words = f"{icon} Alert incident #{line.id} is {result.change}"
    return [text(f"{words}: {quoted(line.title, 200)}"), _line_fields(line)]
