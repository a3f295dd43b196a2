"""SQL tables of the IPAM domain (matching migration ``ipam_0001``).

Rows are never deleted: pools get ``deleted_at``, allocations get ``released_at``. Every change is
also written to ``ipam_changes`` (who, what, when, how many addresses), the domain's change log
used for audit views and runway projection.
"""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import Text
from sqlmodel import Field, SQLModel

from core.db import utc_column


class IpamPool(SQLModel, table=True):
    """A pool of address space, possibly inside a parent pool."""

    __tablename__ = "ipam_pools"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(index=True, max_length=200, description="Unique name among live pools.")
    parent_id: int | None = Field(
        default=None, foreign_key="ipam_pools.id", index=True, description="Parent pool id."
    )
    ip_version: int = Field(description="4 or 6.")
    cidrs: str = Field(sa_type=Text, description="Comma-separated CIDR blocks of the pool.")
    owner: str | None = Field(default=None, max_length=200, description="Owning team or person.")
    environment: str | None = Field(default=None, max_length=100, description="prod, dev...")
    region: str | None = Field(default=None, max_length=50, description="AWS region, if any.")
    tags_json: str = Field(default="{}", sa_type=Text, description="Tags as a JSON object.")
    description: str | None = Field(default=None, sa_type=Text, description="Free text.")
    created_at: datetime = Field(sa_column=utc_column(nullable=False))
    created_by: str = Field(default="system", max_length=200, description="Who created it.")
    updated_at: datetime = Field(sa_column=utc_column(nullable=False))
    deleted_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))

    @property
    def cidr_list(self) -> list[str]:
        """The pool's CIDR blocks."""
        return [c for c in self.cidrs.split(",") if c]

    @property
    def tags(self) -> dict[str, str]:
        """Tags as a dict."""
        loaded: dict[str, str] = json.loads(self.tags_json or "{}")
        return loaded


class IpamAllocation(SQLModel, table=True):
    """A block handed out (allocation) or held back (reservation) inside a pool."""

    __tablename__ = "ipam_allocations"

    id: int | None = Field(default=None, primary_key=True)
    pool_id: int = Field(foreign_key="ipam_pools.id", index=True, description="Pool it is in.")
    cidr: str = Field(max_length=64, index=True, description="The block.")
    kind: str = Field(default="allocation", max_length=20, description="allocation/reservation.")
    purpose: str | None = Field(default=None, sa_type=Text, description="What it is for.")
    owner: str | None = Field(default=None, max_length=200, description="Owning team or person.")
    resource_arn: str | None = Field(
        default=None, max_length=400, index=True, description="Linked AWS resource ARN."
    )
    created_at: datetime = Field(sa_column=utc_column(nullable=False))
    created_by: str = Field(default="system", max_length=200, description="Who allocated it.")
    released_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    released_by: str | None = Field(default=None, max_length=200, description="Who released it.")


class IpamChange(SQLModel, table=True):
    """One entry of the IPAM change log."""

    __tablename__ = "ipam_changes"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(sa_column=utc_column(nullable=False))
    actor: str = Field(max_length=200, description="Who made the change.")
    action: str = Field(max_length=40, description="create_pool, allocate, release, adopt...")
    pool_id: int | None = Field(default=None, index=True, description="Pool concerned.")
    cidr: str | None = Field(default=None, max_length=64, description="Block concerned.")
    address_delta: str = Field(
        default="0", max_length=50, description="Addresses allocated (+) or released (-)."
    )
    detail_json: str = Field(default="{}", sa_type=Text, description="Extra facts as JSON.")
