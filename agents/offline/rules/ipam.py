"""Arguments of the IPAM tools, read from the message: pools, CIDRs, sizes, purposes, VPCs."""

from __future__ import annotations

from typing import Any

from agents.offline.slots import Slots, Target
from agents.offline.utterance import (
    ENTITY_LIMIT,
    REGION_ALIASES,
    REGION_SHAPE,
    Utterance,
    whole_number,
)
from core import patterns

ENVIRONMENTS = {
    "prod": "prod",
    "production": "prod",
    "staging": "staging",
    "stage": "staging",
    "dev": "dev",
    "development": "dev",
    "test": "test",
    "testing": "test",
    "qa": "qa",
    "uat": "uat",
    "preprod": "preprod",
    "pre-prod": "preprod",
    "shared": "shared",
    "sandbox": "sandbox",
    "nonprod": "nonprod",
    "non-prod": "nonprod",
}
ENV_WORDS = "|".join(ENVIRONMENTS)


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


NOT_NAMES = _words(
    """a an the our my your this that these those which what each every any all new ipam ipv4
    ipv6 address addresses ip child parent top top-level level for in with from to into of is
    are and or it its by on at as be named called whole entire main one some list details
    detail run usage describe analyse analyze show open check display inspect view export
    render plot draw chart visualise visualize dump download"""
)
PEERING_VOCABULARY = _words(
    "peer peered peering peerable vpc vpcs between possible could we set up check if whether "
    "would work connect link together overlap overlapping allowed"
)
POOL_AFTER = patterns.compile(
    r"\bpool\s+(?:named\s+|called\s+)?[\"'`\x{201c}\x{2018}]?([a-z0-9][\w.-]*)"
)
POOL_BEFORE = patterns.compile(r"\b([a-z0-9][\w.-]*)\s+pool\b")
VPC_NAME = patterns.compile(r"\b(vpc-[0-9a-f]{4,17}|subnet-[0-9a-f]{4,17}|[a-z0-9][\w.-]*-vpc)\b")
WORD = patterns.compile(r"[\w-]+")
HOSTS = patterns.compile(
    r"\b(\d[\d,]*)\s*(?:hosts?|ips|ip addresses|addresses|machines|nodes|pods)\b"
)


def clean_name(name: str) -> str | None:
    """``name`` as a pool name, or None for a word that is not one (a CIDR, "the", "ireland").

    Region codes stay: pools are often named after their region (``us-east-1``).

    Args:
        name: a word next to "pool".
    """
    name = name.strip(".,;:!?'\"`\u201c\u201d\u2018\u2019")
    if not name or name in NOT_NAMES or name in REGION_ALIASES:
        return None
    if patterns.fullmatch(r"[\d.:]+", name) or "/" in name:
        return None
    return name


def pool_name(u: Utterance) -> str | None:
    """The pool the user names: quoted, ``pool X`` or ``the X pool``.

    Args:
        u: the message.
    """
    if u.quoted:
        return u.quoted[0]
    for pattern in (POOL_BEFORE, POOL_AFTER):
        for match in pattern.finditer(u.lower, ENTITY_LIMIT):
            name = clean_name(match.group(1))
            if name:
                return name
    return None


def env_words(text: str) -> list[str]:
    """Environment words said on their own, not inside a name (``us-east-1-dev`` says no "dev").

    Args:
        text: lower-cased text.
    """
    words = WORD.findall(text, ENTITY_LIMIT)
    return [w for w in words if w in ENVIRONMENTS]


def environment(u: Utterance) -> str | None:
    """An environment word not used as a pool name.

    Args:
        u: the message.
    """
    name = pool_name(u)
    for word in env_words(u.lower):
        if word != name:
            return ENVIRONMENTS[word]
    return None


def _common(u: Utterance) -> dict[str, Any]:
    args: dict[str, Any] = {}
    if u.regions:
        args["region"] = u.regions[0]
    env = environment(u)
    if env:
        args["environment"] = env
    return args


def _pools_args(u: Utterance) -> dict[str, Any]:
    args = _common(u)
    if u.has(r"\bipv6\b|\bv6\b"):
        args["ip_version"] = 6
    elif u.has(r"\bipv4\b|\bv4\b"):
        args["ip_version"] = 4
    return args


def named_pool(u: Utterance) -> str:
    """The pool a pool read is about: named as a pool, or else a region's code, the only
    thing such a read can mean by it ("ipam show us-east-1": the us-east-1 pool); "" if none.

    Args:
        u: the message.
    """
    name = pool_name(u)
    if name:
        return name
    codes = [w for w in WORD.findall(u.lower, ENTITY_LIMIT) if REGION_SHAPE.fullmatch(w)]
    return codes[0] if codes else ""


def _pool_args(u: Utterance) -> dict[str, Any]:
    return {"pool": named_pool(u)}


def _conflict_args(u: Utterance) -> dict[str, Any]:
    name = pool_name(u)
    return {"pool": name} if name else {}


def _regions_args(u: Utterance) -> dict[str, Any]:
    return {"regions": u.regions} if u.regions else {}


def _vpc_names(u: Utterance) -> list[str]:
    found = VPC_NAME.findall(u.lower, ENTITY_LIMIT)
    return list(dict.fromkeys(found))


def _peering_args(u: Utterance) -> dict[str, Any]:
    names = _vpc_names(u) or [n.lower() for n in u.names(PEERING_VOCABULARY)]
    names += ["", ""]
    return {"first": names[0], "second": names[1]}


