"""Cost words in a message: instance and volume types, quantities, dates, groupings."""

from __future__ import annotations

from typing import Any

from agents.offline.utterance import ENTITY_LIMIT, Utterance, whole_number
from core import patterns

SIZE = r"(?:nano|micro|small|medium|large|\d*xlarge|metal(?:-\d+xl)?)"
INSTANCE_TYPE = patterns.compile(rf"\b((?:db\.|cache\.)?[a-z][a-z0-9-]*\d[a-z0-9-]*\.{SIZE})\b")
VOLUME_TYPE = patterns.compile(r"\b(gp2|gp3|io1|io2|st1|sc1)\b")
ISO_DAY = patterns.compile(r"\b(\d{4}-\d{2}-\d{2})\b")
COUNT_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
               "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "a pair of": 2,
               "a couple of": 2, "a couple": 2}  # fmt: skip
COUNT = r"(\d+|" + "|".join(COUNT_WORDS) + ")"
QUANTITY_TYPE = patterns.compile(
    rf"\b{COUNT}\s*(?:x\s*)?((?:db\.|cache\.)?[a-z][a-z0-9-]*\d[a-z0-9-]*\.{SIZE})\b"
)
GB_VOLUME = patterns.compile(r"\b(\d+)\s*(gb|tb)\s*(?:of\s+)?(gp2|gp3|io1|io2|st1|sc1)?\b")
VOLUME_ID = patterns.compile(r"\bvol-[0-9a-f]{8,17}\b")
ALLOCATION_ID = patterns.compile(r"\beipalloc-[0-9a-f]{8,17}\b")
PROPOSED_LIMIT = 100
IPV4 = patterns.compile(r"\b\d{1,3}(?:\.\d{1,3}){3}\b")
GROUP_WORDS = {
    "service": r"\bby service|per service|by product\b",
    "account": r"\b(by|per) (linked )?account\b",
    "region": r"\b(by|per) region\b",
    "usage_type": r"\b(by|per) usage[ -]?type\b",
    "kind": r"\b(by|per) (resource |the )?(kind|type)s?( of resource)?\b",
}
TAG_GROUP = patterns.compile(r"\b(?:by|per) (?:tag\s+)?([a-z][\w.-]*)(?:\s+tag)?\b")
RESERVED_GROUPS = frozenset(
    {
        "service",
        "account",
        "region",
        "usage",
        "kind",
        "resource",
        "type",
        "month",
        "day",
        "week",
        "linked",
        "product",
        "tag",
        "the",
        "end",
        "hour",
        "gb",
    }
)


def instance_types(u: Utterance) -> list[str]:
    """Instance types, DB classes and cache node types mentioned, in order (the first 100).

    Args:
        u: the message.
    """
    mentions = INSTANCE_TYPE.finditer(u.lower, PROPOSED_LIMIT)
    return list(dict.fromkeys(m.group(1) for m in mentions))


def public_ips(text: str) -> list[str]:
    """IPv4 addresses written in ``text`` that are not the start of a CIDR block.

    Args:
        text: the message as typed.
    """
    found = IPV4.finditer(text, ENTITY_LIMIT)
    return [m.group(0) for m in found if not text.startswith("/", m.end())]


def volume_types(u: Utterance) -> list[str]:
    """EBS volume types mentioned, in order.

    Args:
        u: the message.
    """
    return list(dict.fromkeys(VOLUME_TYPE.findall(u.lower, ENTITY_LIMIT)))


def target_type(u: Utterance, found: list[str]) -> str | None:
    """The type a change goes *to*: the one after "to"/"into"/"an" (else "on"/"onto"), never
    one said "instead of", else the last one.

    Args:
        u: the message.
        found: the types mentioned.
    """
    left = [k for k in found if not _after(r"instead of|rather than|in place of", k, u)]
    for words in (r"to|into|an?|as|with", r"on|onto"):
        for kind in left:
            if _after(words, kind, u):
                return kind
    return (left or found)[-1] if found else None


def _after(words: str, kind: str, u: Utterance) -> bool:
    return (
        patterns.search(rf"\b({words})\s+(an?\s+)?{patterns.escape(kind)}\b", u.lower) is not None
    )


