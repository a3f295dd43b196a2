"""Arguments and results of the agent-facing cost tools."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, Field, field_validator

from core.calendar import PeriodError, check_period
from tools.cost.forecast import Forecast
from tools.cost.models import CostResource, GroupTotal, ResourceEstimate
from tools.cost.savings_models import Recommendation
from tools.cost.spike import SpikeReport

PriceService = Literal[
    "ec2", "ebs", "ebs_iops", "ebs_throughput", "snapshot", "s3", "s3_requests", "rds",
    "rds_storage", "lambda_requests", "lambda_duration", "nat_hour", "nat_gb", "public_ipv4",
    "elb", "dynamodb", "elasticache", "data_transfer",
]  # fmt: skip


class PriceArgs(BaseModel):
    """One list price to look up."""

    service: PriceService = Field(description="What to price (ec2, ebs, rds, nat_hour...).")
    item: str | None = Field(
        default=None,
        description="Instance type, DB class, node type, volume type, S3 class, LB kind, "
        "DynamoDB item (read/write/storage) or S3 request kind (put/get).",
    )
    region: str = Field(default="us-east-1", description="AWS region code.")
    engine: str | None = Field(default=None, description="RDS or ElastiCache engine.")
    multi_az: bool = Field(default=False, description="RDS Multi-AZ deployment.")
    arch: str = Field(default="x86", description="Lambda architecture: x86 or arm.")


class PriceResult(BaseModel):
    """A list price with its date."""

    service: str = Field(description="Service priced.")
    item: str = Field(description="What was priced.")
    region: str = Field(description="AWS region.")
    usd: Decimal = Field(description="Price in USD per unit, exact.")
    unit: str = Field(description="Billing unit.")
    as_of: str = Field(description="Publication date of the price.")
    monthly_usd: Decimal | None = Field(
        default=None, description="usd x 730 for hourly prices (always-on month)."
    )
    tiers: list[str] = Field(default_factory=list, description="Tier lines, for tiered prices.")
    source: str = Field(
        default="packaged AWS list-price snapshot",
        description="Where the figure came from (packaged snapshot or the live Price List API).",
    )


class EstimateArgs(BaseModel):
    """Estimate the run-rate of the live estate or of a proposed set of resources."""

    resources: list[CostResource] = Field(
        default_factory=list,
        description="Proposed resources to price; empty = price what runs now.",
    )
    region: str | None = Field(default=None, description="Only this region (live estate).")
    group_by: str = Field(
        default="region", description="Totals by region, account, kind or tag:<key>."
    )
    tags: dict[str, str] = Field(
        default_factory=dict, description="Only resources with these tags."
    )


class EstimateResult(BaseModel):
    """Run-rate per resource and per group."""

    estimates: list[ResourceEstimate] = Field(description="Per resource, most expensive first.")
    groups: list[GroupTotal] = Field(description="Totals per group.")
    group_by: str = Field(description="How the groups were formed.")
    total: Decimal = Field(description="Monthly run-rate of everything priced.")
    proposed: bool = Field(description="True when pricing a proposal rather than the estate.")


class TopResourcesArgs(BaseModel):
    """Which resources to rank by run-rate."""

    limit: int = Field(default=5, ge=1, le=50, description="How many to show.")
    region: str | None = Field(default=None, description="Only this region.")


def _valid_period(value: str | None) -> str | None:
    if value is None:
        return None
    try:
        return check_period(value)
    except PeriodError as error:
        raise ValueError(str(error)) from error


class ActualsArgs(BaseModel):
    """Actual spend to fetch from Cost Explorer."""

    days: int = Field(default=30, ge=1, le=365, description="How many days back from today.")
    period: str | None = Field(
        default=None,
        description="A calendar period instead of days: this_month, last_month, last_week, "
        "since:monday, month:10 (the most recent October)... (see core.calendar).",
    )
    granularity: Literal["DAILY", "MONTHLY"] = Field(default="DAILY", description="Periods.")
    group_by: str = Field(
        default="service",
        description="service, account, region, usage_type, tag:<key> or none.",
    )

    _check_period = field_validator("period")(_valid_period)


class PeriodTotal(BaseModel):
    """Spend over one named stretch of days, shown beside an answer for comparison."""

    label: str = Field(description="The days in words (e.g. 'November 2026').")
    start: date = Field(description="First day.")
    end: date = Field(description="Day after the last day.")
    total: Decimal = Field(description="Spend in USD.")
    by_group: dict[str, Decimal] = Field(
        default_factory=dict, description="Spend per group, largest first."
    )


class ActualsResult(BaseModel):
    """Actual spend, per period and group."""

    start: date = Field(description="First day.")
    end: date = Field(description="Day after the last day.")
    granularity: str = Field(description="DAILY or MONTHLY.")
    group_by: str = Field(description="Grouping used.")
    total: Decimal = Field(description="Spend over the whole range.")
    by_group: dict[str, Decimal] = Field(description="Spend per group, largest first.")
    by_period: dict[date, Decimal] = Field(description="Total spend per period.")
    label: str = Field(default="", description="The days asked about, in words.")
    just_begun: bool = Field(
        default=False, description="The period asked about has no complete day yet."
    )
    previous: PeriodTotal | None = Field(
        default=None, description="The period before, when the one asked about has just begun."
    )


class SpikeArgs(BaseModel):
    """Which jump to explain."""

    start: date | None = Field(default=None, description="First day (default: detect it).")
    end: date | None = Field(default=None, description="Last day (default: start).")
    period: str | None = Field(
        default=None,
        description="The window as a calendar period (yesterday, last_week...) instead of "
        "start/end.",
    )

    _check_period = field_validator("period")(_valid_period)


class SpikeResult(BaseModel):
    """The investigation of a jump in spend."""

    report: SpikeReport = Field(description="Window, contributors and likely causes.")


class RecommendationsArgs(BaseModel):
    """Where to look for savings."""

    region: str | None = Field(default=None, description="Only this region.")


class RecommendationsResult(BaseModel):
    """Savings found, largest first."""

    recommendations: list[Recommendation] = Field(description="Largest monthly saving first.")
    total: Decimal = Field(description="Sum of the monthly savings.")


class ForecastArgs(BaseModel):
    """Forecast the current month (no arguments needed)."""


class ForecastResult(BaseModel):
    """This month's forecast."""

    forecast: Forecast = Field(description="Forecast, month-to-date and method.")


class ChartArgs(BaseModel):
    """Which chart to draw."""

    kind: Literal["trend", "breakdown"] = Field(
        default="trend", description="trend = daily spend over time; breakdown = by group."
    )
    days: int = Field(default=30, ge=2, le=365, description="How many days back from today.")
    group_by: str = Field(default="service", description="Grouping of the spend.")


class ChartResult(BaseModel):
    """A chart drawn to a PNG file, uploaded to the thread by the surface."""

    title: str = Field(description="Chart title.")
    files: list[str] = Field(description="Paths of the PNG files to upload.")
    total: Decimal = Field(description="Spend shown in the chart.")
