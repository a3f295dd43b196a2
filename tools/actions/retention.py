"""Snapshots CloudFabric takes on request or on a schedule: their tags, their deterministic
names, and which of them are past their retention.

Every mutating call of a backup carries an idempotency key (a workflow run's fire time, or the
instant the plan was made): DBOS steps and the approval sweep run at least once, so the same
key must always lead to the same snapshot. Retention only ever looks at snapshots tagged with
the schedule that made them, and counts their age with the project's clock.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from typing import Any

from pydantic import Field

from core import patterns
from core.clock import parse_instant
from tools.context import ToolContext

MAX_DAYS = 3650
"""Longest retention or transition accepted: ten years."""
KEY_TAG = "cloudfabric:key"
"""Tag holding the idempotency key of the call that made a snapshot."""
SCHEDULE_TAG = "cloudfabric:schedule"
"""Tag naming the schedule (a workflow) a snapshot belongs to; retention reads only these."""
ON_REQUEST = "on-request"
"""Schedule name of snapshots asked for in chat rather than by a workflow."""
SLUG = patterns.compile(r"[^a-z0-9]+")


def days_field(description: str, default: int | None = None) -> Any:
    """A pydantic field for a number of days: at least 1, at most ``MAX_DAYS``.

    Args:
        description: what the days count.
        default: the value when not given (None: optional).
    """
    return Field(default=default, ge=1, le=MAX_DAYS, description=description)


def schedule_field() -> Any:
    """The pydantic field naming the schedule a backup belongs to."""
    return Field(
        default=None,
        max_length=60,
        pattern=r"^[a-z][a-z0-9-]*$",
        description=(
            "Schedule these snapshots belong to (a workflow's name); retention deletes only "
            "snapshots tagged with it. Empty: snapshots asked for in chat."
        ),
    )


def key_field() -> Any:
    """The pydantic field carrying a backup's idempotency key."""
    return Field(
        default=None,
        max_length=120,
        description=(
            "Idempotency key (a workflow run's fire time); the same key always means the same "
            "snapshot. Empty: the instant the plan is made."
        ),
    )


def slug(text: str, limit: int = 40) -> str:
    """``text`` as lower-case letters, digits and single hyphens (an AWS-safe identifier part).

    Args:
        text: any text.
        limit: longest result.
    """
    return SLUG.sub("-", text.lower()).strip("-")[:limit].rstrip("-") or "x"


def key_or_now(ctx: ToolContext, key: str | None) -> str:
    """The idempotency key given, or the clock's instant now (stored in the plan, so a re-run
    of the approved plan uses the same one).

    Args:
        ctx: tool context.
        key: the key the caller passed, if any.
    """
    return key.strip() if key and key.strip() else ctx.clock.now().isoformat(timespec="seconds")


def stamp(key: str) -> str:
    """A short, stable, identifier-safe form of an idempotency key: ``20270104-020000`` for an
    instant, else the first 12 hex digits of its SHA-256.

    Args:
        key: the idempotency key.
    """
    try:
        return parse_instant(key).strftime("%Y%m%d-%H%M%S")
    except ValueError:
        return "k" + hashlib.sha256(key.encode()).hexdigest()[:12]


def snapshot_name(group: str, key: str) -> str:
    """The deterministic name of the snapshot ``key`` makes for ``group``
    (``cf-db-prod-snapshot-20270104-020000``): letters, digits and single hyphens.

    Args:
        group: the schedule, or the resource for snapshots asked for in chat.
        key: the idempotency key.
    """
    return f"cf-{slug(group)}-{stamp(key)}"


def expired(created: datetime, days: int, now: datetime) -> bool:
    """True when a snapshot made at ``created`` is older than ``days`` days at ``now``
    (exactly ``days`` old is still kept).

    Args:
        created: when the snapshot was made.
        days: the retention.
        now: the project clock's instant.
    """
    return now - created > timedelta(days=days)


def tag_value(tags: list[dict[str, str]] | None, key: str) -> str | None:
    """The value of tag ``key`` in an AWS tag list, if present.

    Args:
        tags: ``[{"Key": ..., "Value": ...}]``.
        key: the tag's key.
    """
    return next((t.get("Value") for t in tags or [] if t.get("Key") == key), None)


def backup_tags(schedule: str, key: str, **extra: str) -> list[dict[str, str]]:
    """The tags every snapshot CloudFabric makes carries.

    Args:
        schedule: the schedule (or ``on-request``).
        key: the idempotency key.
        **extra: more tags (``Name``...).
    """
    tags = {SCHEDULE_TAG: schedule, KEY_TAG: key, **extra}
    return [{"Key": k, "Value": v} for k, v in tags.items()]
