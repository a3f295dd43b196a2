"""Recurring schedules said in words ("every weekday at 7pm"), and the instants they fire at.

No maintained parser reads recurrences from English, so this module has its own small grammar.
A schedule is one of:

- a time of day, on some days: ``every night at 2am``, ``every day at 02:30``,
  ``weekdays at 19:00``, ``every monday and thursday at 9``, ``at 00, 06, 12 and 18``,
  ``first monday of the month at 10:00``, ``last friday of the month``,
  ``on the 1st and 15th of every month``, ``on the last day of the month``, ``monthly``
  (the 1st), ``hourly`` / ``every hour`` (on the hour);
  these become a five-field cron expression (minute hour day month weekday, Sunday = 0), read
  on the wall clock of the schedule's zone. Two forms plain cron cannot say use the common
  extensions that croniter and Quartz read: ``1#1`` (the first Monday of the month) and ``5L``
  (the last Friday); ``Recurrence.nth_weekday`` gives them typed;
- a rate: ``every 6 hours``, ``every 15 minutes``, ``every minute``, ``every other day``:
  elapsed time counted from when the schedule was created, whatever the clocks show (so a
  rate cannot also have a time of day, and "weekly" alone is asked about: which day?);
- a cron expression as is: ``0 19 * * 1-5``.

A zone may be named anywhere ("at 2:30 Berlin time", "in Europe/Berlin", "PST"); the default
is UTC. Without a time of day a schedule fires at 00:00. "evening" and "night" move a bare
hour (no am/pm) to where it is meant: "every evening at 7" is 19:00, "every night at 11" is
23:00, "every night at 2" stays 02:00.

``next_fires`` computes fire instants in UTC, with deliberate rules when clocks change
(``core.timezones.resolve_local``): a time that a spring-forward change skips fires once, when
the clocks resume (02:30 Berlin on 29 March 2026 fires at 03:00 local, 01:00 UTC); a time
that a fall-back change repeats fires once, at its first occurrence (02:30+02:00 on
25 October 2026, 00:30 UTC). So an hourly schedule skips the repeated hour's second pass.

Anything the grammar does not know raises ``RecurrenceError`` with a sentence that says which
words were not understood, for the bot to ask again.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from core import patterns
from core.timezones import ZoneError, find_zone, resolve_local

MAX_TEXT = 200  # characters; a schedule is a short phrase
MAX_FIRES = 1000
MIN_RATE = timedelta(minutes=1)
MAX_RATE = timedelta(days=366)
_QUIET_DAYS = 366 * 9  # a schedule that fires on 29 February may wait eight years

DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_DAY_WORDS = {name.lower(): index for index, name in enumerate(DAY_NAMES)} | {
    "mon": 0, "tue": 1, "tues": 1, "wed": 2, "thu": 3, "thur": 3, "thurs": 3, "fri": 4,
    "sat": 5, "sun": 6,
}  # fmt: skip
_CRON_DAYS = {"sun": 0, "mon": 1, "tue": 2, "wed": 3, "thu": 4, "fri": 5, "sat": 6}
_CRON_MONTHS = {name.lower(): index for index, name in enumerate(calendar.month_abbr) if name}
_NTH_WORDS = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4,
              "4th": 4, "fifth": 5, "5th": 5, "last": -1}  # fmt: skip
_NTH_NAMES = {1: "first", 2: "second", 3: "third", 4: "fourth", 5: "fifth", -1: "last"}
_NUMBER_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
                 "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "twelve": 12,
                 "fifteen": 15, "twenty": 20, "thirty": 30, "other": 2}  # fmt: skip


class RecurrenceError(ValueError):
    """The words are not a schedule this grammar knows; the message says why, for people."""


class NthWeekday(BaseModel):
    """One weekday of each month: the first Monday, the last Friday.

    Attributes:
        weekday: 0 = Monday .. 6 = Sunday.
        nth: 1 to 5 counted from the start of the month, or -1 for the last.
    """

    model_config = ConfigDict(frozen=True)

    weekday: int = Field(ge=0, le=6)
    nth: Literal[1, 2, 3, 4, 5, -1]

    def matches(self, day: date) -> bool:
        """Whether ``day`` is this weekday of its month.

        Args:
            day: any day.
        """
        if day.weekday() != self.weekday:
            return False
        if self.nth == -1:
            return day.day + 7 > calendar.monthrange(day.year, day.month)[1]
        return (day.day - 1) // 7 + 1 == self.nth

    def describe(self) -> str:
        """``first Monday``, ``last Friday``."""
        return f"{_NTH_NAMES[self.nth]} {DAY_NAMES[self.weekday]}"


class Recurrence(BaseModel):
    """When something recurs: a cron expression on a zone's wall clock, or a rate.

    Attributes:
        kind: ``cron`` (times of day on some days) or ``rate`` (elapsed time from creation).
        cron: five fields, minute hour day-of-month month day-of-week (Sunday = 0), with
            ``d#n`` (nth weekday) and ``dL`` / ``L`` (last weekday / last day) allowed.
        rate: the interval of a rate.
        timezone: the IANA zone whose clocks the cron fields are read on.
    """

    model_config = ConfigDict(frozen=True)

    kind: Literal["cron", "rate"]
    cron: str | None = None
    rate: timedelta | None = None
    timezone: str = "UTC"

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ValueError(f"'{value}' is not an IANA time zone") from error
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Recurrence:
        if self.kind == "rate":
            if self.rate is None or self.cron is not None:
                raise ValueError("a rate has a rate and no cron expression")
            if not MIN_RATE <= self.rate <= MAX_RATE:
                raise ValueError("a rate is between one minute and 366 days")
        else:
            if self.cron is None or self.rate is not None:
                raise ValueError("a cron schedule has a cron expression and no rate")
            _schedule(self.cron)
        return self

    @property
    def zone(self) -> ZoneInfo:
        """The zone whose wall clock the schedule follows."""
        return ZoneInfo(self.timezone)

    @property
    def nth_weekday(self) -> NthWeekday | None:
        """The weekday of the month (``first Monday``) a cron schedule is limited to, if any."""
        return _schedule(self.cron).nth if self.cron else None

    @property
    def plain_cron(self) -> bool:
        """Whether ``cron`` is plain five-field cron, without the ``#`` / ``L`` extensions."""
        return self.cron is not None and not any(mark in self.cron for mark in "#L")

    def describe(self) -> str:
        """The schedule in words: ``every weekday at 19:00 (Europe/Berlin time)``."""
        if self.rate is not None:
            return f"every {_duration_words(self.rate)}, counted from when it was set up"
        assert self.cron is not None  # the validator checked
        zone = "UTC" if self.timezone == "UTC" else f"{self.timezone} time"
        words = _describe_cron(_schedule(self.cron))
        return f"{words or f'on the cron schedule {self.cron}'} ({zone})"


