"""Cost Explorer for the sandbox: a seeded daily cost series and answers computed from it.

moto's own ``get_cost_and_usage`` only replays results queued in advance, one per distinct
request, and answers empty once the queue runs dry. The sandbox instead replaces it, on the
primary account's Cost Explorer backend, with ``CostAnswers``: every request is answered from
the seeded series, so repeated and differing queries keep working. Supported:

- ``TimePeriod`` (``End`` exclusive), ``Granularity`` ``DAILY`` or ``MONTHLY`` (one result per
  day or calendar month clipped to the period; days outside the series cost 0); ``HOURLY`` is
  answered per day.
- Cost metrics (``UnblendedCost``, ``BlendedCost``, ``AmortizedCost``, ``NetUnblendedCost``,
  ``NetAmortizedCost``) all give the series' amounts in USD; usage metrics give 0 ("N/A").
- ``GroupBy`` ``DIMENSION`` ``SERVICE`` or ``LINKED_ACCOUNT`` (everything is in the primary
  account); other group keys put all cost under the key ``NotModelled``.
- ``Filter`` on ``Dimensions`` ``SERVICE`` / ``LINKED_ACCOUNT`` / ``RECORD_TYPE`` (all cost is
  ``Usage``), with ``And`` / ``Or`` / ``Not``; other filter keys match everything.

The series covers the ``HISTORY_DAYS`` days before seeding, so any month named in a question
("in october") has data. When the process runs on past midnight, the days after the series
are answered with baseline spend (no spike), as a real account would keep accruing cost.

Only the primary account's Cost Explorer answers; others stay moto's default (empty).
The answers live on moto's backend object, so they serve the in-process mock and a
``ThreadedMotoServer`` in the same process; they vanish when moto resets.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from core.clock import Clock

EC2_COMPUTE = "Amazon Elastic Compute Cloud - Compute"
DAILY_BASELINE_USD: dict[str, float] = {
    EC2_COMPUTE: 3.45,
    "Amazon Relational Database Service": 9.30,
    "EC2 - Other": 1.95,
    "Amazon Simple Storage Service": 0.46,
    "AmazonCloudWatch": 0.32,
    "AWS Lambda": 0.06,
}
HISTORY_DAYS = 400
SPIKE_DAYS_AGO = 3
SPIKE_FACTOR = 3.1
COST_METRICS = frozenset(
    {"UnblendedCost", "BlendedCost", "AmortizedCost", "NetUnblendedCost", "NetAmortizedCost"}
)

Series = dict[str, dict[str, float]]


def baseline_costs(rng: random.Random) -> dict[str, float]:
    """One day's ordinary spend per service: the baseline with a little noise from ``rng``.

    Args:
        rng: the noise source (seeded, so the same day always costs the same).
    """
    return {
        service: round(base * rng.uniform(0.93, 1.07), 4)
        for service, base in DAILY_BASELINE_USD.items()
    }


def daily_cost_series(today: date, seed: int = 7) -> Series:
    """Cost per SERVICE for each of the ``HISTORY_DAYS`` complete days before ``today``.

    EC2 compute is ``SPIKE_FACTOR`` times its baseline ``SPIKE_DAYS_AGO`` days ago. The noise
    follows the days' distance from ``today``, so the series reads the same on any date.

    Args:
        today: first day not included (UTC).
        seed: makes the day-to-day noise repeatable.
    """
    rng = random.Random(seed)
    spike = today - timedelta(days=SPIKE_DAYS_AGO)
    series: Series = {}
    for age in range(HISTORY_DAYS, 0, -1):
        day = today - timedelta(days=age)
        costs = baseline_costs(rng)
        if day == spike:
            costs[EC2_COMPUTE] = round(DAILY_BASELINE_USD[EC2_COMPUTE] * SPIKE_FACTOR, 4)
        series[day.isoformat()] = costs
    return series


class CostAnswers:
    """Answers ``GetCostAndUsage`` request bodies from a seeded series (see module docstring)."""

    def __init__(self, series: Series, account_id: str, clock: Clock) -> None:
        """Keep the series to answer from.

        Args:
            series: ISO day -> service -> USD.
            account_id: the ``LINKED_ACCOUNT`` all cost belongs to.
            clock: tells which later days have happened (and so have spend).
        """
        self.series = series
        self.account_id = account_id
        self.clock = clock
        self.last_seeded = max(series) if series else ""

    def day_costs(self, day: date) -> dict[str, float]:
        """Spend per service on ``day``: seeded, baseline after the series, else nothing.

        Args:
            day: the day (UTC).
        """
        key = day.isoformat()
        if key in self.series:
            return self.series[key]
        if self.last_seeded < key and day < self.clock.today():
            return baseline_costs(random.Random(day.toordinal()))
        return {}

    def __call__(self, body: str) -> dict[str, Any]:
        """The response for one JSON request body, shaped like Cost Explorer's."""
        request = json.loads(body)
        period = request["TimePeriod"]
        start, end = date.fromisoformat(period["Start"]), date.fromisoformat(period["End"])
        metrics = request.get("Metrics", ["UnblendedCost"])
        group_by = [group["Key"] for group in request.get("GroupBy", [])]
        keep = self._matcher(request.get("Filter"))
        results = [
            self._result(bucket_start, bucket_end, metrics, group_by, keep)
            for bucket_start, bucket_end in _buckets(start, end, request.get("Granularity"))
        ]
        response: dict[str, Any] = {"ResultsByTime": results, "DimensionValueAttributes": []}
        if group_by:
            response["GroupDefinitions"] = request["GroupBy"]
        return response

    def _result(
        self,
        start: date,
        end: date,
        metrics: list[str],
        group_by: list[str],
        keep: Callable[[str], bool],
    ) -> dict[str, Any]:
        sums: dict[tuple[str, ...], float] = {}
        day = start
        while day < end:
            for service, amount in self.day_costs(day).items():
                if keep(service):
                    key = tuple(self._group_value(k, service) for k in group_by)
                    sums[key] = sums.get(key, 0.0) + amount
            day += timedelta(days=1)
        result: dict[str, Any] = {
            "TimePeriod": {"Start": start.isoformat(), "End": end.isoformat()},
            "Estimated": False,
        }
        if group_by:
            result["Total"] = {}
            result["Groups"] = [
                {"Keys": list(key), "Metrics": _amounts(metrics, amount)}
                for key, amount in sorted(sums.items())
            ]
        else:
            result["Total"] = _amounts(metrics, sum(sums.values()))
            result["Groups"] = []
        return result

    def _group_value(self, key: str, service: str) -> str:
        if key == "SERVICE":
            return service
        if key == "LINKED_ACCOUNT":
            return self.account_id
        return "NotModelled"

    def _matcher(self, expression: dict[str, Any] | None) -> Callable[[str], bool]:
        if not expression:
            return lambda service: True
        if "And" in expression:
            parts = [self._matcher(part) for part in expression["And"]]
            return lambda service: all(part(service) for part in parts)
        if "Or" in expression:
            parts = [self._matcher(part) for part in expression["Or"]]
            return lambda service: any(part(service) for part in parts)
        if "Not" in expression:
            inner = self._matcher(expression["Not"])
            return lambda service: not inner(service)
        dimension = expression.get("Dimensions", {})
        values = set(dimension.get("Values", []))
        key = dimension.get("Key")
        if key == "SERVICE":
            return lambda service: service in values
        if key == "LINKED_ACCOUNT":
            return lambda service: self.account_id in values
        if key == "RECORD_TYPE":
            return lambda service: "Usage" in values
        return lambda service: True