def _adopt_args(u: Utterance) -> dict[str, Any]:
    args: dict[str, Any] = {}
    names = [n for n in _vpc_names(u) if n not in {"unmanaged-vpc"}]
    if names:
        args["resources"] = names
    if u.regions:
        args["regions"] = u.regions
    return args


def hosts(u: Utterance) -> int | None:
    """A number of hosts asked for ("room for 500 hosts"), if any.

    Args:
        u: the message.
    """
    match = HOSTS.search(u.lower)
    return whole_number(match.group(1)) if match else None


PURPOSE = patterns.compile(
    r"(room )?\bfor (?:the |our |a |an )?"
    r"([\w-]+(?: (?:vpc|cluster|team|service|app|workload|subnet|network))?)"
)
FUTURE = patterns.compile(r"future\b")
BLOCK_USES = frozenset({"vpc", "vpcs", "subnet", "subnets", "network", "block", "range"})
"""'for a vpc': the kind of block (its usage), not what it is for."""


def _purpose(u: Utterance) -> str | None:
    """What a block is for ("for the payments vpc"), not "room for" nor "for the future"."""
    for match in PURPOSE.finditer(u.lower, ENTITY_LIMIT):
        purpose = str(match.group(2))
        if match.group(1) or purpose[:1].isdigit() or FUTURE.match(purpose):
            continue
        plain = purpose in ENVIRONMENTS or purpose in NOT_NAMES or purpose in BLOCK_USES
        return None if plain else purpose
    return None


FROM_POOL = patterns.compile(r"\b(?:from|out of) (?:the )?([a-z0-9][\w.-]*)")
"""'from shared', 'out of eu-west-1-prod': what a block is taken from is a pool."""
RESERVE = patterns.compile(
    r"\b(reserve|reserved|reservation|reserving|set aside|hold|hold back|earmark)\b"
)
FIRST_FIT = patterns.compile(r"\bfirst[- ]fit\b|\blowest\b|\bfirst (?:free|available|open)\b")
PREFIX_AT = patterns.compile(
    r"(?:^|[^\d.])/(\d{1,3})\s+(?:at|starting at|from|@)\s+(\d{1,3}(?:\.\d{1,3}){3})\b"
    r"|\b(\d{1,3}(?:\.\d{1,3}){3})\s+(?:with (?:a )?|as (?:a )?)/(\d{1,3})\b"
)
"""A block written as its size and start: 'the /22 at 10.4.12.0', '10.4.12.0 as a /22'."""


def block(u: Utterance) -> str | None:
    """The block the message names: a CIDR, or a size and a start address ("/22 at 10.4.12.0").

    Args:
        u: the message.
    """
    if u.cidrs:
        return u.cidrs[0]
    match = PREFIX_AT.search(u.lower)
    if not match:
        return None
    if match.group(1):
        return f"{match.group(2)}/{match.group(1)}"
    return f"{match.group(3)}/{match.group(4)}"


def _source_pool(u: Utterance) -> str | None:
    """The pool named by the word after "from"/"out of": "from shared", but not a region
    ("from us-east-1" picks a pool by region) nor an environment a region goes with ("from
    prod in us-east-1")."""
    for match in FROM_POOL.finditer(u.lower, ENTITY_LIMIT):
        name = clean_name(match.group(1))
        if not name or REGION_SHAPE.fullmatch(name) or (name in ENVIRONMENTS and u.regions):
            continue
        return name
    return None


def _allocate_args(u: Utterance) -> dict[str, Any]:
    args: dict[str, Any] = {}
    name = pool_name(u) or _source_pool(u)
    if name:
        args["pool"] = name
    else:
        args.update(_common(u))
    cidr = block(u)
    if cidr:
        args["cidr"] = cidr
    elif u.prefix_lengths:
        args["prefix_length"] = u.prefix_lengths[0]
    elif hosts(u) is not None:
        args["hosts"] = hosts(u)
    purpose = _purpose(u)
    if purpose:
        args["purpose"] = purpose
    if u.has(r"\bsubnets?\b") and not u.has(r"\bvpcs?\b"):
        args["usage"] = "subnet"
    elif u.has(r"\bvpcs?\b"):
        args["usage"] = "vpc"
    if FIRST_FIT.search(u.lower):
        args["strategy"] = "first"
    if RESERVE.search(u.lower):
        args["kind"] = "reservation"
    return args


def _release_args(u: Utterance) -> dict[str, Any]:
    cidr = block(u)
    args: dict[str, Any] = {"cidr": cidr} if cidr else {}
    name = pool_name(u)
    if name:
        args["pool"] = name
    return args


def _picture_args(u: Utterance) -> dict[str, Any]:
    return {"pool": named_pool(u)}


SLOTS: list[Slots] = [
    Slots("ipam.pools", _pools_args),
    Slots("ipam.show_pool", _pool_args),
    Slots("ipam.analyze", _pool_args),
    Slots("ipam.find_conflicts", _conflict_args),
    Slots("ipam.reconcile", _regions_args),
    Slots("ipam.check_peering", _peering_args),
    Slots("ipam.allocate", _allocate_args),
    Slots("ipam.release", _release_args),
    Slots("ipam.adopt", _adopt_args),
    Slots("ipam.picture", _picture_args),
]

POOL = Target("pool", ("pool",))
TARGETS: dict[str, Target] = {
    "ipam.analyze": POOL,
    "ipam.show_pool": POOL,
    "ipam.picture": POOL,
    "ipam.release": Target("pool", ("pool",), required=False),
    "ipam.allocate": Target("pool", ("pool",), required=False),
    "ipam.find_conflicts": Target("pool", ("pool",), required=False),
    "ipam.adopt": Target("resources", ("vpc", "subnet"), many=True, required=False),
}