def grouping(u: Utterance, default: str) -> str:
    """How spend or run-rate should be grouped ("by account", "per team"...).

    Args:
        u: the message.
        default: grouping when none is named.
    """
    for name, pattern in GROUP_WORDS.items():
        if u.has(pattern):
            return name
    match = TAG_GROUP.search(u.lower)
    if match and match.group(1) not in RESERVED_GROUPS:
        return f"tag:{match.group(1)}"
    return default


DAY_COUNT = patterns.compile(r"\b(\d[\d,]*)[ -]?(day|week|month)s?\b")
UNIT_DAYS = {"day": 1, "week": 7, "month": 30}


def day_count(u: Utterance) -> int | None:
    """A number of days said as a count ("last 21 days", "for 180 days", "over 2 weeks").

    Args:
        u: the message.
    """
    match = DAY_COUNT.search(u.lower)
    return whole_number(match.group(1)) * UNIT_DAYS[match.group(2)] if match else None


def days_back(u: Utterance, default: int = 30) -> int:
    """Length of the period asked about ("last 7 days", "last week", "last quarter"...).

    Args:
        u: the message.
        default: when nothing is said.
    """
    count = day_count(u)
    if count is not None:
        return count
    for pattern, days in (
        (r"\b(last|past|this) week\b", 7), (r"\byesterday\b", 2),
        (r"\b(last|past) fortnight\b", 14),
        (r"\b(last|past) (quarter|qtr)\b|\b90 days\b", 90), (r"\b(last|past|this) year\b", 365),
    ):  # fmt: skip
        if u.has(pattern):
            return days
    return default


def window_mentioned(u: Utterance) -> dict[str, str]:
    """The days a spike question is about: ISO days as ``start``/``end``, else a period.

    "between 2026-11-01 and 2026-11-07" -> start and end (in date order); one day -> start;
    words ("last week", "since monday", "in october", "last 3 days") -> the calendar period
    ``period_mentioned`` reads (or ``days:<n>``). Relative periods stay relative: the tool
    resolves them on the clock, so the router never needs to know the date.

    Args:
        u: the message.
    """
    days = sorted(dict.fromkeys(ISO_DAY.findall(u.lower, ENTITY_LIMIT)))
    if days:
        return {"start": days[0], "end": days[-1]} if len(days) > 1 else {"start": days[0]}
    period = period_mentioned(u)
    if period:
        return {"period": period}
    count = day_count(u)
    return {"period": f"days:{count}"} if count else {}


MONTH_NAMES = (
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december",
)  # fmt: skip
CALENDAR_PERIODS = (
    (r"\b(last|previous|past) calendar month\b|\blast month\b|\bprevious month\b", "last_month"),
    (r"\bthis month\b|\bmonth to date\b|\bmtd\b|\bso far this month\b", "this_month"),
    (r"\blast week\b|\bprevious week\b", "last_week"),
    (r"\bthis week\b|\bweek to date\b", "this_week"),
    (r"\blast year\b|\bprevious year\b", "last_year"),
    (r"\bthis year\b|\byear to date\b|\bytd\b", "this_year"),
    (r"\byesterday\b", "yesterday"),
    (r"\btoday\b", "today"),
)  # fmt: skip
SINCE_WEEKDAY = patterns.compile(
    r"\bsince (?:last )?(monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b"
)
IN_MONTH = patterns.compile(r"\b(?:in|during|for|of) (" + "|".join(MONTH_NAMES) + r")\b")


def period_mentioned(u: Utterance) -> str | None:
    """A calendar period named in the message, as a ``core.calendar`` expression.

    "last month" -> ``last_month``, "since monday" -> ``since:monday``, "in october" ->
    ``month:10``; None when the message names none (a "last N days" count is ``days_back``).

    Args:
        u: the message.
    """
    if DAY_COUNT.search(u.lower):
        return None
    since = SINCE_WEEKDAY.search(u.lower)
    if since:
        return f"since:{since.group(1)}"
    month = IN_MONTH.search(u.lower)
    if month:
        return f"month:{MONTH_NAMES.index(month.group(1)) + 1}"
    for pattern, period in CALENDAR_PERIODS:
        if u.has(pattern):
            return period
    return None


