"""Actual spend from Cost Explorer, grouped by service, account, region, tag or usage type."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, Literal

from botocore.exceptions import ClientError
from pydantic import BaseModel, Field

from tools.errors import InvalidInput, ToolError

CE_REGION = "us-east-1"
Granularity = Literal["DAILY", "MONTHLY"]
DIMENSIONS = {
    "service": "SERVICE",
    "account": "LINKED_ACCOUNT",
    "region": "REGION",
    "usage_type": "USAGE_TYPE",
}
METRIC = "UnblendedCost"


class CostPoint(BaseModel):
    """Spend of one group in one period."""

    start: date = Field(description="First day of the period.")
    group: str = Field(description="Group value (service name, account id...); 'Total' if none.")
    amount: Decimal = Field(description="Spend in USD.")


class CostSeries(BaseModel):
    """Spend over time, as Cost Explorer reported it."""

    group_by: str = Field(description="service, account, region, usage_type, tag:<key> or none.")
    granularity: Granularity = Field(description="DAILY or MONTHLY.")
    start: date = Field(description="First day asked for.")
    end: date = Field(description="Day after the last day asked for.")
    points: list[CostPoint] = Field(description="One point per period and group.")
    estimated: bool = Field(default=False, description="Whether AWS marked any period estimated.")

    def periods(self) -> list[date]:
        """Every period start, in order."""
        return sorted({p.start for p in self.points})

    def by_period(self) -> dict[date, Decimal]:
        """Total spend per period."""
        totals: dict[date, Decimal] = defaultdict(Decimal)
        for point in self.points:
            totals[point.start] += point.amount
        return dict(sorted(totals.items()))

    def by_group(self) -> dict[str, Decimal]:
        """Total spend per group, largest first."""
        totals: dict[str, Decimal] = defaultdict(Decimal)
        for point in self.points:
            totals[point.group] += point.amount
        return dict(sorted(totals.items(), key=lambda kv: kv[1], reverse=True))

    @property
    def total(self) -> Decimal:
        """Spend over the whole range."""
        return sum((p.amount for p in self.points), Decimal(0))


def group_spec(group_by: str | None) -> list[dict[str, str]]:
    """Cost Explorer ``GroupBy`` for a friendly grouping name.

    Args:
        group_by: service, account, region, usage_type, tag:<key>, or None.
    """
    if not group_by or group_by == "none":
        return []
    if group_by.startswith("tag:") and len(group_by) > 4:
        return [{"Type": "TAG", "Key": group_by[4:]}]
    if group_by not in DIMENSIONS:
        choices = ", ".join([*DIMENSIONS, "tag:<key>"])
        raise InvalidInput(f"Cannot group spend by '{group_by}'. Choose one of: {choices}.")
    return [{"Type": "DIMENSION", "Key": DIMENSIONS[group_by]}]


def _amount(metrics: dict[str, Any]) -> Decimal:
    chosen = metrics.get(METRIC) or next(iter(metrics.values()), {"Amount": "0"})
    return Decimal(str(chosen["Amount"]))


def _group_name(keys: list[str]) -> str:
    value = " / ".join(keys) or "Total"
    return value.split("$", 1)[1] or "(untagged)" if "$" in value else value


def _parse(result: dict[str, Any]) -> tuple[list[CostPoint], bool]:
    points: list[CostPoint] = []
    estimated = False
    start = date.fromisoformat(result["TimePeriod"]["Start"])
    estimated = estimated or bool(result.get("Estimated"))
    groups = result.get("Groups") or []
    if groups:
        points += [
            CostPoint(start=start, group=_group_name(g["Keys"]), amount=_amount(g["Metrics"]))
            for g in groups
        ]
    elif result.get("Total"):
        points.append(CostPoint(start=start, group="Total", amount=_amount(result["Total"])))
    return points, estimated


def get_costs(
    aws: Any,
    start: date,
    end: date,
    granularity: Granularity = "DAILY",
    group_by: str | None = "service",
) -> CostSeries:
    """Spend between ``start`` and ``end`` (exclusive), following every result page.

    Args:
        aws: ``AwsClients``.
        start: first day.
        end: day after the last day.
        granularity: DAILY or MONTHLY.
        group_by: service, account, region, usage_type, tag:<key>, or None for totals.
    """
    if end <= start:
        raise InvalidInput(f"The end date {end} must be after the start date {start}.")
    client = aws.client("ce", CE_REGION)
    request: dict[str, Any] = {
        "TimePeriod": {"Start": start.isoformat(), "End": end.isoformat()},
        "Granularity": granularity,
        "Metrics": [METRIC],
    }
    spec = group_spec(group_by)
    if spec:
        request["GroupBy"] = spec
    points: list[CostPoint] = []
    estimated = False
    token: str | None = None
    while True:  # Cost Explorer has no paginator for this call; follow NextPageToken
        page = _call(client, request, token)
        for result in page.get("ResultsByTime", []):
            found, flag = _parse(result)
            points += found
            estimated = estimated or flag
        token = page.get("NextPageToken")
        if not token:
            break
    return CostSeries(
        group_by=group_by or "none", granularity=granularity, start=start, end=end,
        points=points, estimated=estimated,
    )  # fmt: skip


def _call(client: Any, request: dict[str, Any], token: str | None) -> dict[str, Any]:
    try:
        page: dict[str, Any] = client.get_cost_and_usage(
            **request, **({"NextPageToken": token} if token else {})
        )
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code", "")
        raise ToolError(f"Cost Explorer refused the request ({code}): {error}") from error
    return page


HISTORY_DAYS = 31


def daily_by_service(aws: Any, today: date) -> CostSeries:
    """The last 31 days of spend per service per day: the one query most answers start from.

    Args:
        aws: ``AwsClients``.
        today: the current UTC day (from the clock); not included.
    """
    start, end = last_days(HISTORY_DAYS, today)
    return get_costs(aws, start, end, "DAILY", "service")


def last_days(days: int, today: date) -> tuple[date, date]:
    """``(start, end)`` covering the ``days`` full days before ``today``.

    Args:
        days: how many days.
        today: the current UTC day (from the clock).
    """
    return today - timedelta(days=days), today
