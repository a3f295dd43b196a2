"""How the engine's queues are doing, read from its system database (for ``/metrics``).

For each queue: runs waiting (``ENQUEUED``), runs taken and not ended (``PENDING``), the age of
the oldest waiting run, and the restarts of its unfinished runs (DBOS counts a run's starts in
``recovery_attempts``; each start after the first is a retry after a crash or a takeover).
Every declared queue is listed, with zeros when nothing is on it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, text

from core.durable.queues import declared_queues

QUERY = """
SELECT queue_name, status, COUNT(*) AS runs, MIN(created_at) AS oldest_ms,
       SUM(CASE WHEN recovery_attempts > 1 THEN recovery_attempts - 1 ELSE 0 END) AS retries
FROM {table}
WHERE queue_name IS NOT NULL AND status IN ('ENQUEUED', 'PENDING')
GROUP BY queue_name, status
"""


@dataclass
class QueueStats:
    """One queue's figures.

    Attributes:
        name: the queue.
        enqueued: runs waiting to be taken.
        running: runs taken by a replica and not ended.
        oldest_seconds: how long the oldest waiting run has waited (0 when none waits).
        retries: restarts of its unfinished runs after the first start.
    """

    name: str
    enqueued: int = 0
    running: int = 0
    oldest_seconds: float = 0.0
    retries: int = 0


def queue_stats(engine: Engine, schema: str | None, now: datetime) -> list[QueueStats]:
    """The figures of every declared queue and of every queue that holds runs.

    Args:
        engine: an engine on the durable engine's system database.
        schema: its schema on PostgreSQL (None on SQLite).
        now: the app clock's now (ages are measured from it).
    """
    table = f'"{schema}".workflow_status' if schema else "workflow_status"
    stats = {declared.name: QueueStats(declared.name) for declared in declared_queues()}
    with engine.connect() as connection:
        rows = connection.execute(text(QUERY.format(table=table))).all()
    for name, status, runs, oldest_ms, retries in rows:
        found = stats.setdefault(name, QueueStats(name))
        found.retries += int(retries or 0)
        if status == "PENDING":
            found.running = int(runs)
            continue
        found.enqueued = int(runs)
        found.oldest_seconds = max(0.0, now.timestamp() - int(oldest_ms) / 1000)
    return sorted(stats.values(), key=lambda queue: queue.name)