# --- cron fields --------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Cron:
    """A parsed cron expression; weekdays are Python's (Monday = 0)."""

    minutes: frozenset[int]
    hours: frozenset[int]
    days: frozenset[int] | None  # None: any day of the month
    last_day: bool
    months: frozenset[int]
    weekdays: frozenset[int] | None  # None: any weekday
    nth: NthWeekday | None

    def matches(self, day: date) -> bool:
        """Whether the schedule fires on ``day`` (either day field, when both are limited)."""
        if day.month not in self.months:
            return False
        by_date = self.days is not None or self.last_day
        by_weekday = self.weekdays is not None or self.nth is not None
        on_date = (self.days is not None and day.day in self.days) or (
            self.last_day and day.day == calendar.monthrange(day.year, day.month)[1]
        )
        on_weekday = (self.weekdays is not None and day.weekday() in self.weekdays) or (
            self.nth is not None and self.nth.matches(day)
        )
        if by_date and by_weekday:
            return on_date or on_weekday
        return on_date if by_date else on_weekday if by_weekday else True

    def times(self, day: date) -> list[datetime]:
        """The wall-clock times it fires at on ``day``, in order."""
        return [
            datetime.combine(day, time(hour, minute))
            for hour in sorted(self.hours)
            for minute in sorted(self.minutes)
        ]


