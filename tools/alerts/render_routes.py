"""Words and Block Kit of routing rules and silences (``alerts.routes``, ``alerts.silence``,
``alerts.unsilence``). Matchers people typed are shown escaped, never as Slack markup."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from slack_sdk.models.blocks import Block

from tools.blocks import header, inert, note, text

NO_MATCHERS = (
    "Which alerts should be silenced? Name a resource (web-1), words of the alert title "
    "(cpu), a label (env=staging), a fingerprint or an incident (#12)."
)
NO_SILENCER = "Silences cannot be made in this process (no audit log is wired); nothing changed."
NOTHING_CHANGED = "Nothing was changed in AWS: silences are CloudFabric's own state."


def _when(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def no_such_silence(silence_id: int) -> str:
    """No silence ``silence_id`` holds now.

    Args:
        silence_id: what was asked for.
    """
    return f"No silence #{silence_id} is in force (it may have ended already); nothing changed."


def not_allowed(channels: Sequence[str]) -> str:
    """Who may silence, when the asker may not.

    Args:
        channels: the channels whose members may.
    """
    where = ", ".join(f"<#{channel}>" for channel in channels) or "the alert channels"
    return f"Only members of {where} or approvers may silence these alerts; nothing changed."


def matcher_words(
    resource: str, words: Sequence[str], labels: dict[str, str], fingerprint: str | None
) -> str:
    """A silence's matchers in words, escaped.

    Args:
        resource: resource name, id or ARN.
        words: title words.
        labels: labels.
        fingerprint: fingerprint.
    """
    parts = []
    if resource:
        parts.append(f"resource `{inert(resource)}`")
    if words:
        parts.append("title with " + " ".join(f"`{inert(word)}`" for word in words))
    parts += [f"label `{inert(key)}={inert(value)}`" for key, value in sorted(labels.items())]
    if fingerprint:
        parts.append(f"fingerprint `{inert(fingerprint)}`")
    return ", ".join(parts)


def silence_line(
    silence_id: int, matchers: str, ends: datetime, created_by: str, reason: str
) -> str:
    """One silence as a line.

    Args:
        silence_id: its id.
        matchers: its matchers in words.
        ends: when it ends.
        created_by: who made it.
        reason: why.
    """
    why = f" — {inert(reason)}" if reason else ""
    return f"#{silence_id}: {matchers}, until {_when(ends)}, by <@{created_by}>{why}"


def routes_blocks(
    rules: Sequence[str], fallback: str | None, silences: Sequence[str]
) -> list[Block]:
    """The routing rules and the silences in force.

    Args:
        rules: each rule in words, in order.
        fallback: the channel when no rule matches.
        silences: each silence in force as a line.
    """
    items: list[Block] = [header("Alert routing")]
    listed = "\n".join(f"{n}. {rule}" for n, rule in enumerate(rules, start=1))
    items.append(text(listed or "No routing rules: every alert goes to the fallback channel."))
    last = f"<#{fallback}>" if fallback else "nowhere (no thread is opened)"
    items.append(note(f"First match wins; otherwise: {last}."))
    items.append(header("Silences in force"))
    items.append(text("\n".join(f"• {line}" for line in silences) or "None."))
    return items


def rule_words(name: str, criteria: Sequence[tuple[str, Sequence[str]]], channel: str) -> str:
    """One routing rule in words.

    Args:
        name: the rule's name (may be empty).
        criteria: (what, values) of the criteria it has.
        channel: where it sends alerts.
    """
    said = "; ".join(f"{what} {' or '.join(map(inert, values))}" for what, values in criteria)
    label = f"*{inert(name)}*: " if name else ""
    return f"{label}{said or 'every alert'} → <#{channel}>"


def silenced_blocks(line: str, affected: Sequence[int], lifted: bool = False) -> list[Block]:
    """The answer to a silence made or lifted.

    Args:
        line: the silence as a line.
        affected: open incidents it matches now.
        lifted: True when it was lifted.
    """
    if lifted:
        lead = ":bell: Silence lifted; matching alerts post again:"
    else:
        lead = ":no_bell: Silenced (alerts are still stored and grouped, just not posted):"
    items: list[Block] = [text(f"{lead}\n{line}")]
    if affected:
        items.append(note("Open incidents it matches: " + ", ".join(f"#{n}" for n in affected)))
    items.append(note(NOTHING_CHANGED + " Audited."))
    return items


def incident_silenced_blocks(incident_id: int, title: str, until: datetime) -> list[Block]:
    """The answer to silencing one incident.

    Args:
        incident_id: the incident.
        title: its title (alert text, quoted).
        until: when the silence ends.
    """
    from tools.alerts.render import quoted  # the alert models load SQL: only when shown

    return [
        text(f":no_bell: Repeats of alert incident #{incident_id} silenced until {_when(until)}:"),
        text(quoted(title, 300)),
        note(NOTHING_CHANGED + " Audited."),
    ]
