"""Forgetting old workflow runs: rows of runs that ended before a cutoff.

A run that is pending, running or waiting for an approval is never deleted, however old.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import col, delete

from core.db import Database
from tools.workflows.store import WorkflowRun

ENDED = ("succeeded", "failed", "cancelled")


def prune_runs(db: Database, before: datetime) -> int:
    """Delete the runs that ended before ``before``; how many went.

    Args:
        db: the SQL store.
        before: runs whose ``finished_at`` is earlier go.
    """
    statement = delete(WorkflowRun).where(
        col(WorkflowRun.status).in_(ENDED),
        col(WorkflowRun.finished_at).is_not(None),
        col(WorkflowRun.finished_at) < before,
    )
    with db.session() as session:
        return int(session.execute(statement).rowcount)  # type: ignore[attr-defined]