_CRON_ITEM = patterns.compile(r"^(\*|\?|[0-9a-z]+(?:-[0-9a-z]+)?)(?:/(\d{1,2}))?$")
_NTH_FIELD = patterns.compile(r"^([0-7a-z]{1,3})(?:#([1-5])|l)$")


@lru_cache(maxsize=512)
def _schedule(expression: str) -> _Cron:
    """The parsed form of a cron expression; ``ValueError`` saying what is wrong."""
    fields = expression.lower().split()
    if len(fields) != 5:
        raise ValueError(f"'{expression}' is not five cron fields")
    minute, hour, day, month, weekday = fields
    schedule = _Cron(
        minutes=_field(minute, 0, 59) or frozenset(range(60)),
        hours=_field(hour, 0, 23) or frozenset(range(24)),
        days=None if day == "l" else _field(day, 1, 31),
        last_day=day == "l",
        months=_field(month, 1, 12, _CRON_MONTHS) or frozenset(range(1, 13)),
        weekdays=None if _NTH_FIELD.match(weekday) else _weekdays(weekday),
        nth=_nth_field(weekday),
    )
    if not _fires_ever(schedule):
        raise ValueError(f"'{expression}' never fires (no such day)")
    return schedule


def _field(
    text: str, low: int, high: int, names: dict[str, int] | None = None
) -> frozenset[int] | None:
    """The values of one cron field, or None for ``*``."""
    if text in ("*", "?"):
        return None
    values: set[int] = set()
    for item in text.split(","):
        values.update(_item(item, low, high, names or {}))
    return frozenset(values)


def _item(item: str, low: int, high: int, names: dict[str, int]) -> range:
    match = _CRON_ITEM.match(item)
    if match is None:
        raise ValueError(f"'{item}' is not a cron field item")
    base, step = match.group(1), int(match.group(2) or 1)
    if base in ("*", "?"):
        first, last = low, high
    else:
        start, _, stop = base.partition("-")
        first = _value(start, low, high, names)
        last = _value(stop, low, high, names) if stop else (high if match.group(2) else first)
    if first > last or step < 1:
        raise ValueError(f"'{item}' is an empty cron range")
    return range(first, last + 1, step)


def _value(text: str, low: int, high: int, names: dict[str, int]) -> int:
    value = int(text) if text.isdigit() else names.get(text[:3], -1)
    if not low <= value <= high:
        raise ValueError(f"'{text}' is outside {low}-{high}")
    return value


def _weekdays(text: str) -> frozenset[int] | None:
    values = _field(text, 0, 7, _CRON_DAYS)
    return None if values is None else frozenset((value - 1) % 7 for value in values)


def _nth_field(text: str) -> NthWeekday | None:
    match = _NTH_FIELD.match(text)
    if match is None:
        return None
    day = (_value(match.group(1), 0, 7, _CRON_DAYS) - 1) % 7
    nth = int(match.group(2)) if match.group(2) else -1
    return NthWeekday(weekday=day, nth=nth)


def _fires_ever(schedule: _Cron) -> bool:
    day = date(2000, 1, 1)
    return any(schedule.matches(day + timedelta(days=n)) for n in range(_QUIET_DAYS))


# --- when it fires ------------------------------------------------------------------------------


