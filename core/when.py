"""Dates and ranges said in words ("last week", "since monday", "in october"), read at a clock.

``read_range(text, now)`` finds the first date or range phrase in a message and returns it as
a ``DateRange``: two UTC instants, the end exclusive, and a label in words. ``now`` is passed
in (from ``core.clock.Clock``); nothing here reads the wall clock. Single dates ("nov 3",
"2026-11-03", "3 days ago") are read by dateparser, always given ``now`` as its base; the
ranges it does not express are this module's own rules.

Rules, all relative to ``now`` in the zone named in the text ("Berlin time", "in PST",
"Europe/Berlin"), else ``tz``, else UTC; days start at local midnight (``core.timezones``):

- ``today``, ``yesterday``, ``the day before yesterday``;
- ``this week``, ``last week`` (ISO weeks, Monday to Sunday), ``this/last month``,
  ``this/last year``, ``last weekend`` (the most recent complete Saturday and Sunday);
- ``since <day or phrase>``: from its start until now ("since monday" is the most recent
  Monday, today when today is Monday);
- ``last/past <n> minutes|hours|days|weeks|months|years`` (``last 24h``, ``past week``):
  the rolling period ending now;
- ``in october`` (the most recent October that has begun), ``last october`` (the most recent
  before this month), ``october 2025``, ``in 2025``;
- ``between <a> and <b>`` / ``from <a> to <b>``: from the start of ``a`` to the end of ``b``;
- ``on the 3rd`` (the most recent 3rd, today included), ``monday`` / ``last monday``;
- dates: ``2026-11-03``, ``nov 3``, ``3rd of november 2025``, ``13/11/2026``, ``3 days ago``.

A range never ends after ``now``: a period still running ("today", "this month") ends at
``now``. Numeric dates that read both ways ("03/11") and phrases wholly in the future raise
``WhenError`` with a sentence to show; a text with no date phrase gives ``None``.

``core.calendar`` is the sibling for the router's period expressions (``last_month``) in whole
UTC days for Cost Explorer; this module reads people's words into instants.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import AwareDatetime, BaseModel, ConfigDict, field_validator, model_validator

from core import patterns
from core.calendar import add_months, days_in_month, first_of_month, week_start
from core.timezones import UTC_ZONE, ZoneError, find_zone, resolve_local

MAX_TEXT = 500  # characters of a message read (dateparser and the rules see no more)
MAX_BACK = timedelta(days=3660)  # how far back a rolling period may reach

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_DAY_ABBREVIATIONS = {"mon": 0, "tue": 1, "tues": 1, "wed": 2, "thu": 3, "thur": 3, "thurs": 3,
                      "fri": 4, "sat": 5, "sun": 6}  # fmt: skip
MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
          "september", "october", "november", "december")  # fmt: skip
_MONTH_NUMBERS = {name: index + 1 for index, name in enumerate(MONTHS)} | {
    name[:3]: index + 1 for index, name in enumerate(MONTHS)
} | {"sept": 9}  # fmt: skip
_NUMBER_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
                 "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11,
                 "twelve": 12}  # fmt: skip

_MONTH = "(?:" + "|".join(sorted(_MONTH_NUMBERS, key=len, reverse=True)) + ")"
_DAY = "(?:" + "|".join(WEEKDAYS) + ")"
_DAY_SHORT = "(?:" + "|".join(sorted(_DAY_ABBREVIATIONS, key=len, reverse=True)) + ")"
_NUMBER = r"(?:\d{1,4}|" + "|".join(_NUMBER_WORDS) + ")"
_UNIT = r"(?:minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?)"
_CLOCK = r"(?:,?\s+(?:at\s+)?(?:\d{1,2}:\d{2}(?::\d{2})?(?:\s*[ap]m)?|\d{1,2}\s*[ap]m))"
_ORDINAL = r"(?:st|nd|rd|th)"


class WhenError(ValueError):
    """A date phrase was found but cannot be used; the message says why, to show to people."""


class DateRange(BaseModel):
    """A period of time: ``[start, end)`` in UTC, with what it is in words.

    Attributes:
        start: the first instant (aware, UTC).
        end: the instant just after the period (aware, UTC); never after the ``now`` it was
            read at.
        label: the period in words, e.g. ``last week (2026-11-23 to 2026-11-29, UTC)``.
        timezone: the IANA name of the zone whose days and midnights were used.
    """

    model_config = ConfigDict(frozen=True)

    start: AwareDatetime
    end: AwareDatetime
    label: str
    timezone: str = "UTC"

    @field_validator("start", "end")
    @classmethod
    def _in_utc(cls, value: datetime) -> datetime:
        return value.astimezone(UTC)

    @model_validator(mode="after")
    def _ordered(self) -> DateRange:
        if self.end < self.start:
            raise ValueError("a range cannot end before it starts")
        return self

    @property
    def duration(self) -> timedelta:
        """How long the range is."""
        return self.end - self.start

    def contains(self, moment: datetime) -> bool:
        """Whether ``moment`` (aware) falls in ``[start, end)``.

        Args:
            moment: an aware instant.
        """
        return self.start <= moment < self.end


@dataclass(frozen=True)
class _Span:
    """What a rule read: UTC bounds, the phrase's name, and whether it named an instant."""

    start: datetime
    end: datetime
    name: str
    exact: bool = False
    year_guessed: bool = False
    until_now: bool = False


