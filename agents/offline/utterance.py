"""Entities pulled out of one user message: ids, regions, states, tags, names, CIDRs.

Every pattern here runs on untrusted text, so all of them are RE2 (``core.patterns``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from core import patterns
from core.aws import known_regions

INSTANCE_ID = patterns.compile(r"\bi-[0-9a-f]{8,17}\b")
CIDR = patterns.compile(
    r"\b(?:\d{1,3}(?:\.\d{1,3}){3}/\d{1,2}|[0-9a-f:]*:[0-9a-f:]+/\d{1,3})\b", patterns.IGNORECASE
)
PREFIX_LEN = patterns.compile(r"(?:^|[^\d.])/(\d{1,3})\b")
OPEN_QUOTES = "\"'`\u201c\u2018"
CLOSE_QUOTES = "\"'`\u201d\u2019"
QUOTED = patterns.compile(f"[{OPEN_QUOTES}]([^{CLOSE_QUOTES}]+)[{CLOSE_QUOTES}]")
TAG_PAIR = patterns.compile(r"\b([A-Za-z][\w.:-]*)\s*(?:=|:)\s*([\w.@/+-]+)")
TAG_WORDS = patterns.compile(
    r"\btag(?:ged)?\s+(?:with\s+)?([A-Za-z][\w.-]*)\s+(?:of\s+|as\s+|is\s+)?([\w.@/+-]+)",
    patterns.IGNORECASE,
)
NAME_AFTER = patterns.compile(r"\b(?:named|called|name)\s+([\w.-]+)", patterns.IGNORECASE)

REGION_ALIASES: dict[str, str] = {
    "virginia": "us-east-1",
    "n. virginia": "us-east-1",
    "north virginia": "us-east-1",
    "ohio": "us-east-2",
    "oregon": "us-west-2",
    "california": "us-west-1",
    "ireland": "eu-west-1",
    "dublin": "eu-west-1",
    "london": "eu-west-2",
    "paris": "eu-west-3",
    "frankfurt": "eu-central-1",
    "stockholm": "eu-north-1",
    "milan": "eu-south-1",
    "tokyo": "ap-northeast-1",
    "seoul": "ap-northeast-2",
    "singapore": "ap-southeast-1",
    "sydney": "ap-southeast-2",
    "mumbai": "ap-south-1",
    "canada": "ca-central-1",
    "sao paulo": "sa-east-1",
    "são paulo": "sa-east-1",
}
REGION_SHAPE = patterns.compile(r"\b[a-z]{2}(?:-gov)?-[a-z]+-\d\b")
STATES = ("pending", "running", "stopping", "stopped", "shutting-down", "terminated")
STATE_WORDS: dict[str, str] = {
    "up": "running",
    "live": "running",
    "on": "running",
    "started": "running",
    "active": "running",
    "off": "stopped",
    "down": "stopped",
    "halted": "stopped",
}

_STOPWORD_TEXT = """
    a an the this that these those my our your their its it them me us i we you he she they
    please pls plz could can would will you'd kindly just now right away go ahead and or but
    then also too for to of in on at by with from into onto about as is are was were be been
    being do does did done have has had what which who whom whose where when why how all any
    some each every one ones both either instance instances server servers vm vms machine
    machines box boxes host hosts ec2 node nodes aws account region regions show list give tell
    get find see display describe details detail info information about status state running
    stopped stop start reboot restart boot bounce shut shutdown halt turn power up down off on
    kill pause resume wake bring back spin cycle me lookup look let know want need like named
    called name there here currently right is anything something everything whats what's
    help hi hello hey thanks thank much many tagged tag tags with without not no yes ok okay
    again quickly gracefully soft hard immediately asap same other"""
STOPWORDS: frozenset[str] = frozenset(_STOPWORD_TEXT.split())


LARGEST_NUMBER = 10**12
# Each entity list (ids, regions, tags, CIDRs, quotes) keeps its first mentions only: a real
# request names a handful, and every match costs Python time.
ENTITY_LIMIT = 100


def whole_number(digits: str) -> int:
    """A number the user wrote, at most ``LARGEST_NUMBER`` (the tool then says it is too big).

    A 40,000-digit number is neither worth converting nor convertible (Python refuses ints of
    over 4,300 digits), so anything longer than the ceiling is the ceiling.

    Args:
        digits: decimal digits, possibly with thousands separators (``10,000``).
    """
    plain = digits.replace(",", "")
    if len(plain) > len(str(LARGEST_NUMBER)):
        return LARGEST_NUMBER
    return min(int(plain), LARGEST_NUMBER)


def _name_shaped(token: str) -> bool:
    """A word character, then word characters, dots and dashes (no pattern: one per token)."""
    return (token[0].isalnum() or token[0] == "_") and all(c.isalnum() or c in "_.-" for c in token)


def _strip_punctuation(token: str) -> str:
    return token.strip(".,;:!?()[]{}" + OPEN_QUOTES + CLOSE_QUOTES)


@dataclass
class Utterance:
    """One message, with the entities the rules need already extracted.

    Attributes:
        text: the message as typed.
    """

    text: str
    extra_stopwords: frozenset[str] = field(default_factory=frozenset)

    @cached_property
    def lower(self) -> str:
        """Lower-cased text with collapsed whitespace."""
        return " ".join(self.text.lower().split())

    @cached_property
    def tokens(self) -> list[str]:
        """Words with surrounding punctuation removed."""
        return [t for t in (_strip_punctuation(w) for w in self.text.split()) if t]

    def has(self, pattern: str) -> bool:
        """True when the regular expression ``pattern`` matches the lower-cased text.

        Args:
            pattern: a regular expression.
        """
        return patterns.search(pattern, self.lower) is not None

    @cached_property
    def instance_ids(self) -> list[str]:
        """EC2 instance ids mentioned (``i-0abc...``)."""
        return list(dict.fromkeys(INSTANCE_ID.findall(self.lower, ENTITY_LIMIT)))

    @cached_property
    def regions(self) -> list[str]:
        """AWS regions mentioned by code (``eu-west-1``) or city (``Ireland``)."""
        found = list(REGION_SHAPE.findall(self.lower, ENTITY_LIMIT))
        for alias, region in REGION_ALIASES.items():
            if patterns.search(rf"\b{patterns.escape(alias)}\b", self.lower):
                found.append(region)
        return list(dict.fromkeys(found))

    @cached_property
    def unknown_regions(self) -> list[str]:
        """Region-shaped words AWS does not have (``us-east-9``)."""
        return [r for r in self.regions if r not in known_regions()]

    @cached_property
    def states(self) -> list[str]:
        """Instance states mentioned, by name or common synonym."""
        return [s for s in STATES if patterns.search(rf"\b{s}\b", self.lower)]

    @cached_property
    def tags(self) -> dict[str, str]:
        """``key=value`` / ``key:value`` / ``tagged key value`` pairs."""
        pairs: dict[str, str] = {}
        for key, value in TAG_WORDS.findall(self.text, ENTITY_LIMIT):
            pairs[key] = value
        for key, value in TAG_PAIR.findall(self.text, ENTITY_LIMIT):
            if not key.lower().startswith(("http", "arn")) and not CIDR.match(f"{key}:{value}"):
                pairs.setdefault(key, value)
        return pairs

    @cached_property
    def cidrs(self) -> list[str]:
        """CIDR blocks written in the text (valid or not; validation is the tool's job)."""
        return list(dict.fromkeys(m.group(0) for m in CIDR.finditer(self.text, ENTITY_LIMIT)))

    @cached_property
    def prefix_lengths(self) -> list[int]:
        """Bare prefix lengths such as ``a /22``."""
        text = CIDR.sub(" ", self.text)
        return [whole_number(n) for n in PREFIX_LEN.findall(text, ENTITY_LIMIT)]

    @cached_property
    def quoted(self) -> list[str]:
        """Strings the user put in quotes."""
        return QUOTED.findall(self.text, ENTITY_LIMIT)

    def names(self, vocabulary: frozenset[str] = frozenset()) -> list[str]:
        """Resource names: quoted strings, words after 'named', else leftover non-stopwords.

        Args:
            vocabulary: extra words of the rule that must not be taken for names.
        """
        explicit = self.quoted + NAME_AFTER.findall(self.text, ENTITY_LIMIT)
        if explicit:
            return list(dict.fromkeys(explicit))
        skip = STOPWORDS | vocabulary | self.extra_stopwords
        taken = set(self.instance_ids) | set(self.regions) | set(self.states)
        for key, value in self.tags.items():
            pair = {key, value, f"{key}={value}", f"{key}:{value}"}
            taken |= {item.lower() for item in pair}
        names = []
        for token in self.tokens:
            low = token.lower()
            if low in skip or low in taken or low in REGION_ALIASES or low in STATE_WORDS:
                continue
            if _name_shaped(token) and not low.isdigit():
                names.append(token)
        return list(dict.fromkeys(names))