def proposed_resources(u: Utterance) -> list[dict[str, Any]]:
    """Resources described in a "what would X cost" question (at most ``PROPOSED_LIMIT``).

    Args:
        u: the message.
    """
    region = u.regions[0] if u.regions else "us-east-1"
    text = u.lower
    found: list[dict[str, Any]] = []
    quantities = list(QUANTITY_TYPE.finditer(text, PROPOSED_LIMIT))
    counted = {m.group(2) for m in quantities}
    for match in quantities:
        found += [_typed(u, match.group(2), region) for _ in range(how_many(match.group(1)))]
    found += [_typed(u, kind, region) for kind in instance_types(u) if kind not in counted]
    _add_storage(found, text, region)
    _add_services(found, text, region)
    return [
        {"resource_id": f"#{i + 1}", "name": r.get("instance_type") or KIND_NAMES[r["kind"]], **r}
        for i, r in enumerate(found[:PROPOSED_LIMIT])
    ]


COUNTED = rf"(?:(?:^|[^\w-]){COUNT}\s+(?:more |extra |new )?)?"
"""An optional count before a thing ("two", "3 more"); never the digit ending a region name."""
PRICED_SERVICES: list[tuple[str, dict[str, str], patterns.Pattern]] = [
    (kind, extra, patterns.compile(rf"{COUNTED}\b(?:{words})\b"))
    for kind, extra, words in (
        ("nat_gateway", {}, r"nat(?: gateway)?s?"),
        (
            "load_balancer",
            {"volume_type": "application"},
            r"albs?|application load balancers?|load ?balancers?",
        ),
        ("elastic_ip", {}, r"elastic ips?|eips?|public ipv4s?|public ips?"),
    )
]
"""Priced-by-the-hour services a proposal may name, each with how many ("two elastic IPs")."""


def _add_services(found: list[dict[str, Any]], text: str, region: str) -> None:
    """NAT gateways, load balancers and Elastic IPs, as many as said (one when no count)."""
    for kind, extra, pattern in PRICED_SERVICES:
        said = pattern.search(text)
        if said:
            count = how_many(said.group(1)) if said.group(1) else 1
            found += [{"kind": kind, **extra, "region": region} for _ in range(count)]


def how_many(word: str) -> int:
    """How many a count says ("3", "two", "a pair of"), at most ``PROPOSED_LIMIT``.

    Args:
        word: what ``COUNT`` matched.
    """
    number = COUNT_WORDS.get(word) or whole_number(word)
    return min(number, PROPOSED_LIMIT)


def _add_storage(found: list[dict[str, Any]], text: str, region: str) -> None:
    """EBS volumes ("500 GB of gp3"); a size with no volume type sizes the last database."""
    databases = [r for r in found if r["kind"] == "rds_instance"]
    for match in GB_VOLUME.finditer(text, PROPOSED_LIMIT):
        size, unit, volume = match.groups()
        gb = whole_number(size) * (1024 if unit == "tb" else 1)
        if volume:
            found.append(
                {"kind": "ebs_volume", "volume_type": volume, "size_gb": gb, "region": region}
            )
        elif databases:
            databases[-1]["size_gb"] = gb


KIND_NAMES = {
    "ebs_volume": "EBS volume",
    "nat_gateway": "NAT gateway",
    "load_balancer": "load balancer",
    "elastic_ip": "Elastic IP",
}


def _typed(u: Utterance, kind: str, region: str) -> dict[str, Any]:
    if kind.startswith("db."):
        engine = "mysql" if u.has(r"\bmysql\b") else "postgres"
        multi = u.has(r"\bmulti[- ]?az\b")
        return {"kind": "rds_instance", "instance_type": kind, "engine": engine, "multi_az": multi,
                "volume_type": "gp3", "size_gb": 20, "region": region}  # fmt: skip
    if kind.startswith("cache."):
        return {"kind": "elasticache_node", "instance_type": kind, "region": region}
    return {"kind": "ec2_instance", "instance_type": kind, "state": "running", "region": region}
