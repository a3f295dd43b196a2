"""Forgetting finished runs: the engine's records of runs that ended long ago.

Only runs that ended (``SUCCESS``, ``ERROR``, ``CANCELLED``) before the cutoff go, through
DBOS's public ``list_workflows`` / ``delete_workflows`` (a run's steps, messages and events go
with it). Runs that are pending, enqueued, delayed or waiting for a message never go, and nor
do those that exhausted their recovery attempts (an operator looks at those).
"""

from __future__ import annotations

import logging
from datetime import datetime

from core.durable.engine import current, is_launched

log = logging.getLogger(__name__)
ENDED = ["SUCCESS", "ERROR", "CANCELLED"]
BATCH = 500
MAX_BATCHES = 100


def prune_runs(before: datetime, batch: int = BATCH) -> int:
    """Delete the records of runs that ended before ``before``; how many went.

    Does nothing (0) when this process runs no engine. At most ``MAX_BATCHES`` batches go
    per call, so one sweep stays short; the next sweep goes on.

    Args:
        before: runs that ended earlier than this go.
        batch: how many are listed and deleted at a time.
    """
    if not is_launched():
        return 0
    client = current().enqueuer.client
    deleted = 0
    for _ in range(MAX_BATCHES):
        ended = client.list_workflows(
            status=ENDED,
            completed_before=before.isoformat(),
            load_input=False,
            load_output=False,
            limit=batch,
        )
        ids = [run.workflow_id for run in ended]
        if ids:
            client.delete_workflows(ids)
            deleted += len(ids)
        if len(ids) < batch:
            break
    return deleted