def next_fires(
    recurrence: Recurrence, after: datetime, count: int, *, created: datetime | None = None
) -> list[datetime]:
    """The next ``count`` instants (aware, UTC) the schedule fires at, strictly after ``after``.

    Args:
        recurrence: the schedule.
        after: the instant to look from (aware), usually the clock's now.
        count: how many fire instants to return (1 to 1000).
        created: for a rate, when the schedule was created (it fires every ``rate`` from
            then); defaults to ``after``. Cron schedules ignore it.

    Raises:
        ValueError: ``after`` or ``created`` is naive, or ``count`` is out of range.
    """
    if after.tzinfo is None or (created is not None and created.tzinfo is None):
        raise ValueError("after and created must be timezone-aware")
    if not 1 <= count <= MAX_FIRES:
        raise ValueError(f"count must be between 1 and {MAX_FIRES}")
    if recurrence.rate is not None:
        return _rate_fires(recurrence.rate, after.astimezone(UTC), count, created)
    assert recurrence.cron is not None  # the model validator checked
    return _cron_fires(_schedule(recurrence.cron), recurrence.zone, after.astimezone(UTC), count)


_NEXT: dict[tuple[Recurrence, datetime | None], tuple[datetime, datetime | None]] = {}
_NEXT_KEPT = 20_000


def next_fire(
    recurrence: Recurrence, now: datetime, *, created: datetime | None = None
) -> datetime | None:
    """The first instant after ``now`` the schedule fires at, or None when it never fires again.

    Remembered per schedule until it passes: listing a thousand workflows every few seconds, or
    ticking over them, computes each one's next fire time once per fire, not once per look.

    Args:
        recurrence: the schedule.
        now: the instant to look from (aware).
        created: for a rate, when the schedule was created.
    """
    key = (recurrence, created if recurrence.rate is not None else None)
    known = _NEXT.get(key)
    if known is not None and known[0] <= now and (known[1] is None or now < known[1]):
        return known[1]
    upcoming = next_fires(recurrence, now, 1, created=created)
    first = upcoming[0] if upcoming else None
    if len(_NEXT) >= _NEXT_KEPT:
        _NEXT.clear()
    _NEXT[key] = (now, first)
    return first


def _rate_fires(
    rate: timedelta, after: datetime, count: int, created: datetime | None
) -> list[datetime]:
    anchor = after if created is None else created.astimezone(UTC)
    done = 0 if after < anchor else (after - anchor) // rate
    return [anchor + rate * (done + n) for n in range(1, count + 1)]


def _cron_fires(schedule: _Cron, zone: ZoneInfo, after: datetime, count: int) -> list[datetime]:
    fires: list[datetime] = []
    day, quiet, last = after.astimezone(zone).date(), 0, after
    while len(fires) < count and quiet < _QUIET_DAYS:
        quiet += 1
        if schedule.matches(day):
            for wall in schedule.times(day):
                instant = resolve_local(wall, zone)
                if instant > last:  # times skipped by a gap all fire once, when it ends
                    fires.append(instant)
                    last, quiet = instant, 0
                    if len(fires) == count:
                        break
        day += timedelta(days=1)
    return fires


# --- words to a schedule ------------------------------------------------------------------------

_TIME = r"(?:\d{1,2}(?::\d{2})?\s*(?:am|pm)?|noon|midday|midnight)\b"
_AND = r"\s*(?:,|and|&)\s*"
_DAY = "(?:" + "|".join(sorted(_DAY_WORDS, key=len, reverse=True)) + ")"
_NTH = "(?:" + "|".join(_NTH_WORDS) + ")"
_ORD = r"(?:\d{1,2}(?:st|nd|rd|th)?|first)"
_MONTH = r"(?:of|in)\s+(?:the|each|every|a)\s+month"
_NUMBER = r"(?:\d{1,4}|" + "|".join(_NUMBER_WORDS) + ")"