@dataclass(frozen=True)
class _At:
    """The clock reading and the zone that phrases are read in."""

    now: datetime
    zone: ZoneInfo

    @property
    def wall(self) -> datetime:
        """Now, as the clocks of the zone show it (naive)."""
        return self.now.astimezone(self.zone).replace(tzinfo=None)

    @property
    def today(self) -> date:
        """Today in the zone."""
        return self.wall.date()

    def midnight(self, day: date) -> datetime:
        """The instant ``day`` begins in the zone (UTC)."""
        return resolve_local(datetime.combine(day, time()), self.zone)

    def days(self, first: date, stop: date, name: str) -> _Span:
        """The span from the start of ``first`` to the start of ``stop``."""
        return _Span(self.midnight(first), self.midnight(stop), name)


_Rule = Callable[[str, _At], _Span | None]


def read_range(text: str, now: datetime, tz: ZoneInfo | None = None) -> DateRange | None:
    """The first date or range phrase in ``text``, read at ``now``; ``None`` when there is none.

    Args:
        text: a message or phrase, e.g. "what changed since monday in Berlin time".
        now: the current instant (aware), from the clock.
        tz: the zone to read days in when the text names none (default UTC).

    Raises:
        WhenError: a date phrase that cannot be used (ambiguous, in the future, unknown zone).
        ValueError: ``now`` is naive.
    """
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    words = _normalise(text)
    try:
        found = find_zone(words)
    except ZoneError as error:
        raise WhenError(str(error)) from error
    at = _At(now.astimezone(UTC), found.zone if found else tz or UTC_ZONE)
    span = _first(_RULES, found.rest if found else words, at)
    return None if span is None else _finish(span, at)


def _normalise(text: str) -> str:
    return " ".join(text[:MAX_TEXT].lower().replace("\u2019", "'").split())


def _first(rules: tuple[_Rule, ...], text: str, at: _At) -> _Span | None:
    for rule in rules:
        span = rule(text, at)
        if span is not None:
            return span
    return None


def _finish(span: _Span, at: _At) -> DateRange:
    if span.exact:  # a date with a time of day, alone: its whole day
        day = span.start.astimezone(at.zone).date()
        span = at.days(day, day + timedelta(days=1), day.isoformat())
    if span.start > at.now:
        raise WhenError(
            f"'{span.name}' starts after now ({_stamp(span.start, at)}); "
            "I can only look back in time."
        )
    end = min(span.end, at.now)
    what = _span_words(span.start, end, at, running=span.until_now or span.end > at.now)
    zone = f"{at.zone.key} time" if at.zone.key != "UTC" else "UTC"
    label = f"{span.name} ({zone})" if what in span.name else f"{span.name} ({what}, {zone})"
    return DateRange(start=span.start, end=end, label=label, timezone=str(at.zone.key))


