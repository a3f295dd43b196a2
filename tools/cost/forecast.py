"""Spend forecast: Cost Explorer's own where available, else a stated run-rate projection."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from botocore.exceptions import ClientError
from pydantic import BaseModel, Field

from core.calendar import add_months, describe_period, first_of_month
from tools.cost.actuals import CE_REGION, daily_by_service, get_costs

TREND_DAYS = 14


class Forecast(BaseModel):
    """Expected spend for the rest of a period."""

    start: date = Field(description="First day forecast.")
    end: date = Field(description="Day after the last day forecast.")
    amount: Decimal = Field(description="Forecast spend in USD for start..end.")
    low: Decimal | None = Field(default=None, description="Lower bound of the prediction interval.")
    high: Decimal | None = Field(
        default=None, description="Upper bound of the prediction interval."
    )
    month_to_date: Decimal = Field(description="Actual spend this month so far.")
    month_total: Decimal = Field(description="month_to_date + forecast (for the current month).")
    method: str = Field(description="How the figure was produced, in words.")
    days_elapsed: int = Field(
        default=0, description="Complete days of this month with spend recorded (0 on the 1st)."
    )
    last_month: str = Field(default="", description="The previous month in words.")
    last_month_total: Decimal | None = Field(
        default=None, description="What the previous month cost, for comparison."
    )


def month_end(today: date) -> date:
    """First day of next month.

    Args:
        today: any day of the month.
    """
    return add_months(today, 1)


def _from_cost_explorer(client: Any, start: date, end: date) -> Forecast | None:
    try:
        response = client.get_cost_forecast(
            TimePeriod={"Start": start.isoformat(), "End": end.isoformat()},
            Metric="UNBLENDED_COST",
            Granularity="MONTHLY",
            PredictionIntervalLevel=80,
        )
    except (ClientError, NotImplementedError):
        return None  # no forecast (new account, too little history, or not offered)
    total = response["Total"]
    amount = Decimal(str(total["Amount"]))
    intervals = response.get("ForecastResultsByTime") or [{}]
    low = intervals[0].get("PredictionIntervalLowerBound")
    high = intervals[0].get("PredictionIntervalUpperBound")
    return Forecast(
        start=start, end=end, amount=amount,
        low=Decimal(str(low)) if low else None, high=Decimal(str(high)) if high else None,
        month_to_date=Decimal(0), month_total=amount,
        method="Cost Explorer forecast (80% prediction interval).",
    )  # fmt: skip


def forecast_month(aws: Any, today: date) -> Forecast:
    """Forecast the rest of the current month and the month's total.

    Args:
        aws: ``AwsClients``.
        today: the current UTC day (from the clock).
    """
    first = first_of_month(today)
    daily = daily_by_service(aws, today).by_period()
    month_to_date = sum((v for d, v in daily.items() if d >= first), Decimal(0))
    previous = add_months(first, -1)
    context = {
        "month_to_date": month_to_date,
        "days_elapsed": (today - first).days,
        "last_month": describe_period(previous, first),
        "last_month_total": get_costs(aws, previous, first, "MONTHLY", None).total,
    }
    found = _from_cost_explorer(aws.client("ce", CE_REGION), today, month_end(today))
    if found is not None:
        return found.model_copy(update={**context, "month_total": month_to_date + found.amount})
    return _run_rate(daily, today).model_copy(update=context)


def _run_rate(daily: dict[date, Decimal], today: date) -> Forecast:
    end = month_end(today)
    recent = list(daily.values())[-TREND_DAYS:]
    per_day = sum(recent, Decimal(0)) / len(recent) if recent else Decimal(0)
    remaining = (end - today).days
    amount = per_day * remaining
    month_to_date = sum((v for d, v in daily.items() if d >= first_of_month(today)), Decimal(0))
    return Forecast(
        start=today, end=end, amount=amount, month_to_date=month_to_date,
        month_total=month_to_date + amount,
        method=(
            f"Cost Explorer forecast unavailable; projected {remaining} days at the average "
            f"daily spend of the last {len(recent)} days "
            f"(${per_day.quantize(Decimal('0.01'))}/day)."
        ),
    )  # fmt: skip
