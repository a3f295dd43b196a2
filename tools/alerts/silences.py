"""Silences: matchers (resource, title words, labels, fingerprint) over a period of time.

An alert a silence matches while it holds is stored and grouped like any other (never lost);
it is marked with the silence and opens or updates no thread post. Once the silence ends
(on the clock) or is lifted, new alerts post again. Alert text is only compared, never run.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Text
from sqlmodel import Field as SqlField
from sqlmodel import Session, SQLModel, col, or_, select

from core.clock import as_utc
from core.db import Database, utc_column
from tools.alerts.models import Alert, AlertRow
from tools.discovery.tables import ResourceRow

MAX_RESOLVED = 50
"""The most inventory ids one resource name of a silence stands for."""


class SilenceRow(SQLModel, table=True):
    """One silence: which alerts, from when until when, who made it and why."""

    __tablename__ = "alert_silences"

    id: int | None = SqlField(default=None, primary_key=True)
    resource: str = SqlField(default="", max_length=300, description="Resource name, id or ARN.")
    resource_ids_json: str = SqlField(
        default="[]", sa_type=Text, description="Inventory ids and ARNs the resource names."
    )
    words_json: str = SqlField(
        default="[]", sa_type=Text, description="Words every matched alert title contains."
    )
    labels_json: str = SqlField(
        default="{}", sa_type=Text, description="Labels every matched alert carries, equal."
    )
    fingerprint: str | None = SqlField(default=None, max_length=200, description="Exact one.")
    starts_at: datetime = SqlField(sa_column=utc_column(nullable=False))
    ends_at: datetime = SqlField(sa_column=utc_column(nullable=False))
    created_by: str = SqlField(max_length=80, description="Who made it.")
    reason: str = SqlField(default="", max_length=300, description="Why, in their words.")
    lifted_by: str | None = SqlField(default=None, max_length=80, description="Who ended it.")
    lifted_at: datetime | None = SqlField(default=None, sa_column=utc_column(nullable=True))

    @property
    def words(self) -> list[str]:
        """Title words it needs (lower case)."""
        return list(json.loads(self.words_json))

    @property
    def labels(self) -> dict[str, str]:
        """Labels it needs."""
        return dict(json.loads(self.labels_json))

    def detail(self) -> dict[str, object]:
        """What the audit log records of it."""
        return {
            "silence": self.id,
            "resource": self.resource,
            "words": self.words,
            "labels": self.labels,
            "fingerprint": self.fingerprint,
            "starts_at": as_utc(self.starts_at).isoformat(),
            "ends_at": as_utc(self.ends_at).isoformat(),
            "reason": self.reason,
            "lifted_by": self.lifted_by,
        }

    def holds(self, now: datetime) -> bool:
        """Whether it silences at ``now``.

        Args:
            now: the clock's now.
        """
        started = as_utc(self.starts_at) <= now < as_utc(self.ends_at)
        return started and self.lifted_at is None

    def matches(self, alert: Alert | AlertRow) -> bool:
        """Whether ``alert`` (new or stored) is one the silence is for (every matcher holds).

        Args:
            alert: the alert.
        """
        labels = alert.labels if isinstance(alert, Alert) else json.loads(alert.labels_json)
        if self.fingerprint and alert.fingerprint != self.fingerprint:
            return False
        if any(labels.get(key) != value for key, value in self.labels.items()):
            return False
        title = alert.title.lower()
        if any(word not in title for word in self.words):
            return False
        return not self.resource or self._names_resource(alert.resource, labels)

    def _names_resource(self, resource: str, labels: dict[str, str]) -> bool:
        names = {self.resource.lower(), *(n.lower() for n in json.loads(self.resource_ids_json))}
        seen = [resource, *labels.values()]
        for value in (v.lower() for v in seen if v):
            if value in names or any(value.endswith(("/" + n, ":" + n)) for n in names):
                return True
        return False


def active(session: Session, now: datetime) -> list[SilenceRow]:
    """Silences that hold at ``now``, oldest first.

    Args:
        session: an open session.
        now: the clock's now.
    """
    query = select(SilenceRow).where(
        col(SilenceRow.starts_at) <= now,
        col(SilenceRow.ends_at) > now,
        col(SilenceRow.lifted_at).is_(None),
    )
    return list(session.exec(query.order_by(col(SilenceRow.id))))


def first_match(silences: Sequence[SilenceRow], alert: Alert) -> SilenceRow | None:
    """The first of ``silences`` that matches ``alert``.

    Args:
        silences: silences that hold now.
        alert: the alert.
    """
    return next((silence for silence in silences if silence.matches(alert)), None)


def resolve_resource(db: Database, name: str) -> list[str]:
    """The inventory ids and ARNs a resource name (Name tag, id or ARN) stands for.

    Args:
        db: the SQL store holding the inventory.
        name: what the person called it.
    """
    if not name:
        return []
    query = select(ResourceRow).where(
        or_(
            col(ResourceRow.name) == name,
            col(ResourceRow.resource_id) == name,
            col(ResourceRow.arn) == name,
        )
    )
    with db.session() as session:
        rows = list(session.exec(query.limit(MAX_RESOLVED)))
    return sorted({value for row in rows for value in (row.arn, row.resource_id) if value})