def _span_words(start: datetime, end: datetime, at: _At, running: bool) -> str:
    first, stop = start.astimezone(at.zone), end.astimezone(at.zone)
    if running:
        return f"{_stamp(start, at)} until now"
    if start == at.midnight(first.date()) and end == at.midnight(stop.date()):
        return _days_words(first.date(), stop.date())
    return f"{_stamp(start, at)} to {_stamp(end, at)}"


def _days_words(first: date, stop: date) -> str:
    last = stop - timedelta(days=1)
    if first.day == 1 and stop == add_months(first, 1):
        return f"{MONTHS[first.month - 1].capitalize()} {first.year}"
    if first == date(first.year, 1, 1) and stop == date(first.year + 1, 1, 1):
        return str(first.year)
    if first >= last:
        return first.isoformat()
    return f"{first.isoformat()} to {last.isoformat()}"


def _stamp(moment: datetime, at: _At) -> str:
    wall = moment.astimezone(at.zone)
    if moment == at.midnight(wall.date()):
        return wall.date().isoformat()
    return wall.strftime("%Y-%m-%d %H:%M")


# --- compound phrases: between, since ---------------------------------------------------------

_BETWEEN = patterns.compile(
    r"\b(?:between|from)\s+(.+?)\s+(?:and|to|until|till|through|thru|-)\s+(.+)$"
)
_SINCE = patterns.compile(r"\bsince\s+(.+)$")
_YEAR = patterns.compile(r"\b\d{4}\b")


def _between(text: str, at: _At) -> _Span | None:
    match = _BETWEEN.search(text)
    if match is None:
        return None
    first = _first(_ENDPOINT_RULES, match.group(1), at)
    if first is None:
        return None
    last = _first(_ENDPOINT_RULES, match.group(2), at)
    if last is None:
        raise WhenError(
            f"I could not read when '{match.group(0)}' ends; try a date like 2026-11-03."
        )
    if last.end <= first.start and last.year_guessed:
        last = _years_later(last, at)
    if last.end <= first.start:
        raise WhenError(f"In '{match.group(0)}' the end comes before the start.")
    end = last.start if last.exact else last.end
    return _Span(first.start, end, f"from {first.name} to {last.name}")


def _years_later(span: _Span, at: _At) -> _Span:
    """``span`` a year later (a day and month read as the past may mean the one after)."""
    first, stop = span.start.astimezone(at.zone), span.end.astimezone(at.zone)
    shifted = [_add_years(moment.replace(tzinfo=None), 1) for moment in (first, stop)]
    start, end = (resolve_local(moment, at.zone) for moment in shifted)
    return _Span(start, end, span.name, span.exact)


def _add_years(moment: datetime, years: int) -> datetime:
    year = moment.year + years
    return moment.replace(
        year=year, day=min(moment.day, days_in_month(date(year, moment.month, 1)))
    )


def _since(text: str, at: _At) -> _Span | None:
    match = _SINCE.search(text)
    if match is None:
        return None
    span = _first(_ENDPOINT_RULES, match.group(1), at)
    if span is None:
        return None  # "since the deploy": no date here
    return _Span(span.start, max(at.now, span.start), f"since {span.name}", until_now=True)


# --- rolling periods: last 30 days ------------------------------------------------------------

_ROLLING = patterns.compile(
    rf"\b(last|past|previous)\s+(?:({_NUMBER})\s+)?({_UNIT})\b|\b(last|past)\s+(\d{{1,4}})([hdw])\b"
)


def _rolling(text: str, at: _At) -> _Span | None:
    match = _ROLLING.search(text)
    if match is None:
        return None
    word, count, unit = (match.group(1), match.group(2), match.group(3))
    if word is None:
        word, count, unit = match.group(4), match.group(5), match.group(6)
    unit = {"h": "hour", "d": "day", "w": "week", "min": "minute", "hr": "hour"}.get(
        unit.rstrip("s"), unit.rstrip("s")
    )
    if count is None and word != "past" and unit in ("week", "month", "year"):
        return None  # "last week" is the calendar week (named periods)
    amount = 1 if count is None else _number(count)
    if amount == 0:
        raise WhenError(f"'{match.group(0)}' is an empty period.")
    start = _back(at, amount, unit)
    plural = unit if amount == 1 else f"{unit}s"
    name = f"the past {plural}" if amount == 1 else f"the past {amount} {plural}"
    return _Span(start, at.now, name, until_now=True)


