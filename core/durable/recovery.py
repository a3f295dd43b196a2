"""The one place that calls DBOS's private recovery entry point.

DBOS recovers a process's own pending runs when it launches, under its executor id. Runs of a
replica that died and never comes back need another replica to ask for them, and DBOS 3.4.0
only offers that through a private class method::

    DBOS._recover_pending_workflows(executor_ids: list[str] = ["local"])
        -> list[WorkflowHandle[Any]]

For each executor id it lists the PENDING runs of this application name and of this process's
application version, and re-enqueues each one on DBOS's internal queue (a conditional UPDATE
on ``status = 'PENDING' AND executor_id IN (...)``), from where one live executor dequeues and
resumes it. Asking twice is harmless: once a live executor has dequeued a run, the run's
executor id is that executor's, and the second request matches nothing.

A DBOS upgrade that renames or reshapes this method breaks here and nowhere else (the test of
this module pins the signature).
"""

from __future__ import annotations


def recover_executor(executor_id: str) -> list[str]:
    """Hand the pending runs of the dead executor ``executor_id`` to the live executors.

    Only runs recorded under this process's application version are recovered; the engine
    must be launched.

    Args:
        executor_id: the dead replica's executor id (never this process's own while it runs).

    Returns:
        The ids of the pending runs found (each re-enqueued unless another replica's request
        or a live executor got to it first).
    """
    from dbos import DBOS

    handles = DBOS._recover_pending_workflows([executor_id])
    return [handle.get_workflow_id() for handle in handles]
