"""Whose resource fired: the owner tag of the resource in discovery's inventory, if it is there."""

from __future__ import annotations

from sqlmodel import col, or_, select

from core.db import Database
from tools.discovery.tables import ResourceRow

OWNER_TAGS = ("owner", "Owner", "OWNER", "team", "Team")


def owner_of(db: Database, resource: str) -> str | None:
    """The owner (or team) tag of ``resource`` (an ARN or a resource id), when known.

    Args:
        db: the SQL store holding the inventory.
        resource: the alert's resource.
    """
    if not resource or len(resource) > 500:
        return None
    query = (
        select(ResourceRow)
        .where(or_(col(ResourceRow.arn) == resource, col(ResourceRow.resource_id) == resource))
        .limit(1)
    )
    with db.session() as session:
        row = session.exec(query).first()
    tags = row.tags if row is not None else {}
    return next((tags[key] for key in OWNER_TAGS if tags.get(key)), None)
