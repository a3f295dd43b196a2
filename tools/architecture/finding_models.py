"""A validation finding: the shape validation returns and the tools' results carry.

Kept apart from ``validate.py`` (which builds templates and plans networks) so that the tools'
argument and result models load with pydantic alone.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

Severity = Literal["critical", "high", "warning"]


class Finding(BaseModel):
    """One problem, why it matters and how it is fixed."""

    rule: str = Field(description="Rule id, e.g. 'no-public-database'.")
    severity: Severity = Field(description="critical findings block deploy.")
    component: str = Field(description="Component (or 'network') it is about.")
    reason: str = Field(description="What is wrong and why it matters.")
    fix: str = Field(description="What the corrected spec does instead.")
