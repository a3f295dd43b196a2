"""The shape of the change between two versions of a spec, with its cost delta.

Kept apart from ``diff.py`` (which prices both specs) so that the tools' result models and the
card renderer load with pydantic alone.
"""

from __future__ import annotations

from decimal import Decimal

from pydantic import BaseModel, Field


class SpecDiff(BaseModel):
    """The difference between two versions."""

    added: list[str] = Field(default_factory=list, description="Components added.")
    removed: list[str] = Field(default_factory=list, description="Components removed.")
    changed: list[str] = Field(default_factory=list, description="What changed, one line each.")
    monthly_before: Decimal = Field(description="Estimated monthly total before.")
    monthly_after: Decimal = Field(description="Estimated monthly total after.")

    @property
    def monthly_delta(self) -> Decimal:
        """After minus before (negative = cheaper)."""
        return self.monthly_after - self.monthly_before

    @property
    def empty(self) -> bool:
        """True when nothing changed."""
        return not (self.added or self.removed or self.changed)