_CRON_TEXT = patterns.compile(
    r"^(?:cron\s+)?([0-9*/,\-]+\s+[0-9*/,\-]+(?:\s+[0-9a-z*/,\-#?]+){3})$"
)
_PART_OF_DAY = patterns.compile(r"\b(?:at\s+(night)|in\s+the\s+(morning|afternoon|evening))\b")
_AT_TIMES = patterns.compile(rf"\bat\s+({_TIME}(?:{_AND}(?:at\s+)?{_TIME})*)")
_BARE_TIME = patterns.compile(r"\b(?:\d{1,2}:\d{2}\s*(?:am|pm)?|\d{1,2}\s*(?:am|pm))\b")
_TIME_ITEM = patterns.compile(r"(\d{1,2})(?::(\d{2}))?\s*(am|pm)?|(noon|midday|midnight)")
_NTH_DAY = patterns.compile(
    rf"\b(?:(?:every|each|on)\s+)?(?:the\s+)?({_NTH})\s+({_DAY})\s+{_MONTH}\b"
    rf"|\b(?:every|each)\s+month\s+on\s+the\s+({_NTH})\s+({_DAY})\b"
)
_LAST_DAY = patterns.compile(rf"\b(?:(?:every|each|on)\s+)?(?:the\s+)?last\s+day\s+{_MONTH}\b")
_MONTH_DAYS = patterns.compile(
    rf"\b(?:(?:every|each|on)\s+)?(?:the\s+)?({_ORD}(?:{_AND}(?:the\s+)?{_ORD})*)\s+(?:day\s+)?{_MONTH}\b"
    rf"|\b(?:every|each)\s+month\s+on\s+the\s+({_ORD}(?:{_AND}(?:the\s+)?{_ORD})*)\b"
    rf"|\bmonthly\s+on\s+the\s+({_ORD}(?:{_AND}(?:the\s+)?{_ORD})*)\b"
)
_WORKDAYS = patterns.compile(
    r"\b(?:(?:every|each|on)\s+)?(?:weekdays?|workdays?|working\s+days?|business\s+days?)\b"
    r"|\b(?:(?:every|each|on)\s+)?mon(?:day)?s?\s*(?:-|to|through|thru|until)\s*fri(?:day)?s?\b"
)
_WEEKENDS = patterns.compile(r"\b(?:(?:every|each|on)\s+)?(?:the\s+)?weekends?\b")
_DAY_LIST = patterns.compile(
    rf"\b(?:(?:every|each|on)\s+)?{_DAY}s?(?:\s*(?:,|and|&|or)\s*(?:every\s+|on\s+)?{_DAY}s?)*\b"
)
_DAY_ITEM = patterns.compile(rf"\b({_DAY})s?\b")
_RATE = patterns.compile(
    rf"\bevery\s+({_NUMBER})\s+(minutes?|mins?|hours?|hrs?|days?|weeks?)\b|\bevery\s+(minute)\b"
)
_HOURLY = patterns.compile(r"\b(?:hourly|(?:every|each)\s+hour)\b")
_DAILY = patterns.compile(
    r"\b(?:(?:every|each)\s+(day|night|morning|afternoon|evening)|(daily|nightly|everyday)"
    r"|once\s+a\s+day)\b"
)
_WEEKLY = patterns.compile(r"\b(?:weekly|(?:every|each)\s+week|once\s+a\s+week)\b")
_MONTHLY = patterns.compile(r"\b(?:monthly|(?:every|each)\s+month|once\s+a\s+month)\b")
_PUNCTUATION = patterns.compile(r"[,.;:!?()&]")
_FILLERS = frozenset({"and", "at", "on", "the", "of", "every", "each", "run", "it", "please"})
_EXAMPLES = "'every weekday at 19:00', 'every 6 hours' or 'first monday of the month at 10:00'"


@dataclass
class _Words:
    """What the grammar has taken from the words so far."""

    text: str
    times: list[tuple[int, int, bool]]  # hour, minute, whether am/pm was said
    days: list[tuple[str, str]]  # (day-of-month field, day-of-week field), one per phrase
    part: str | None = None  # night, morning, afternoon, evening
    rate: timedelta | None = None
    hourly: bool = False
    weekly: bool = False
    monthly: bool = False


