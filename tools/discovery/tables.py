"""SQL tables of the inventory (must match ``core/migrations/versions/discovery_0001``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel


class ScanRow(SQLModel, table=True):
    """One scan run."""

    __tablename__ = "discovery_scans"

    id: int | None = Field(default=None, primary_key=True)
    started_at: datetime = Field(sa_column=sa.Column(sa.DateTime(timezone=True), nullable=False))
    finished_at: datetime | None = Field(
        default=None, sa_column=sa.Column(sa.DateTime(timezone=True))
    )
    accounts: list[str] = Field(default_factory=list, sa_column=sa.Column(sa.JSON))
    regions: list[str] = Field(default_factory=list, sa_column=sa.Column(sa.JSON))
    outcomes: list[dict[str, Any]] = Field(default_factory=list, sa_column=sa.Column(sa.JSON))
    resource_count: int = 0
    created: int = 0
    changed: int = 0
    deleted: int = 0
    api_calls: int = 0
    complete: bool = True


class ResourceRow(SQLModel, table=True):
    """The latest known state of one resource, keyed by ARN."""

    __tablename__ = "discovery_resources"

    arn: str = Field(primary_key=True)
    account: str
    region: str
    type: str
    service: str
    resource_id: str
    name: str | None = None
    state: str | None = None
    tags: dict[str, str] = Field(default_factory=dict, sa_column=sa.Column(sa.JSON))
    config: dict[str, Any] = Field(default_factory=dict, sa_column=sa.Column(sa.JSON))
    relations: list[dict[str, Any]] = Field(default_factory=list, sa_column=sa.Column(sa.JSON))
    fingerprint: str
    first_seen: datetime = Field(sa_column=sa.Column(sa.DateTime(timezone=True), nullable=False))
    last_seen: datetime = Field(sa_column=sa.Column(sa.DateTime(timezone=True), nullable=False))
    deleted_at: datetime | None = Field(
        default=None, sa_column=sa.Column(sa.DateTime(timezone=True))
    )
    last_scan_id: int | None = None


class ChangeRow(SQLModel, table=True):
    """A resource created, changed or deleted between two scans."""

    __tablename__ = "discovery_changes"

    id: int | None = Field(default=None, primary_key=True)
    scan_id: int = Field(foreign_key="discovery_scans.id")
    at: datetime = Field(sa_column=sa.Column(sa.DateTime(timezone=True), nullable=False))
    arn: str
    kind: str
    resource_type: str
    name: str | None = None
    account: str
    region: str
    changed_fields: list[str] = Field(default_factory=list, sa_column=sa.Column(sa.JSON))