def _number(word: str) -> int:
    return int(word) if word.isdigit() else _NUMBER_WORDS[word]


def _back(at: _At, amount: int, unit: str) -> datetime:
    if unit in ("minute", "hour"):
        delta = timedelta(minutes=amount) if unit == "minute" else timedelta(hours=amount)
        if delta > MAX_BACK:
            raise WhenError(f"{amount} {unit}s is further back than I look (ten years).")
        return at.now - delta
    if unit in ("day", "week"):
        days = amount * (7 if unit == "week" else 1)
        if timedelta(days=days) > MAX_BACK:
            raise WhenError(f"{amount} {unit}s is further back than I look (ten years).")
        return resolve_local(at.wall - timedelta(days=days), at.zone)
    months = amount * (12 if unit == "year" else 1)
    if months > 120:
        raise WhenError(f"{amount} {unit}s is further back than I look (ten years).")
    return resolve_local(_months_back(at.wall, months), at.zone)


def _months_back(moment: datetime, months: int) -> datetime:
    first = add_months(moment.date(), -months)
    day = min(moment.day, days_in_month(first))
    return moment.replace(year=first.year, month=first.month, day=day)


# --- named periods: today, last week ----------------------------------------------------------

_NAMED = patterns.compile(
    r"\b(?:the\s+)?(day\s+before\s+yesterday)\b|\b(today|yesterday)\b"
    r"|\b(this|last|previous)\s+(week|month|year|weekend)\b|\b(tomorrow)\b"
)


def _named(text: str, at: _At) -> _Span | None:
    match = _NAMED.search(text)
    if match is None:
        return None
    today = at.today
    if match.group(1):
        return at.days(
            today - timedelta(days=2), today - timedelta(days=1), "the day before yesterday"
        )
    if match.group(2) == "today":
        return at.days(today, today + timedelta(days=1), "today")
    if match.group(2) == "yesterday":
        return at.days(today - timedelta(days=1), today, "yesterday")
    if match.group(5):
        return at.days(today + timedelta(days=1), today + timedelta(days=2), "tomorrow")
    which = "this" if match.group(3) == "this" else "last"
    return _calendar_period(which, match.group(4), at)


def _calendar_period(which: str, period: str, at: _At) -> _Span:
    today = at.today
    back = 1 if which == "last" else 0
    if period == "week":
        monday = week_start(today) - timedelta(days=7 * back)
        return at.days(monday, monday + timedelta(days=7), f"{which} week")
    if period == "month":
        first = add_months(today, -back)
        return at.days(first, add_months(first, 1), f"{which} month")
    if period == "year":
        return at.days(
            date(today.year - back, 1, 1), date(today.year - back + 1, 1, 1), f"{which} year"
        )
    return _weekend(which, at)


def _weekend(which: str, at: _At) -> _Span:
    today = at.today
    saturday = week_start(today) + timedelta(days=5)
    if which == "last" and saturday + timedelta(days=2) > today:
        saturday -= timedelta(days=7)
    return at.days(saturday, saturday + timedelta(days=2), f"{which} weekend")


# --- months and years: in october, october 2025, in 2025 ---------------------------------------

_MONTH_PHRASE = patterns.compile(
    rf"\b(?:(in|during|for|of|last|since)\s+)?({_MONTH})\b(?:\s+(\d{{4}})\b)?"
)
_YEAR_PHRASE = patterns.compile(r"\b(?:in|during|for|of|since)\s+(\d{4})\b")


def _month(text: str, at: _At) -> _Span | None:
    for match in _MONTH_PHRASE.finditer(text, limit=20):
        word, name, year = match.group(1), match.group(2), match.group(3)
        if name == "may" and word is None and year is None:
            continue  # "may I see" is not a month
        month = _MONTH_NUMBERS[name]
        if year:
            _check_year(int(year), match.group(0), at)
        first = date(int(year), month, 1) if year else _recent_month(month, word == "last", at)
        title = MONTHS[month - 1].capitalize()
        said = f"{title} {year}" if year else f"{'last' if word == 'last' else 'in'} {title}"
        span = at.days(first, add_months(first, 1), said)
        return _Span(span.start, span.end, span.name, year_guessed=not year)
    return None


