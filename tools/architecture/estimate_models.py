"""The shape of a spec's monthly estimate: line items, what has no price, and the totals.

Kept apart from ``estimate.py`` (which reads the cost catalog) so that the tools' result models
and the card renderer load with pydantic alone.
"""

from __future__ import annotations

from decimal import Decimal

from pydantic import BaseModel, Field


class CostLine(BaseModel):
    """One priced quantity of one component."""

    component: str = Field(description="Component (or 'network') it belongs to.")
    description: str = Field(description="What is charged.")
    quantity: Decimal = Field(description="Units a month.")
    unit: str = Field(description="Billing unit.")
    unit_price: Decimal = Field(description="List price per unit, USD.")
    monthly_usd: Decimal = Field(description="quantity x unit price.")
    as_of: str = Field(description="Date of the price feed.")
    usage_based: bool = Field(description="True when it depends on use (requests, data).")


class NotPriced(BaseModel):
    """A part the catalog cannot price, with why (never counted as zero)."""

    component: str = Field(description="The component.")
    what: str = Field(description="The part not priced, e.g. 'db.r6g.large aurora_instance'.")
    reason: str = Field(description="Why it has no price.")


class BillableResource(BaseModel):
    """One resource the estimate charges for (what discovery should find after deploy)."""

    component: str = Field(description="Component it belongs to.")
    kind: str = Field(description="Cost kind, e.g. ec2_instance.")
    detail: str = Field(description="Type or size, e.g. m5.large.")


class Estimate(BaseModel):
    """A spec's monthly estimate."""

    region: str = Field(description="Region priced.")
    lines: list[CostLine] = Field(description="Every charge.")
    not_priced: list[NotPriced] = Field(default_factory=list, description="What has no price.")
    free: list[str] = Field(default_factory=list, description="Parts with no charge at all.")
    assumptions: list[str] = Field(default_factory=list, description="What was assumed.")
    resources: list[BillableResource] = Field(default_factory=list, description="Billed resources.")

    @property
    def fixed_monthly(self) -> Decimal:
        """Charges while the resources exist (hours, provisioned storage)."""
        return sum((line.monthly_usd for line in self.lines if not line.usage_based), Decimal(0))

    @property
    def usage_monthly(self) -> Decimal:
        """Charges that follow use (requests, data out, capacity units)."""
        return sum((line.monthly_usd for line in self.lines if line.usage_based), Decimal(0))

    @property
    def total_monthly(self) -> Decimal:
        """Everything priced."""
        return self.fixed_monthly + self.usage_monthly

    def by_component(self) -> dict[str, Decimal]:
        """Monthly total per component."""
        totals: dict[str, Decimal] = {}
        for line in self.lines:
            totals[line.component] = totals.get(line.component, Decimal(0)) + line.monthly_usd
        return totals
