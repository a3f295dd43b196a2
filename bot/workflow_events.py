"""Events accepted by the alert intake start the runs of the workflows waiting for them.

Called after the intake stored what it accepted and before it answers, so a crash in between
leaves the sender without its 200: it retries, and the run id made from the event's id starts
each run once.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from tools.workflows.event_runs import event_run_id, triggered_by
from tools.workflows.service import WorkflowStore

if TYPE_CHECKING:
    from bot.app import CloudFabric

log = logging.getLogger(__name__)


def start_event_runs(cloudfabric: CloudFabric, event: dict[str, Any]) -> list[str]:
    """Start one durable run of each active workflow whose event trigger matches ``event``.

    Args:
        cloudfabric: the services (the store, the clock and the durable runner).
        event: an EventBridge event.

    Returns:
        The ids of the runs started now (a redelivered event starts none).
    """
    from tools.workflows.durable import DurableRunner
    from tools.workflows.handlers import RUNNER_KEY

    names = triggered_by(WorkflowStore(cloudfabric.db, cloudfabric.clock), event)
    runner = cloudfabric.extras.get(RUNNER_KEY)
    if names and not isinstance(runner, DurableRunner):
        log.warning("event %s matches %s, but workflow runs are off here", event.get("id"), names)
        return []
    started: list[str] = []
    for name in names:
        run_id = event_run_id(name, event)
        if isinstance(runner, DurableRunner) and runner.start(name, run_id, event):
            started.append(run_id)
    return started
