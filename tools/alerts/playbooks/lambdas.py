"""Lambda errors, throttles and duration against the timeout, with the function's settings."""

from __future__ import annotations

import math
from typing import Any

from tools.alerts.playbooks import metrics, trail
from tools.alerts.playbooks.fixes import ReservedConcurrencyArgs, SuggestedFix, TimeoutArgs
from tools.alerts.playbooks.models import MetricEvidence, ReadEvidence
from tools.alerts.playbooks.notebook import Notebook

NEAR_TIMEOUT = 0.9
"""A peak duration at or above this share of the timeout is called 'hitting the timeout'."""
MAX_TIMEOUT = 900
MIN_RESERVED = 10


def _metric(book: Notebook, function: str, name: str, statistic: str) -> MetricEvidence | None:
    ref = metrics.metric_for(book, "AWS/Lambda", name, {"FunctionName": function})
    return metrics.summary(book, ref, statistic)


def _settings(book: Notebook, function: str) -> dict[str, Any]:
    client = book.client("lambda")
    config = book.read(
        f"configuration of {function}", "lambda:GetFunctionConfiguration",
        lambda: client.get_function_configuration(FunctionName=function),
    )  # fmt: skip
    concurrency = book.read(
        f"reserved concurrency of {function}", "lambda:GetFunctionConcurrency",
        lambda: client.get_function_concurrency(FunctionName=function),
    )  # fmt: skip
    found = {
        "timeout_seconds": (config or {}).get("Timeout"),
        "memory_mb": (config or {}).get("MemorySize"),
        "reserved": (concurrency or {}).get("ReservedConcurrentExecutions"),
    }
    if config is not None:
        facts = {k: str(v) for k, v in found.items()}
        reserved = "unset" if found["reserved"] is None else found["reserved"]
        book.found(
            f"{function} runs with {found['memory_mb']} MB, a {found['timeout_seconds']} s timeout "
            f"and reserved concurrency {reserved}.",
            20, ReadEvidence(call="GetFunctionConfiguration", resource=function, facts=facts),
        )  # fmt: skip
    return found


def _duration(book: Notebook, function: str, timeout: int | None) -> SuggestedFix | None:
    duration = _metric(book, function, "Duration", "Maximum")
    if duration is None or not timeout:
        return None
    share = duration.peak / (timeout * 1000)
    near = share >= NEAR_TIMEOUT
    book.found(
        f"The longest run took {duration.peak / 1000:.1f} s of a {timeout} s timeout ({share:.0%})"
        + (" — runs are hitting the timeout." if near else "."), 85 if near else 25, duration,
    )  # fmt: skip
    if not near or timeout >= MAX_TIMEOUT:
        return None
    longer = min(MAX_TIMEOUT, max(timeout * 2, math.ceil(duration.peak / 1000 * 1.5)))
    args = TimeoutArgs(target=function, seconds=longer, region=book.signal.region)
    return SuggestedFix(
        tool="lambda.set_timeout",
        args=args,
        why=f"Runs reach {share:.0%} of the {timeout} s timeout; allow {longer} s.",
    )


def _throttles(book: Notebook, function: str, reserved: int | None) -> SuggestedFix | None:
    throttles = _metric(book, function, "Throttles", "Sum")
    if throttles is None or throttles.peak <= 0:
        return None
    total = throttles.average * throttles.datapoints
    book.found(f"{total:.0f} invocations were throttled around the alarm.", 85, throttles)
    peak = _metric(book, function, "ConcurrentExecutions", "Maximum")
    if reserved:
        wanted = reserved * 2
    else:
        wanted = max(MIN_RESERVED, math.ceil((peak.peak if peak else 0) * 1.5))
    args = ReservedConcurrencyArgs(target=function, concurrency=wanted, region=book.signal.region)
    why = f"Throttled with reserved concurrency {reserved or 'unset'}; reserve {wanted}."
    return SuggestedFix(tool="lambda.set_reserved_concurrency", args=args, why=why)


def _errors(book: Notebook, function: str) -> None:
    errors = _metric(book, function, "Errors", "Sum")
    if errors is not None:
        total = errors.average * errors.datapoints
        book.found(f"{total:.0f} invocations failed around the alarm.", 70, errors)
    for event in trail.events_for(book, function) or []:
        item = trail.evidence(event)
        book.found(f"CloudTrail: {item.name} by {item.user or 'unknown'}.", 60, item)


def run(book: Notebook) -> SuggestedFix | None:
    """Investigate a Lambda alarm; suggest more concurrency or a longer timeout when they bind.

    Args:
        book: the playbook run (signal.resource is the function name or ARN).
    """
    resource = book.signal.resource
    function = resource.split(":function:", 1)[-1].split(":", 1)[0]
    settings = _settings(book, function)
    if book.signal.kind == "lambda_errors":
        _errors(book, function)
    fix = None
    if book.signal.kind == "lambda_throttles":
        fix = _throttles(book, function, settings["reserved"])
    timeout_fix = _duration(book, function, settings["timeout_seconds"])
    return fix or timeout_fix
