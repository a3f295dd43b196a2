"""Arguments of the silence tools, read from a message: which alerts (a resource, words of
the title, labels, an incident), for how long, and why. A silence of nothing named is left
without matchers, so the tool's arguments ask which alerts rather than silence everything."""

from __future__ import annotations

from typing import Any

from agents.offline.slots import Slots
from agents.offline.utterance import Utterance
from core import patterns

_NUMBER = r"(?:\d{1,4}|an?|one|two|three|four|five|six|seven|eight|nine|ten|twelve|half an?)"
_UNIT = r"(?:minutes?|mins?|m|hours?|hrs?|h|days?|d|weeks?|w)"
DURATION = patterns.compile(
    rf"\b(?:for\s+(?:the\s+)?(?:next\s+|another\s+)?)?({_NUMBER}\s*{_UNIT}|a couple of hours)\b"
    r"|\b((?:until|till)\s+[\w: ]+?)(?:\s*(?:,|because|since|as|reason|$))"
    r"|\b(overnight|for the weekend|for the night)\b"
)
INCIDENT = patterns.compile(r"\bincident\s*#?\s*(\d{1,9})\b|#(\d{1,9})\b")
SILENCE_NUMBER = patterns.compile(r"(\d{1,9})")
LABEL = patterns.compile(r"\b([a-z_][\w.-]{0,40})=([\w.:/-]{1,80})")
FINGERPRINT = patterns.compile(r"\bfingerprint\s+([\w:.-]{1,200})")
REASON = patterns.compile(r"\s(?:because(?:\s+of)?|reason:?|due to|since)\s+(.+)$|,\s*(.+)$")
_FILLER_WORDS = (
    "silence silences silenced mute muted snooze snoozed quiet quieten hush shush suppress "
    "alerts alert alarms alarm notifications warnings pages the all any every on for from "
    "about of please pls can you could would i we me us want to be some these those that this "
    "a an and its it now with in related noisy spammy them coming fired firing by next another "
    "stop temporarily also just everything anything stuff things noise everyone whole"
)
FILLER = frozenset(_FILLER_WORDS.split())


def _duration(lower: str) -> str | None:
    found = DURATION.search(lower)
    if found is None:
        return None
    said = next(group for group in found.groups() if group)
    return str(said).strip()


def _silence_args(u: Utterance) -> dict[str, Any]:
    lower = u.lower
    reason = REASON.search(lower)
    body = lower[: reason.start()] if reason else lower
    args: dict[str, Any] = {}
    duration = _duration(body) or _duration(lower)
    if duration:
        args["duration"] = duration
        body = body.replace(duration, " ")
    if reason:
        start = reason.start(1) if reason.group(1) else reason.start(2)
        args["reason"] = " ".join(u.text.split())[start:][:300]
    incident = INCIDENT.search(body)
    if incident:
        args["incident"] = int(incident.group(1) or incident.group(2))
        return args
    labels = {m.group(1): m.group(2) for m in LABEL.finditer(body)}
    if labels:
        args["labels"] = labels
    fingerprint = FINGERPRINT.search(body)
    if fingerprint:
        args["fingerprint"] = fingerprint.group(1)
    _matchers(body, labels, fingerprint.group(1) if fingerprint else None, args)
    return args


def _matchers(
    body: str, labels: dict[str, str], fingerprint: str | None, args: dict[str, Any]
) -> None:
    """The resource (a name with a digit, dash or dot) and the title words left in ``body``."""
    taken = {f"{k}={v}" for k, v in labels.items()} | {"fingerprint", fingerprint or ""}
    words: list[str] = []
    for token in body.replace(",", " ").split():
        word = token.strip(".!?;:'\"()")
        if not word or word in FILLER or word in taken or word.startswith("#"):
            continue
        if "resource" not in args and _resource_shaped(word):
            args["resource"] = word
        elif word.isalnum() and len(words) < 5:
            words.append(word)
    if words:
        args["words"] = words


def _resource_shaped(word: str) -> bool:
    """web-1, i-0abc, db1, an ARN: a dash, dot, slash or colon, or letters then a digit."""
    marked = any(c in "-./:" for c in word)
    return marked or (word[0].isalpha() and any(c.isdigit() for c in word))


def _unsilence_args(u: Utterance) -> dict[str, Any]:
    found = SILENCE_NUMBER.search(u.lower)
    return {"silence": int(found.group(1))} if found else {}


SLOTS: list[Slots] = [
    Slots("alerts.silence", _silence_args),
    Slots("alerts.unsilence", _unsilence_args),
]