def _recent_month(month: int, before_this_month: bool, at: _At) -> date:
    first = date(at.today.year, month, 1)
    limit = first_of_month(at.today) if before_this_month else None
    if (limit is not None and first >= limit) or at.midnight(first) >= at.now:
        first = date(first.year - 1, month, 1)
    return first


def _check_year(year: int, said: str, at: _At) -> int:
    """``year`` when it is between 1970 and this year, else a ``WhenError``."""
    if year < 1970:
        raise WhenError(f"'{said}' is further back than I look.")
    if year > at.today.year:
        raise WhenError(f"'{said}' is after now; I can only look back in time.")
    return year


def _year(text: str, at: _At) -> _Span | None:
    match = _YEAR_PHRASE.search(text)
    if match is None:
        return None
    year = _check_year(int(match.group(1)), match.group(0), at)
    return at.days(date(year, 1, 1), date(year + 1, 1, 1), str(year))


# --- days: on the 3rd, monday, last monday ------------------------------------------------------

_ORDINAL_DAY = patterns.compile(
    rf"\b(?:on\s+the|the)\s+(\d{{1,2}}){_ORDINAL}\b|\bon\s+the\s+(\d{{1,2}})\b"
)
_WEEKDAY = patterns.compile(
    rf"\b(?:(on|last|this|past|since)\s+)?({_DAY})\b|\b(on|last|since)\s+({_DAY_SHORT})\b"
)


def _ordinal(text: str, at: _At) -> _Span | None:
    match = _ORDINAL_DAY.search(text)
    if match is None:
        return None
    number = int(match.group(1) or match.group(2))
    if not 1 <= number <= 31:
        raise WhenError(f"'{match.group(0)}' is not a day of a month.")
    month = first_of_month(at.today)
    while number > days_in_month(month) or date(month.year, month.month, number) > at.today:
        month = add_months(month, -1)
    day = date(month.year, month.month, number)
    return at.days(day, day + timedelta(days=1), f"the {_ordinal_words(number)}")


