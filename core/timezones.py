"""Time zones named in words, and wall-clock times turned into instants across DST changes.

People name a zone as an IANA name (``Europe/Berlin``), a city followed by "time" ("Berlin
time", "New York time"), a region followed by "time" ("Pacific time") or a common abbreviation
("PST", "CET", "UTC"). An abbreviation stands for the zone people mean by it all year round:
"PST" is Los Angeles time, daylight saving included, not a fixed UTC-8. A bare city without
"time" is not read as a zone ("instances in London" more likely means a region).

A wall-clock time becomes an instant by one rule everywhere (``resolve_local``):

- a time in a hour that a spring-forward change skips is moved to the end of the gap
  (02:30 on the day Berlin jumps from 02:00 to 03:00 is 03:00 local);
- a time in a hour that a fall-back change repeats is its first occurrence (02:30 on the day
  Berlin goes back from 03:00 to 02:00 is 02:30+02:00).
"""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from core import patterns

UTC_ZONE = ZoneInfo("UTC")

# What people mean by these names, all year round.
ABBREVIATIONS = {
    "utc": "UTC",
    "gmt": "UTC",
    "z": "UTC",
    "zulu": "UTC",
    "pst": "America/Los_Angeles",
    "pdt": "America/Los_Angeles",
    "pt": "America/Los_Angeles",
    "pacific": "America/Los_Angeles",
    "mst": "America/Denver",
    "mdt": "America/Denver",
    "mountain": "America/Denver",
    "cst": "America/Chicago",
    "cdt": "America/Chicago",
    "central": "America/Chicago",
    "est": "America/New_York",
    "edt": "America/New_York",
    "et": "America/New_York",
    "eastern": "America/New_York",
    "bst": "Europe/London",
    "uk": "Europe/London",
    "cet": "Europe/Berlin",
    "cest": "Europe/Berlin",
    "eet": "Europe/Athens",
    "eest": "Europe/Athens",
    "ist": "Asia/Kolkata",
    "jst": "Asia/Tokyo",
    "aest": "Australia/Sydney",
    "aedt": "Australia/Sydney",
}
# Abbreviations that are also ordinary words or letters; they need "time" after them.
_NEEDS_TIME = frozenset({"z", "pt", "et", "uk", "pacific", "mountain", "central", "eastern"})

_AREAS = "africa|america|antarctica|arctic|asia|atlantic|australia|europe|indian|pacific|us"
_IANA = patterns.compile(rf"\b(?:in\s+)?((?:{_AREAS})(?:/[a-z0-9_+\-]+)+)")
_WORDS_TIME = patterns.compile(r"\b(?:in\s+)?((?:[a-z.'\-]+\s+){0,2}[a-z.'\-]+)\s+time\b")
_ABBREVIATION = patterns.compile(
    r"\b(?:in\s+)?("
    + "|".join(
        sorted((name for name in ABBREVIATIONS if name not in _NEEDS_TIME), key=len, reverse=True)
    )
    + r")\b"
)


class ZoneError(ValueError):
    """A zone was named but is not one the IANA database knows."""


@dataclass(frozen=True)
class FoundZone:
    """A zone named in a text, and the text without the words that named it.

    Attributes:
        zone: the zone.
        rest: the text with the zone's words removed (spaces collapsed).
        words: the words that named it, as written.
    """

    zone: ZoneInfo
    rest: str
    words: str


@lru_cache(maxsize=1)
def _names() -> dict[str, str]:
    """Lowercase IANA names and city names (``new york``) to their IANA names."""
    keys = sorted(zoneinfo.available_timezones(), key=lambda key: (key.count("/"), key))
    names: dict[str, str] = {}
    for key in keys:
        if key.startswith(("Etc/", "SystemV/")) or "/" not in key:
            continue
        names.setdefault(key.lower(), key)
        city = key.rsplit("/", 1)[1].replace("_", " ").lower()
        names.setdefault(city, key)
    return names


def zone_named(name: str) -> ZoneInfo | None:
    """The zone a name stands for: IANA name, city, region or abbreviation (any case).

    Args:
        name: e.g. ``Europe/Berlin``, ``berlin``, ``New York``, ``PST``.
    """
    key = " ".join(name.lower().split())
    iana = ABBREVIATIONS.get(key) or _names().get(key) or _names().get(key.replace(" ", "_"))
    return ZoneInfo(iana) if iana else None


def find_zone(text: str) -> FoundZone | None:
    """The zone named in ``text`` ("yesterday in Berlin time", "at 2:30 in Europe/Berlin").

    Args:
        text: lowercase text with single spaces.

    Raises:
        ZoneError: an ``Area/City`` name that is not a known zone.
    """
    found = _iana_zone(text) or _zone_before_time(text)
    if found is None:
        match = _ABBREVIATION.search(text)
        if match is not None:
            zone = ZoneInfo(ABBREVIATIONS[match.group(1)])
            found = _cut(text, match.start(), match.end(), zone)
    return found


def _iana_zone(text: str) -> FoundZone | None:
    match = _IANA.search(text)
    if match is None:
        return None
    zone = zone_named(match.group(1))
    if zone is None:
        raise ZoneError(f"'{match.group(1)}' is not a time zone I know; try e.g. Europe/Berlin.")
    end = match.end()
    if text[end:].startswith(" time"):
        end += len(" time")
    return _cut(text, match.start(), end, zone)


def _zone_before_time(text: str) -> FoundZone | None:
    match = _WORDS_TIME.search(text)
    if match is None:
        return None
    words = match.group(1).split(" ")
    for size in range(len(words), 0, -1):
        zone = zone_named(" ".join(words[-size:]))
        if zone is not None:
            phrase = " ".join(words[-size:])
            start = match.end(1) - len(phrase)
            if text[:start].endswith("in "):
                start -= len("in ")
            return _cut(text, start, match.end(), zone)
    return None


def _cut(text: str, start: int, end: int, zone: ZoneInfo) -> FoundZone:
    rest = " ".join(f"{text[:start]} {text[end:]}".split())
    return FoundZone(zone=zone, rest=rest, words=text[start:end].strip())


def zone_label(zone: ZoneInfo) -> str:
    """The zone's IANA name (``UTC`` for UTC).

    Args:
        zone: a zone.
    """
    return str(zone.key)


def resolve_local(wall: datetime, zone: ZoneInfo) -> datetime:
    """The UTC instant at which clocks in ``zone`` show ``wall`` (naive), by the DST rules above.

    Args:
        wall: a naive wall-clock date and time.
        zone: the zone whose clocks show it.
    """
    first = wall.replace(tzinfo=zone, fold=0)
    instant = first.astimezone(UTC)
    if instant.astimezone(zone).replace(tzinfo=None) == wall:
        return instant  # exists (the first occurrence, when repeated)
    return _gap_end(wall.replace(tzinfo=zone, fold=1).astimezone(UTC), instant, zone)


def _gap_end(low: datetime, high: datetime, zone: ZoneInfo) -> datetime:
    """The first instant in ``[low, high]`` with the offset clocks have after the gap."""
    after = high.astimezone(zone).utcoffset()
    low, high = min(low, high), max(low, high)
    while high - low > timedelta(seconds=1):
        middle = low + (high - low) / 2
        if middle.astimezone(zone).utcoffset() == after:
            high = middle
        else:
            low = middle
    return high.replace(microsecond=0)
