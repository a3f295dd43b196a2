"""SQL tables of the architecture domain (migration ``architecture_0001``): architectures and
every version of their spec, with who asked and when."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from core.db import utc_column


class ArchitectureRow(SQLModel, table=True):
    """One architecture: its name, its latest version and what is deployed."""

    __tablename__ = "architectures"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=40, unique=True, description="Unique architecture name.")
    conversation_id: str | None = Field(
        default=None, max_length=300, index=True, description="Conversation that proposed it."
    )
    created_by: str = Field(max_length=200, description="Who asked for it.")
    created_at: datetime = Field(sa_column=utc_column(nullable=False))
    latest_version: int = Field(description="Newest version number.")
    deployed_version: int | None = Field(default=None, description="Version in AWS, if any.")
    stack_id: str | None = Field(default=None, max_length=400, description="CloudFormation stack.")
    deployed_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))
    deployed_by: str | None = Field(default=None, max_length=200, description="Who approved it.")
    destroyed_at: datetime | None = Field(default=None, sa_column=utc_column(nullable=True))


class ArchitectureVersion(SQLModel, table=True):
    """One version of a spec, as proposed or refined."""

    __tablename__ = "architecture_versions"
    __table_args__ = (
        UniqueConstraint("architecture_id", "version", name="uq_architecture_version"),
    )

    id: int | None = Field(default=None, primary_key=True)
    architecture_id: int = Field(foreign_key="architectures.id", description="Its architecture.")
    version: int = Field(description="1, 2, ... in order.")
    schema_version: int = Field(description="Spec shape version.")
    spec_json: str = Field(sa_type=Text, description="The spec as JSON.")
    note: str = Field(sa_type=Text, description="The request or refinement that made it.")
    created_by: str = Field(max_length=200, description="Who asked.")
    created_at: datetime = Field(sa_column=utc_column(nullable=False))
    monthly_usd: str = Field(max_length=40, description="Estimated monthly total (exact).")
