"""Arguments of the backup and lifecycle tools, read from the message: the database, instances
or bucket, how many days snapshots are kept or objects wait, the storage class, a region."""

from __future__ import annotations

from typing import Any

from agents.offline.linking import NAME_LIKE
from agents.offline.slots import Slots, Target
from agents.offline.utterance import ENTITY_LIMIT, Utterance, whole_number
from core import patterns

VOCABULARY = frozenset(
    {
        "snapshot",
        "snapshots",
        "snap",
        "take",
        "taking",
        "create",
        "make",
        "makes",
        "grab",
        "capture",
        "rds",
        "db",
        "database",
        "databases",
        "postgres",
        "manual",
        "fresh",
        "backup",
        "backups",
        "back",
        "backed",
        "keep",
        "keeping",
        "retain",
        "retaining",
        "retention",
        "days",
        "day",
        "week",
        "weeks",
        "delete",
        "older",
        "than",
        "before",
        "after",
        "migration",
        "upgrade",
        "deploy",
        "patching",
        "point-in-time",
        "crash-consistent",
        "set",
        "sets",
        "ebs",
        "volume",
        "volumes",
        "disk",
        "disks",
        "move",
        "moves",
        "objects",
        "object",
        "files",
        "file",
        "glacier",
        "deep",
        "archive",
        "instant",
        "retrieval",
        "lifecycle",
        "rule",
        "policy",
        "transition",
        "tier",
        "cold",
        "storage",
        "age",
        "out",
        "bucket",
        "s3",
        "standard-ia",
        "infrequent",
        "access",
        "intelligent",
        "tiering",
        "once",
        "old",
        "data",
        "send",
        "configure",
        "put",
        "add",
        "go",
        "ahead",
        "onto",
        "new",
        "two",
        "months",
        "month",
        "their",
        "should",
    }
)
"""Words of these requests that never name a resource."""
COUNT = r"(\d{1,5}|a|an|one|two|three|four)"
RETENTION = patterns.compile(
    rf"\b(?:keep(?:ing)?|retain(?:ing)?|retention(?: of)?|for|older than)\s+"
    rf"(?:them\s+|it\s+|snapshots\s+|backups\s+)?"
    rf"(?:for\s+)?{COUNT}\s*(days?|weeks?)\b"
)
AGE = patterns.compile(r"\b(\d{1,5})\s*(?:-\s*)?days?\b")
PREFIX = patterns.compile(r"(?:^|\s)([a-z0-9][\w.-]{0,100}/)(?:\s|$)")
WORD_NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4}
CLASSES: tuple[tuple[str, str], ...] = (
    ("DEEP_ARCHIVE", r"\bdeep[ -]archive\b"),
    ("GLACIER_IR", r"\binstant retrieval\b|\bglacier[ -]ir\b"),
    ("STANDARD_IA", r"\bstandard[ -]ia\b|\binfrequent access\b"),
    ("ONEZONE_IA", r"\bone[ -]?zone\b"),
    ("INTELLIGENT_TIERING", r"\bintelligent[ -]tiering\b"),
)


def _region(u: Utterance) -> dict[str, Any]:
    return {"region": u.regions[0]} if u.regions else {}


def _names(u: Utterance) -> list[str]:
    """Resource-shaped words of the message that are not words of these requests."""
    return [n for n in u.names(VOCABULARY) if NAME_LIKE.fullmatch(n) and not n.endswith("/")]


def retention_days(u: Utterance) -> int | None:
    """Days to keep snapshots: "keep 7 days", "retain 30 days", "keep a week" (7).

    Args:
        u: the message.
    """
    found = RETENTION.search(u.lower)
    if found is None:
        return None
    count = WORD_NUMBERS.get(found.group(1)) or whole_number(found.group(1))
    return count * 7 if found.group(2).startswith("week") else count


def _db_snapshot_args(u: Utterance) -> dict[str, Any]:
    names = _names(u)
    args: dict[str, Any] = {"target": names[0] if names else "", **_region(u)}
    days = retention_days(u)
    return {**args, "retention_days": days} if days else args


def _snapshots_args(u: Utterance) -> dict[str, Any]:
    targets = u.instance_ids + [n for n in _names(u) if n not in u.instance_ids]
    args: dict[str, Any] = {"targets": targets, **_region(u)}
    days = retention_days(u)
    return {**args, "retention_days": days} if days else args


def _lifecycle_args(u: Utterance) -> dict[str, Any]:
    names = _names(u)
    age = AGE.search(u.lower)
    storage = next((c for c, said in CLASSES if u.has(said)), "GLACIER")
    args: dict[str, Any] = {"bucket": names[0] if names else "", "storage_class": storage}
    if age:
        args["transition_days"] = whole_number(age.group(1))
    prefix = PREFIX.findall(u.lower, ENTITY_LIMIT)
    return {**args, "prefix": prefix[0]} if prefix else args


SLOTS: list[Slots] = [
    Slots("rds.create_db_snapshot", _db_snapshot_args),
    Slots("ec2.create_snapshots", _snapshots_args),
    Slots("s3.put_lifecycle", _lifecycle_args),
]

TARGETS: dict[str, Target] = {
    "rds.create_db_snapshot": Target("target", ("database",)),
    "ec2.create_snapshots": Target("targets", ("instance",), many=True),
    "s3.put_lifecycle": Target("bucket", ("bucket",)),
}