def install_cost_answers(series: Series, account_id: str, clock: Clock) -> None:
    """Make Cost Explorer in ``account_id`` answer from ``series`` (inside an active moto mock).

    Args:
        series: ISO day -> service -> USD.
        account_id: account whose Cost Explorer answers.
        clock: the sandbox's clock.
    """
    from moto.ce.models import ce_backends

    backend = ce_backends[account_id]["aws"]
    backend.get_cost_and_usage = CostAnswers(series, account_id, clock)  # type: ignore[method-assign]


def _amounts(metrics: list[str], amount: float) -> dict[str, dict[str, str]]:
    return {
        metric: (
            {"Amount": f"{amount:.10f}", "Unit": "USD"}
            if metric in COST_METRICS
            else {"Amount": "0", "Unit": "N/A"}
        )
        for metric in metrics
    }


def _buckets(start: date, end: date, granularity: str | None) -> list[tuple[date, date]]:
    buckets = []
    cursor = start
    while cursor < end:
        if granularity == "MONTHLY":
            next_month = (cursor.replace(day=1) + timedelta(days=32)).replace(day=1)
            bucket_end = min(next_month, end)
        else:
            bucket_end = cursor + timedelta(days=1)
        buckets.append((cursor, bucket_end))
        cursor = bucket_end
    return buckets
