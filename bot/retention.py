"""The retention sweep: what each kind of record is kept for, and forgetting the rest.

| record | kept for (setting, default) |
|---|---|
| a conversation's checkpoints | days since its last turn (``retention_conversation_days``, 30) |
| workflow runs (``workflow_runs``) | days since they ended (``retention_run_days``, 90) |
| the durable engine's run records | days since they ended (``retention_run_days``, 90) |
| Slack writes delivered from the outbox | days since delivered (``retention_outbox_days``, 7) |
| de-duplication keys in the database | their TTL (an hour) |
| audit entries (signed checkpoint first) | days since appended (``audit_retention_days``, 0) |
| resolved incidents, timeline, alerts | days since last seen (``retention_alert_days``, 90) |

Runs that have not ended (pending, running, waiting for an approval or a message) are never
deleted, nor are open incidents. Every replica schedules the sweep; a lock lets one run it at
a time.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from bot.app import CloudFabric
from core.coordination import LockTimeout

log = logging.getLogger(__name__)
LOCK_KEY = "retention-sweep"


@dataclass(frozen=True)
class Pruned:
    """What one sweep deleted.

    Attributes:
        conversations: conversations whose checkpoints went.
        workflow_runs: workflow run rows.
        durable_runs: run records of the durable engine.
        dedupe_keys: expired de-duplication keys.
        outbox: delivered Slack writes.
        audit: audit entries pruned behind a signed checkpoint.
        alerts: alerts (their payloads) of resolved incidents, or of none.
    """

    conversations: int = 0
    workflow_runs: int = 0
    durable_runs: int = 0
    dedupe_keys: int = 0
    outbox: int = 0
    audit: int = 0
    alerts: int = 0


def sweep(cloudfabric: CloudFabric) -> Pruned | None:
    """Forget what the retention settings no longer keep; None when another replica sweeps.

    Args:
        cloudfabric: the services (settings, clock, store, checkpoints, coordination).
    """
    try:
        with cloudfabric.coordination.hold(LOCK_KEY, timeout=0):
            pruned = _sweep(cloudfabric)
    except LockTimeout:
        return None
    if pruned != Pruned():
        log.info("retention sweep: %s", pruned)
    return pruned


def _sweep(cloudfabric: CloudFabric) -> Pruned:
    from core.durable.retention import prune_runs as prune_durable
    from tools.workflows.retention import prune_runs

    settings, now = cloudfabric.settings, cloudfabric.clock.now()
    conversations = workflow_runs = durable_runs = 0
    if settings.retention_conversation_days:
        idle = now - timedelta(days=settings.retention_conversation_days)
        conversations = cloudfabric.checkpoints.prune(idle)
    if settings.retention_run_days:
        ended = now - timedelta(days=settings.retention_run_days)
        workflow_runs = prune_runs(cloudfabric.db, ended)
        durable_runs = prune_durable(ended)
    outbox = 0
    if settings.retention_outbox_days:
        from bot.slack.outbox.store import OutboxStore

        delivered = now - timedelta(days=settings.retention_outbox_days)
        outbox = OutboxStore(cloudfabric.db).purge(delivered)
    dedupe = cloudfabric.coordination.prune()
    audit = _prune_audit(cloudfabric) if settings.audit_retention_days else 0
    alerts = 0
    if settings.retention_alert_days:
        from tools.alerts.retention import prune_alerts

        alerts = prune_alerts(cloudfabric.db, now - timedelta(days=settings.retention_alert_days))
    return Pruned(conversations, workflow_runs, durable_runs, dedupe, outbox, audit, alerts)


def _prune_audit(cloudfabric: CloudFabric) -> int:
    """Prune audit entries past ``audit_retention_days`` behind a signed checkpoint."""
    from approvals.audit_checkpoint import checkpoint_key, prune

    settings, clock = cloudfabric.settings, cloudfabric.clock
    before = clock.now() - timedelta(days=settings.audit_retention_days)
    return prune(cloudfabric.db, checkpoint_key(settings), before, clock).pruned
