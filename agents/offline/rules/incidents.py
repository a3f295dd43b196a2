"""Arguments of the alert incident tools, read from the message: which incident (its number,
"latest", or the resource and metric words that name it, resolved fuzzily by the tool, which
asks when several fit), and for ``alerts.list`` the status, severity and how many."""

from __future__ import annotations

from typing import Any

from agents.offline.slots import Slots
from agents.offline.utterance import Utterance
from core import patterns

NUMBER = patterns.compile(
    r"#\s*(\d{1,6})\b|\b(?:incident|alert|alarm|inc)s?\s*(?:no\.?|number)?\s*#?\s*(\d{1,6})\b|"
    r"(?:^|[\s:(])(\d{1,6})(?:$|[\s,.;:!?)])"
)
LATEST = patterns.compile(
    r"\b(?:latest|newest|most recent|last one|the last|just (?:fired|went off|came in)|"
    r"current one|new one|that just)\b"
)
_WORDS = """ack acks acked acking acknowledge acknowledged acknowledging resolve resolved
    resolving close closed closing out investigate investigation investigating postmortem
    post-mortem post mortem retro writeup write-up markdown timeline alert alerts alarm alarms
    incident incidents show details detail status state playbook fire fired firing why whats
    what's causing cause root debug diagnose analyze analyse troubleshoot dig look mark fixed
    fine clear done handle handling own taking take paging page report review doc document
    template skeleton export draft generate create start prepare view pull describe tell info
    up on it its i'm i'll i've we're got now please yet anyone has is still first going wrong
    went triggered behind propose fix suggest find figure run newest latest recent most just
    open anything new one write alerting acked as got me about looking have kill shut noise stop
    paging handling i've"""
VOCABULARY = frozenset(_WORDS.split())
"""Words of these requests that never name what fired."""
METRICS = patterns.compile(
    r"\b(cpu|memory|disk|5xx|4xx|errors?|throttles?|throttling|latency|connections?|storage|"
    r"duration|timeouts?|guardduty|cost|spend|ssh|health|status checks?|terminat\w*|stopped)\b"
)
STATUS = (
    ("resolved", patterns.compile(r"\b(?:resolved|closed|fixed|recovered|cleared|done)\b")),
    ("open", patterns.compile(r"\b(?:open|active|firing|unresolved|ongoing|current\w*|live)\b")),
)
SEVERITY = (
    ("critical", patterns.compile(r"\b(?:critical|crit|sev ?1|p1)\b")),
    ("error", patterns.compile(r"\berror (?:severity|level|alerts?|incidents?)\b|\berror-level\b")),
    ("warning", patterns.compile(r"\bwarnings?\b")),
    ("info", patterns.compile(r"\binfo(?:rmational)?\b")),
)
LIMIT = patterns.compile(
    r"\b(?:last|latest|top|first|recent)\s+(\d{1,3})\b|\b(\d{1,3})\s+(?:most recent|latest|newest)"
)


def _incident(u: Utterance) -> dict[str, Any]:
    """The incident the message names: ``{"incident": "12" | "latest" | "<words>"}``."""
    text = u.lower
    number = NUMBER.search(text)
    if number:
        return {"incident": next(g for g in number.groups() if g)}
    if LATEST.search(text):
        return {"incident": "latest"}
    metrics = [m.group(1) for m in METRICS.finditer(text)]
    names = [n.lower() for n in u.names(VOCABULARY) if n.lower() not in metrics]
    named = " ".join(dict.fromkeys([*names, *metrics]))
    return {"incident": named} if named else {}


def _list(u: Utterance) -> dict[str, Any]:
    text = u.lower
    args: dict[str, Any] = {}
    status = next((value for value, pattern in STATUS if pattern.search(text)), None)
    severity = next((value for value, pattern in SEVERITY if pattern.search(text)), None)
    limit = LIMIT.search(text)
    if status:
        args["status"] = status
    if severity:
        args["severity"] = severity
    if limit:
        args["limit"] = min(max(int(next(g for g in limit.groups() if g)), 1), 100)
    return args


SLOTS: list[Slots] = [
    Slots("alerts.list", _list),
    *(
        Slots(f"alerts.{verb}", _incident)
        for verb in ("show", "investigate", "postmortem", "ack", "resolve")
    ),
]
