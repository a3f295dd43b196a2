"""How long something should last, said in words ("2 hours", "for 90 minutes", "until 18:00",
"until tomorrow 9am"), read at a clock as the instant it ends.

The sibling of ``core.when`` (which reads periods in the past): lengths are given to
dateparser as ``in <length>`` and end instants as said, both relative to ``now`` and preferring
the future. Nothing here reads the wall clock. Times of day are UTC.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from core import patterns
from core.when import WhenError

MAX_TEXT = 100
_UNTIL = patterns.compile(r"^(?:until|till|til|up to|upto)\s+(.+)$")
_LEAD = patterns.compile(r"^(?:for|in|about|another)\s+(?:the\s+)?(?:next\s+)?")
_SHORT = patterns.compile(r"^(\d{1,4})\s*(m|min|mins|h|hr|hrs|d|w)$")
_BARE_UNIT = patterns.compile(r"^(?:an?\s+|one\s+)?(minute|hour|day|week)$")
_UNITS = {"m": "minutes", "min": "minutes", "mins": "minutes", "h": "hours", "hr": "hours",
          "hrs": "hours", "d": "days", "w": "weeks"}  # fmt: skip
_SAYINGS = {"half an hour": "30 minutes", "half a day": "12 hours", "a couple of hours": "2 hours",
            "a couple hours": "2 hours", "an hour and a half": "90 minutes",
            "the weekend": "2 days", "the day": "1 day", "the night": "12 hours",
            "overnight": "12 hours"}  # fmt: skip


def read_until(text: str, now: datetime, longest: timedelta) -> datetime:
    """The instant a length or end said in ``text`` ends, counted from ``now``.

    Args:
        text: e.g. ``2 hours``, ``for 90 minutes``, ``2h``, ``until 18:00``.
        now: the clock's now (aware).
        longest: the longest length accepted.

    Raises:
        WhenError: nothing readable, already past, or longer than ``longest`` (the message
            says which, to show to people).
    """
    said = " ".join(text.lower().split())[:MAX_TEXT].strip(" .!?,")
    until = _UNTIL.fullmatch(said)
    end = _parse(until.group(1), now) if until else _parse("in " + _length(said), now)
    if end is None:
        raise WhenError(f"'{said}' is not a length of time I can read; say e.g. '2 hours', "
                        "'30m' or 'until 18:00' (UTC).")  # fmt: skip
    if end <= now:
        raise WhenError(f"'{said}' is already past ({end:%Y-%m-%d %H:%M} UTC).")
    if end - now > longest:
        raise WhenError(f"'{said}' is longer than the {_words(longest)} allowed.")
    return end


def _length(said: str) -> str:
    """A length in dateparser's words: ``2h`` -> ``2 hours``, ``an hour`` -> ``1 hour``."""
    body = _LEAD.sub("", said).strip()
    body = _SAYINGS.get(body, body)
    short = _SHORT.fullmatch(body)
    if short:
        return f"{short.group(1)} {_UNITS[short.group(2)]}"
    bare = _BARE_UNIT.fullmatch(body)
    return f"1 {bare.group(1)}" if bare else body


def _parse(phrase: str, now: datetime) -> datetime | None:
    """The aware UTC instant dateparser reads in ``phrase``, relative to ``now``."""
    import dateparser  # imported on first use: loading it takes a few tenths of a second

    settings: dict[str, Any] = {
        "RELATIVE_BASE": now.astimezone(UTC).replace(tzinfo=None),
        "PREFER_DATES_FROM": "future",
        "TIMEZONE": "UTC",
        "RETURN_AS_TIMEZONE_AWARE": True,
    }
    try:
        parsed = dateparser.parse(phrase, languages=["en"], settings=settings)
    except (ValueError, OverflowError):
        return None
    return parsed.astimezone(UTC) if parsed is not None else None


def _words(length: timedelta) -> str:
    hours = length.total_seconds() / 3600
    return f"{hours / 24:g} days" if hours >= 48 else f"{hours:g} hours"