def read_recurrence(text: str) -> Recurrence:
    """The schedule ``text`` says, e.g. "every weekday at 7pm Berlin time".

    Args:
        text: a schedule in words (see the module docstring), or a cron expression.

    Raises:
        RecurrenceError: the words are not a schedule this grammar knows; the message says
            which words, to ask again.
    """
    if len(text) > MAX_TEXT:
        raise RecurrenceError(f"A schedule is a short phrase (at most {MAX_TEXT} characters).")
    said = " ".join(text.lower().replace("a.m.", "am").replace("p.m.", "pm").split())
    try:
        found = find_zone(said)
    except ZoneError as error:
        raise RecurrenceError(str(error)) from error
    zone = str(found.zone.key) if found else "UTC"
    rest = (found.rest if found else said).strip(" .!")
    raw = _CRON_TEXT.match(rest)
    if raw is not None:
        return _from_cron(raw.group(1), zone)
    words = _Words(text=rest, times=[], days=[])
    for step in _STEPS:
        step(words)
    _check_leftover(words, said)
    return _build(words, zone, said)


def _from_cron(expression: str, zone: str) -> Recurrence:
    fields = expression.split()
    fields[2] = "L" if fields[2] == "l" else fields[2]
    fields[4] = fields[4][:-1] + "L" if fields[4].endswith("l") else fields[4]
    try:
        _schedule(" ".join(fields))
    except ValueError as error:
        raise RecurrenceError(f"That is not a cron expression I can use: {error}.") from error
    return Recurrence(kind="cron", cron=" ".join(fields), timezone=zone)


def _take(pattern: patterns.Pattern, words: _Words) -> patterns.Match | None:
    """The first match of ``pattern`` in the words left, which it then removes."""
    match = pattern.search(words.text)
    if match is not None:
        words.text = f"{words.text[: match.start()]} {words.text[match.end() :]}"
    return match


def _part_of_day(words: _Words) -> None:
    match = _take(_PART_OF_DAY, words)
    if match is not None:
        words.part = match.group(1) or match.group(2)


def _times(words: _Words) -> None:
    match = _take(_AT_TIMES, words)
    spans = [match.group(1)] if match is not None else []
    while match is None and (bare := _take(_BARE_TIME, words)) is not None:
        spans.append(bare.group(0))
    for span in spans:
        for item in _TIME_ITEM.finditer(span, limit=48):
            words.times.append(_time_item(item))


def _time_item(item: patterns.Match) -> tuple[int, int, bool]:
    hour_text, minute_text, half, word = item.groups()
    if word:
        return (12 if word in ("noon", "midday") else 0), 0, True
    hour, minute = int(hour_text), int(minute_text or 0)
    if half:
        if not 1 <= hour <= 12:
            raise RecurrenceError(f"'{item.group(0)}' is not a time of day.")
        hour = hour % 12 + (12 if half == "pm" else 0)
    if hour > 23 or minute > 59:
        raise RecurrenceError(f"'{item.group(0)}' is not a time of day.")
    return hour, minute, bool(half)


def _nth_day(words: _Words) -> None:
    match = _take(_NTH_DAY, words)
    if match is not None:
        nth = _NTH_WORDS[match.group(1) or match.group(3)]
        day = _DAY_WORDS[match.group(2) or match.group(4)]
        marker = "L" if nth == -1 else f"#{nth}"
        words.days.append(("*", f"{(day + 1) % 7}{marker}"))


def _last_day(words: _Words) -> None:
    if _take(_LAST_DAY, words) is not None:
        words.days.append(("L", "*"))


def _month_days(words: _Words) -> None:
    match = _take(_MONTH_DAYS, words)
    if match is None:
        return
    listed = match.group(1) or match.group(2) or match.group(3)
    numbers = {1 if item == "first" else int(item) for item in _ORDINALS.findall(listed)}
    if not numbers or not all(1 <= number <= 31 for number in numbers):
        raise RecurrenceError(f"'{match.group(0)}' is not a day of the month.")
    words.days.append((_cron_list(numbers), "*"))


