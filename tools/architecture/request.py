"""What a sentence asks for: pattern, region, environment, load, data size and preferences.

The text is untrusted: it is length-capped and matched only with linear-time patterns (no
nested quantifiers), and nothing in it is ever executed or followed as an instruction.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from decimal import Decimal

from tools.architecture.spec import Environment, Pattern
from tools.errors import InvalidInput

MAX_REQUEST_CHARS = 2000
REGION = re.compile(r"\b((?:us|eu|ap|sa|ca|me|af|il|mx)-(?:gov-)?[a-z]{4,9}-[1-9])\b")
RATE = re.compile(
    r"(\d+(?:[.,]\d+)?)\s*(k|m|thousand|million)?\s*"
    r"(?:requests?|reqs?|rps|hits|calls|messages|msgs|jobs|events|users)?\s*"
    r"(?:/|per|an?|each)\s*(s|sec|second|min|minute|h|hour|day|month)\b"
)
RPS = re.compile(r"(\d+(?:[.,]\d+)?)\s*(k|m)?\s*(?:rps|qps|req/s)\b")
SIZE = re.compile(r"(\d+(?:[.,]\d+)?)\s*(gb|gib|tb|tib|gigabytes?|terabytes?)\b")
NAME = re.compile(r"\b(?:called|named)\s+['\"]?([a-z][a-z0-9-]{1,30})")
SECONDS = {"s": 1, "sec": 1, "second": 1, "min": 60, "minute": 60, "h": 3600, "hour": 3600}
SECONDS |= {"day": 86400, "month": 730 * 3600}
MULTIPLIERS = {"k": 1_000, "thousand": 1_000, "m": 1_000_000, "million": 1_000_000}

PATTERN_WORDS: dict[Pattern, tuple[tuple[str, int], ...]] = {
    "static-site": (
        (r"\bstatic\b", 4),
        (r"\b(?:spa|single[- ]page|landing page|marketing site|react|vue|angular)\b", 3),
        (r"\bcdn\b|cloudfront", 3),
        (r"\b(?:website|site|frontend|front-end)\b", 1),
    ),
    "serverless-api": (
        (r"serverless", 4),
        (r"\blambdas?\b", 3),
        (r"\bapi\b|rest|graphql|endpoints?|backend for", 2),
        (r"api gateway", 3),
        (r"dynamo", 1),
    ),
    "queue-workers": (
        (r"\bqueues?\b|\bsqs\b", 4),
        (r"\bworkers?\b|background (?:jobs?|tasks?)|job processing|consumers?", 4),
        (r"\basync", 1),
    ),
    "pipeline": (
        (r"pipeline|\betl\b|\belt\b", 5),
        (r"ingest|data lake|analytics|transform", 3),
        (r"\b(?:batch|files?|csv|parquet|events? stream)", 1),
    ),
    "three-tier-web": (
        (r"web ?app|web application|three[- ]tier|3[- ]tier|\bsaas\b|portal|e-?commerce", 4),
        (r"postgres|mysql|\bsql\b|relational|\brds\b|aurora|database", 2),
        (r"load balancer|\balb\b|autoscal|\bec2\b|containers?|fargate|\becs\b", 2),
        (r"\b(?:website|site|application|app)\b", 1),
    ),
}


@dataclass
class Request:
    """The facts read from one sentence.

    Attributes:
        text: the (capped) sentence.
        pattern: the pattern it asks for.
        region: AWS region named, or None.
        environment: environment named, or None.
        peak_rps: peak requests (or messages) per second, when a rate was given.
        data_gb: data size in GB, when given.
        spiky: traffic described as spiky or bursty.
        engine: database engine asked for (postgres, mysql, aurora, dynamodb), if any.
        cache: a cache (Redis) was asked for.
        compute: compute preference (asg, fargate, lambda), if any.
        name: architecture name given (``called payments``), if any.
        public_database: the database was asked to be reachable from the internet.
        open_ports: ports asked to be open to the whole internet (22 for "ssh open").
        notes: what was read, for the card.
    """

    text: str
    pattern: Pattern
    region: str | None = None
    environment: Environment | None = None
    peak_rps: Decimal | None = None
    data_gb: Decimal | None = None
    spiky: bool = False
    engine: str | None = None
    cache: bool = False
    compute: str | None = None
    name: str | None = None
    public_database: bool = False
    open_ports: list[int] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def read_request(text: str) -> Request:
    """Read a request sentence.

    Args:
        text: what the user wrote.

    Raises:
        InvalidInput: the text is empty or asks for nothing recognisable.
    """
    clean = " ".join(text.split())[:MAX_REQUEST_CHARS]
    lower = clean.lower()
    if not lower:
        raise InvalidInput("Describe what you need, e.g. 'a web app with a Postgres database'.")
    request = Request(text=clean, pattern=choose_pattern(lower))
    request.region = _region(lower)
    request.environment = _environment(lower)
    request.peak_rps = _rate(lower)
    request.data_gb = _size(lower)
    request.spiky = bool(re.search(r"spik|burst|unpredictab|peaky|seasonal|flash sale", lower))
    request.engine = _engine(lower)
    request.cache = bool(re.search(r"redis|elasticache|\bcache|caching", lower))
    request.compute = _compute(lower)
    found = NAME.search(lower)
    request.name = found.group(1).strip("-") if found else None
    request.public_database = bool(
        re.search(
            r"public(?:ly)?[- ](?:accessible )?(?:database|db|postgres|mysql|rds)"
            r"|(?:database|db) (?:open|public|reachable|exposed)",
            lower,
        )
    )
    request.open_ports = _open_ports(lower)
    return request


def choose_pattern(lower: str) -> Pattern:
    """The pattern whose words score highest (three-tier web on a tie or no signal).

    Args:
        lower: the lower-cased request.
    """
    scores = {
        pattern: sum(weight for word, weight in words if re.search(word, lower))
        for pattern, words in PATTERN_WORDS.items()
    }
    best = max(scores.values())
    if best == 0:
        raise InvalidInput(
            "I could not tell what to build. Say what it is, e.g. 'a web app with a Postgres "
            "database', 'a serverless API', 'a static site', 'queue workers' or 'a data pipeline'."
        )
    ranked = sorted(scores, key=lambda p: (-scores[p], p != "three-tier-web"))
    return ranked[0]


def _region(lower: str) -> str | None:
    found = REGION.search(lower)
    return found.group(1) if found else None


def _environment(lower: str) -> Environment | None:
    if re.search(r"\bprod(?:uction)?\b|\blive\b|customer[- ]facing", lower):
        return "prod"
    if re.search(r"\bstag(?:e|ing)\b|\bpre-?prod\b|\bqa\b|\btest(?:ing)?\b|\buat\b", lower):
        return "staging"
    if re.search(r"\bdev(?:elopment)?\b|\bsandbox\b|\bprototype\b|\bpoc\b|\bdemo\b", lower):
        return "dev"
    return None


def _number(digits: str, unit: str | None) -> Decimal:
    return Decimal(digits.replace(",", ".")) * MULTIPLIERS.get(unit or "", 1)


def _rate(lower: str) -> Decimal | None:
    found = RPS.search(lower)
    if found:
        return _number(found.group(1), found.group(2))
    found = RATE.search(lower)
    if found is None:
        return None
    per_second = _number(found.group(1), found.group(2)) / SECONDS[found.group(3)]
    return per_second.quantize(Decimal("0.001"))


def _size(lower: str) -> Decimal | None:
    found = SIZE.search(lower)
    if found is None:
        return None
    value = Decimal(found.group(1).replace(",", "."))
    return value * 1000 if found.group(2).startswith(("t", "ter")) else value


def _engine(lower: str) -> str | None:
    if "aurora" in lower:
        return "aurora"
    if re.search(r"postgres|\bpg\b|psql", lower):
        return "postgres"
    if re.search(r"mysql|mariadb", lower):
        return "mysql"
    if re.search(r"dynamo|nosql|key[- ]value", lower):
        return "dynamodb"
    return None


def _compute(lower: str) -> str | None:
    if re.search(r"fargate|containers?|docker|\becs\b", lower):
        return "fargate"
    if re.search(r"\blambdas?\b|serverless|functions?\b", lower):
        return "lambda"
    if re.search(r"\bec2\b|\bvms?\b|virtual machines|instances|autoscaling group", lower):
        return "asg"
    return None


def _open_ports(lower: str) -> list[int]:
    world = (
        r"(?:open to (?:the )?(?:world|internet|everyone|anyone|all)|from anywhere|0\.0\.0\.0/0)"
    )
    ports = []
    if re.search(rf"\bssh\b[^.]{{0,40}}{world}|{world}[^.]{{0,20}}\bssh\b", lower):
        ports.append(22)
    if re.search(rf"\brdp\b[^.]{{0,40}}{world}", lower):
        ports.append(3389)
    return ports


def instances_for(load: Decimal, per_instance: int, zones: int, least: int) -> int:
    """How many instances carry ``load`` when each carries ``per_instance``, spread evenly.

    Args:
        load: requests per second at peak.
        per_instance: requests per second one instance serves.
        zones: availability zones (the count is rounded up to a multiple).
        least: the smallest count allowed.
    """
    needed = max(least, math.ceil(load / per_instance))
    return math.ceil(needed / zones) * zones
