"""What the inventory knows of an alert's resource: its tags (owner, environment), if it is
there."""

from __future__ import annotations

from collections.abc import Iterable

from sqlmodel import col, or_, select

from core.db import Database
from tools.discovery.tables import ResourceRow

OWNER_TAGS = ("owner", "Owner", "OWNER", "team", "Team")
MAX_CANDIDATES = 10


def tags_of(db: Database, resources: Iterable[str]) -> dict[str, str]:
    """The tags of the first of ``resources`` (ARNs or resource ids) the inventory holds.

    Args:
        db: the SQL store holding the inventory.
        resources: ways the alert names its resource, best first (empty ones are skipped).
    """
    wanted = [r for r in resources if r and len(r) <= 500][:MAX_CANDIDATES]
    if not wanted:
        return {}
    query = select(ResourceRow).where(
        or_(col(ResourceRow.arn).in_(wanted), col(ResourceRow.resource_id).in_(wanted))
    )
    with db.session() as session:
        rows = list(session.exec(query.limit(MAX_CANDIDATES)))
    for name in wanted:
        for row in rows:
            if name in (row.arn, row.resource_id):
                return dict(row.tags or {})
    return {}


def owner_of(db: Database, resource: str) -> str | None:
    """The owner (or team) tag of ``resource`` (an ARN or a resource id), when known.

    Args:
        db: the SQL store holding the inventory.
        resource: the alert's resource.
    """
    tags = tags_of(db, [resource])
    return next((tags[key] for key in OWNER_TAGS if tags.get(key)), None)