_ORDINALS = patterns.compile(r"\d{1,2}|first")


def _workdays(words: _Words) -> None:
    if _take(_WORKDAYS, words) is not None:
        words.days.append(("*", "1-5"))


def _weekends(words: _Words) -> None:
    if _take(_WEEKENDS, words) is not None:
        words.days.append(("*", "0,6"))


def _day_list(words: _Words) -> None:
    match = _take(_DAY_LIST, words)
    if match is not None:
        days = {(_DAY_WORDS[name] + 1) % 7 for name in _DAY_ITEM.findall(match.group(0))}
        words.days.append(("*", _cron_list(days)))


def _rate(words: _Words) -> None:
    match = _take(_RATE, words)
    if match is None:
        return
    amount = 1 if match.group(3) else _amount(match.group(1))
    unit = (match.group(2) or "minute").rstrip("s")
    minutes = {"minute": 1, "min": 1, "hour": 60, "hr": 60, "day": 1440, "week": 10080}[unit]
    words.rate = timedelta(minutes=amount * minutes)
    if not MIN_RATE <= words.rate <= MAX_RATE:
        raise RecurrenceError(f"'{match.group(0)}': a rate is between one minute and 366 days.")


def _amount(word: str) -> int:
    return int(word) if word.isdigit() else _NUMBER_WORDS[word]


def _hourly(words: _Words) -> None:
    words.hourly = _take(_HOURLY, words) is not None


def _daily(words: _Words) -> None:
    match = _take(_DAILY, words)
    if match is None:
        return
    words.days.append(("*", "*"))
    part = match.group(1) or ("night" if match.group(2) == "nightly" else None)
    if part in ("night", "morning", "afternoon", "evening"):
        words.part = words.part or part


def _weekly_monthly(words: _Words) -> None:
    words.weekly = _take(_WEEKLY, words) is not None
    words.monthly = _take(_MONTHLY, words) is not None


def _check_leftover(words: _Words, said: str) -> None:
    left = [word for word in _PUNCTUATION.sub(" ", words.text).split() if word not in _FILLERS]
    if left:
        raise RecurrenceError(
            f"I did not understand '{' '.join(left)}' in '{said}'. Try e.g. {_EXAMPLES}."
        )


_STEPS = (_part_of_day, _times, _nth_day, _last_day, _month_days, _workdays, _weekends,
          _day_list, _rate, _hourly, _daily, _weekly_monthly)  # fmt: skip


def _build(words: _Words, zone: str, said: str) -> Recurrence:
    if words.rate is not None:
        if words.times or words.days or words.hourly or words.part:
            raise RecurrenceError(
                f"In '{said}', a rate counts from when the schedule is created, so it cannot "
                "also have a time or days; for fixed times say e.g. 'at 00, 06, 12 and 18'."
            )
        return Recurrence(kind="rate", rate=words.rate, timezone=zone)
    day_of_month, day_of_week = _day_fields(words, said)
    minute, hour = _clock_fields(words, said)
    return Recurrence(
        kind="cron", cron=f"{minute} {hour} {day_of_month} * {day_of_week}", timezone=zone
    )


def _day_fields(words: _Words, said: str) -> tuple[str, str]:
    chosen = [days for days in words.days if days != ("*", "*")] or words.days[:1]
    if len(chosen) > 1:
        raise RecurrenceError(
            f"'{said}' names days more than one way; say either days of the week or days of "
            "the month."
        )
    day_of_month, day_of_week = chosen[0] if chosen else ("*", "*")
    if words.weekly and day_of_week == "*":
        raise RecurrenceError(
            f"'{said}': which day of the week? Say e.g. 'every monday at 9:00', or "
            "'every 7 days' to count from when it is set up."
        )
    if not chosen and not (words.times or words.hourly or words.monthly):
        raise RecurrenceError(f"I could not find a schedule in '{said}'. Try e.g. {_EXAMPLES}.")
    if words.monthly and (day_of_month, day_of_week) == ("*", "*"):
        day_of_month = "1"
    return day_of_month, day_of_week