def _ordinal_words(number: int) -> str:
    suffix = (
        "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    )
    return f"{number}{suffix}"


def _weekday(text: str, at: _At) -> _Span | None:
    match = _WEEKDAY.search(text)
    if match is None:
        return None
    word = match.group(1) or match.group(3)
    name = match.group(2) or match.group(4)
    index = WEEKDAYS.index(name) if name in WEEKDAYS else _DAY_ABBREVIATIONS[name]
    back = (at.today.weekday() - index) % 7
    if word in ("last", "past") and back == 0:
        back = 7
    day = at.today - timedelta(days=back)
    prefix = "last " if word in ("last", "past") else ""
    return at.days(day, day + timedelta(days=1), f"{prefix}{WEEKDAYS[index].capitalize()}")


# --- single dates, read by dateparser -----------------------------------------------------------

_DATES = (
    patterns.compile(
        r"\b\d{4}-\d{2}-\d{2}(?:[t ]\d{2}:\d{2}(?::\d{2})?(?:z|[+\-]\d{2}:?\d{2})?)?\b"
    ),
    patterns.compile(rf"(?:^|[\s(])(\d{{1,2}})/(\d{{1,2}})/(?:\d{{4}}|\d{{2}})\b{_CLOCK}?"),
    patterns.compile(rf"\b{_MONTH}\s+\d{{1,2}}{_ORDINAL}?\b(?:,?\s+\d{{4}}\b)?{_CLOCK}?"),
    patterns.compile(
        rf"\b(?:the\s+)?\d{{1,2}}{_ORDINAL}?\s+(?:of\s+)?{_MONTH}\b(?:,?\s+\d{{4}}\b)?{_CLOCK}?"
    ),
    patterns.compile(rf"\b{_NUMBER}\s+{_UNIT}\s+ago\b"),
)
_TIME_ONLY = patterns.compile(
    r"^(?:at\s+)?(?:(\d{1,2}):(\d{2})\s*([ap]m)?|(\d{1,2})\s*([ap]m)|(noon|midnight))\b"
)
_HAS_CLOCK = patterns.compile(r"\d:\d{2}|\d\s*[ap]m\b")


def _date(text: str, at: _At) -> _Span | None:
    found = [match for pattern in _DATES if (match := pattern.search(text)) is not None]
    if not found:
        return None
    match = min(found, key=lambda candidate: candidate.start())
    phrase = match.group(0).strip(" (")
    moment = _dateparser(phrase, at, _date_order(phrase))
    if moment is None:
        raise WhenError(f"'{phrase}' is not a date I can read; try 2026-11-03.")
    _check_year(moment.year, phrase, at)
    year_guessed = _YEAR.search(phrase) is None and phrase.count("/") < 2 and "ago" not in phrase
    if _HAS_CLOCK.search(phrase) is not None:
        instant = resolve_local(moment, at.zone)
        return _Span(instant, instant, _stamp(instant, at), exact=True, year_guessed=year_guessed)
    day = moment.date()
    span = at.days(day, day + timedelta(days=1), day.isoformat())
    return _Span(span.start, span.end, span.name, year_guessed=year_guessed)


def _date_order(phrase: str) -> str | None:
    """``DMY`` or ``MDY`` for a numeric date that reads one way only; raises when both."""
    match = _DATES[1].search(phrase)
    if match is None:
        return None
    first, second = int(match.group(1)), int(match.group(2))
    if first <= 12 and second <= 12 and first != second:
        raise WhenError(
            f"'{match.group(0)}' could be day/month or month/day; write it as 2026-11-03 "
            "or '3 November'."
        )
    return "DMY" if first > 12 else "MDY"


def _time_only(text: str, at: _At) -> _Span | None:
    """A time of day alone ("since 9am"): today's, or yesterday's when today's is still ahead."""
    match = _TIME_ONLY.search(text)
    if match is None:
        return None
    hour, minute, half, _, _, word = match.groups()
    if word:
        hour, minute = ("12" if word == "noon" else "0"), "0"
    elif match.group(4):
        hour, minute, half = match.group(4), "0", match.group(5)
    clock = _clock(int(hour), int(minute), half, match.group(0))
    instant = resolve_local(datetime.combine(at.today, clock), at.zone)
    if instant > at.now:
        instant = resolve_local(datetime.combine(at.today - timedelta(days=1), clock), at.zone)
    return _Span(instant, instant, _stamp(instant, at), exact=True)


def _clock(hour: int, minute: int, half: str | None, said: str) -> time:
    if half:
        if not 1 <= hour <= 12:
            raise WhenError(f"'{said}' is not a time of day.")
        hour = hour % 12 + (12 if half == "pm" else 0)
    if hour > 23 or minute > 59:
        raise WhenError(f"'{said}' is not a time of day.")
    return time(hour, minute)


def _dateparser(phrase: str, at: _At, order: str | None) -> datetime | None:
    """The wall time (naive, in the zone) dateparser reads in ``phrase``, relative to now."""
    import dateparser  # imported on first use: loading it takes a few tenths of a second

    settings: dict[str, Any] = {
        "RELATIVE_BASE": at.wall,
        "PREFER_DATES_FROM": "past",
        "PREFER_DAY_OF_MONTH": "first",
        "RETURN_AS_TIMEZONE_AWARE": True,
        "TIMEZONE": str(at.zone.key),
    }
    if order:
        settings["DATE_ORDER"] = order
    try:
        parsed = dateparser.parse(phrase[:MAX_TEXT], languages=["en"], settings=settings)
    except (ValueError, OverflowError):  # "9999 years ago" leaves the calendar
        return None
    if parsed is None:
        return None
    return parsed.astimezone(at.zone).replace(tzinfo=None)


_ENDPOINT_RULES: tuple[_Rule, ...] = (
    _named, _date, _month, _year, _ordinal, _weekday, _time_only
)  # fmt: skip
_RULES: tuple[_Rule, ...] = (
    _between, _since, _rolling, _named, _date, _month, _year, _ordinal, _weekday
)  # fmt: skip
