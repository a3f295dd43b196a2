"""ActionPlan: what an approver sees and exactly what the executor runs."""

from __future__ import annotations

import hashlib
import json
from typing import Any, Literal

from pydantic import BaseModel, Field

Risk = Literal["low", "medium", "high", "critical"]
RISK_ORDER: dict[str, int] = {"low": 0, "medium": 1, "high": 2, "critical": 3}


class ResourceChange(BaseModel):
    """One resource the plan touches, with the state it must be in and the state it will reach."""

    resource_id: str = Field(description="Provider id of the resource, e.g. an instance id.")
    name: str | None = Field(default=None, description="Human name (Name tag) if any.")
    resource_type: str = Field(description="Kind of resource, e.g. 'ec2:instance'.")
    region: str = Field(description="AWS region of the resource.")
    account: str | None = Field(default=None, description="AWS account id, when known.")
    before: str = Field(description="State the resource is expected to be in when executed.")
    after: str = Field(description="State the resource will be in afterwards.")
    dependents: list[str] = Field(
        default_factory=list, description="Resources that depend on this one (for the approver)."
    )

    @property
    def label(self) -> str:
        """``name (id)`` or just the id."""
        return f"{self.name} ({self.resource_id})" if self.name else self.resource_id


class ActionPlan(BaseModel):
    """A mutating action, fully resolved, as shown on the approval card and stored for execution."""

    tool: str = Field(description="Registered name of the mutating tool that runs this plan.")
    args: dict[str, Any] = Field(description="Resolved arguments the executor passes to the tool.")
    summary: str = Field(description="One sentence saying what will happen.")
    risk: Risk = Field(description="Risk level used by the approval policy.")
    changes: list[ResourceChange] = Field(
        default_factory=list, description="Every resource that changes and how."
    )
    cost_delta_monthly: float | None = Field(
        default=None, description="Estimated change in monthly cost in USD (negative = saving)."
    )
    reversible: bool = Field(default=True, description="Whether the change can be undone.")
    reversal: str | None = Field(default=None, description="How to undo it, in one sentence.")
    notes: list[str] = Field(default_factory=list, description="Extra facts for the approver.")

    def canonical_json(self) -> str:
        """Stable JSON of the plan: same plan, same bytes."""
        return json.dumps(self.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))

    def digest(self) -> str:
        """SHA-256 of the canonical JSON; recorded with the approval and the audit entries."""
        return hashlib.sha256(self.canonical_json().encode()).hexdigest()