def _clock_fields(words: _Words, said: str) -> tuple[str, str]:
    if words.hourly:
        if words.times:
            raise RecurrenceError(f"'{said}' says hourly and a time of day; which is it?")
        return "0", "*"
    times = [_with_part(time_, words.part) for time_ in words.times] or [(0, 0)]
    minutes = {minute for _, minute in times}
    if len(minutes) > 1:
        raise RecurrenceError(
            f"The times in '{said}' have different minutes; one schedule fires at the same "
            "minute of each hour it names, so make it two schedules."
        )
    return str(minutes.pop()), _cron_list({hour for hour, _ in times})


def _with_part(said: tuple[int, int, bool], part: str | None) -> tuple[int, int]:
    """A bare hour read with "evening" or "night": 7 in the evening is 19, 2 at night is 2."""
    hour, minute, half = said
    if half or part is None:
        return hour, minute
    if part in ("afternoon", "evening") and 1 <= hour <= 11:
        hour += 12
    elif part == "night" and (6 <= hour <= 11 or hour == 12):
        hour = (hour + 12) % 24
    return hour, minute


def _cron_list(values: set[int]) -> str:
    """``{1, 2, 3, 4, 5}`` as ``1-5``, ``{0, 6, 12}`` as ``0,6,12``."""
    runs: list[list[int]] = []
    for value in sorted(values):
        if runs and value == runs[-1][-1] + 1:
            runs[-1].append(value)
        else:
            runs.append([value])
    parts = [[f"{run[0]}-{run[-1]}"] if len(run) > 2 else [str(v) for v in run] for run in runs]
    return ",".join(part for group in parts for part in group)


# --- a schedule in words ------------------------------------------------------------------------


def _describe_cron(schedule: _Cron) -> str | None:
    days = _days_words(schedule)
    if days is None:
        return None
    if len(schedule.hours) == 24:
        if len(schedule.minutes) == 60:
            return "every minute" + ("" if days == "every day" else f", {days}")
        if len(schedule.minutes) == 1:
            minute = next(iter(schedule.minutes))
            hourly = "every hour on the hour" if minute == 0 else f"every hour at :{minute:02d}"
            return hourly + ("" if days == "every day" else f", {days}")
        return None
    if len(schedule.hours) * len(schedule.minutes) > 8:
        return None
    clock = [f"{hour:02d}:{minute:02d}" for hour in sorted(schedule.hours)
             for minute in sorted(schedule.minutes)]  # fmt: skip
    return f"{days} at {_join(clock)}"


def _days_words(schedule: _Cron) -> str | None:
    by_date = schedule.days is not None or schedule.last_day
    by_weekday = schedule.weekdays is not None or schedule.nth is not None
    if len(schedule.months) < 12 or (by_date and by_weekday):
        return None
    if schedule.nth is not None:
        return f"on the {schedule.nth.describe()} of every month"
    if schedule.last_day:
        return "on the last day of every month"
    if schedule.days is not None:
        return f"on the {_join([_ordinal(day) for day in sorted(schedule.days)])} of every month"
    weekdays = schedule.weekdays
    if weekdays is None or len(weekdays) == 7:
        return "every day"
    if weekdays == frozenset(range(5)):
        return "every weekday"
    return "every " + _join([DAY_NAMES[day] for day in sorted(weekdays)])


def _ordinal(number: int) -> str:
    suffix = {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{'th' if 10 <= number % 100 <= 20 else suffix}"


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def _duration_words(rate: timedelta) -> str:
    minutes = int(rate.total_seconds() // 60)
    for size, unit in ((10080, "week"), (1440, "day"), (60, "hour"), (1, "minute")):
        if minutes % size == 0:
            amount = minutes // size
            return unit if amount == 1 else f"{amount} {unit}s"
    return f"{rate}"
