"""The durable engine: workflow runs that survive crashes, deploys and dead replicas (DBOS).

``launch(settings, clock)`` starts it once per process (the composition root does) and
``shutdown()`` stops it. Workflows and steps are declared with ``@workflow("name")`` and
``@step("name")``; runs are started under an id (``start_run``), read (``run_status``,
``list_runs``, ``wait_for_run``) and messaged (``send``; the run takes it with ``receive``).
``Ticker`` starts schedules' runs on the project's clock, once across replicas.

Nothing here imports DBOS until it is used, so declaring workflows costs nothing at import.
"""

from core.durable.engine import (
    DurableEngine,
    current,
    dbos_config,
    executor_id_for,
    is_launched,
    launch,
    migrate_system_database,
    shutdown,
    system_database_url,
)
from core.durable.heartbeat import Heartbeats, Takeover
from core.durable.registry import DurableStep, DurableWorkflow, step, workflow
from core.durable.runs import (
    RunExists,
    RunState,
    RunStatus,
    current_run_id,
    list_runs,
    receive,
    run_status,
    send,
    sleep,
    start_run,
    wait_for_run,
)
from core.durable.ticker import Fired, Schedule, Ticker, latest_due, run_id_for

__all__ = [
    "DurableEngine",
    "DurableStep",
    "DurableWorkflow",
    "Fired",
    "Heartbeats",
    "RunExists",
    "RunState",
    "RunStatus",
    "Schedule",
    "Takeover",
    "Ticker",
    "current",
    "current_run_id",
    "dbos_config",
    "executor_id_for",
    "is_launched",
    "latest_due",
    "launch",
    "list_runs",
    "migrate_system_database",
    "receive",
    "run_id_for",
    "run_status",
    "send",
    "shutdown",
    "sleep",
    "start_run",
    "step",
    "system_database_url",
    "wait_for_run",
    "workflow",
]
