"""What a savings recommendation says: the dollars, the evidence and the fix behind approval."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from pydantic import BaseModel, Field


class FixCall(BaseModel):
    """A mutating tool call that applies the recommendation (it still goes through approval)."""

    tool: str = Field(description="Registered mutating tool, e.g. 'ebs.modify_volume_type'.")
    args: dict[str, Any] = Field(description="Arguments for the tool's preview.")


class Recommendation(BaseModel):
    """One way to save money, with the evidence for it."""

    check: str = Field(description="Which check found it, e.g. 'idle-ec2' or 'gp2-to-gp3'.")
    title: str = Field(description="What to do, in one line.")
    resource_id: str = Field(description="Provider id of the resource.")
    resource: str = Field(description="``name (id)`` of the resource.")
    region: str = Field(description="AWS region of the resource.")
    account: str | None = Field(default=None, description="AWS account id, when known.")
    monthly_savings: Decimal = Field(description="Estimated saving in USD a month (list prices).")
    evidence: list[str] = Field(description="Facts the recommendation rests on.")
    judgement: str | None = Field(
        default=None, description="What is a judgement rather than arithmetic, if anything."
    )
    fix: FixCall | None = Field(
        default=None, description="One-click fix behind approval; None when it needs a person."
    )
