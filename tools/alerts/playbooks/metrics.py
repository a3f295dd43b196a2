"""CloudWatch GetMetricData around the fire time, summarised as evidence."""

from __future__ import annotations

from datetime import datetime, timedelta

from tools.alerts.metric_series import PERMISSION, read_series
from tools.alerts.playbooks.models import MetricEvidence, MetricRef
from tools.alerts.playbooks.notebook import Notebook

BEFORE = timedelta(hours=1)
"""How far before the fire time the window starts."""
AFTER = timedelta(minutes=30)
"""How far after the fire time it ends (never later than now)."""
PERIOD = 300


def window(book: Notebook) -> tuple[datetime, datetime]:
    """The window read around the fire time: an hour before to half an hour after (or now).

    Args:
        book: the playbook run.
    """
    fired = book.signal.fired_at
    return fired - BEFORE, min(fired + AFTER, book.ctx.clock.now())


def summary(book: Notebook, metric: MetricRef, statistic: str) -> MetricEvidence | None:
    """The metric around the fire time, or None when it has no datapoints or cannot be read.

    Args:
        book: the playbook run (an unreadable metric is noted there).
        metric: what to read.
        statistic: Average, Sum or Maximum.
    """
    start, end = window(book)
    if end <= start:
        return None
    client = book.client("cloudwatch")

    def read() -> list[tuple[datetime, float]]:
        return read_series(client, metric, statistic, PERIOD, start, end)

    points = book.read(f"{metric.namespace} {metric.name}", PERMISSION, read)
    if points is None:
        return None
    if not points:
        book.skip(f"{metric.namespace} {metric.name}", "CloudWatch has no datapoints around then.")
        return None
    values = [value for _, value in points]
    return MetricEvidence(
        metric=metric, statistic=statistic, start=start, end=end, period_seconds=PERIOD,
        datapoints=len(values), average=sum(values) / len(values), peak=max(values),
        lowest=min(values), latest=values[-1],
    )  # fmt: skip


def metric_for(book: Notebook, namespace: str, name: str, dimensions: dict[str, str]) -> MetricRef:
    """The alarm's own metric when it names this one, else the one given.

    Args:
        book: the playbook run.
        namespace: default namespace.
        name: default metric name.
        dimensions: default dimensions.
    """
    given = book.signal.metric
    if given is not None and given.namespace == namespace and given.name == name:
        return given
    return MetricRef(namespace=namespace, name=name, dimensions=dimensions)
