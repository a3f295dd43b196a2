"""``cloudfabric worker``: a process that runs the durable engine's queued work and nothing else.

It builds the same services as ``cloudfabric serve`` (so a Slack turn runs as it would there)
but accepts no requests: it launches the engine with its queue workers, the approval sweep,
the heartbeat and the dead-replica sweep, and the Slack outbox's delivery, and runs Slack
turns, commands and clicks that any ``serve`` process recorded, plus scheduled workflow runs.
Several workers share the queues; each needs a stable executor id of its own
(``CF_DURABLE_EXECUTOR_ID``), under which a restarted worker recovers the runs it left, and
which the others take over when it never comes back.
"""

from __future__ import annotations

import logging
import signal
import threading
from types import FrameType

from bot.http import freeze_startup_heap
from bot.slack.runtime import build_runtime
from core.settings import Settings

log = logging.getLogger(__name__)


class WorkerError(Exception):
    """The settings do not allow running a worker (a clear sentence for the operator)."""


def worker_settings(settings: Settings) -> Settings:
    """``settings`` for a worker: the engine launched and its queues listened to.

    Args:
        settings: runtime settings.

    Raises:
        WorkerError: the bot token (to answer in Slack) is missing.
    """
    if not settings.slack_bot_token:
        raise WorkerError("CF_SLACK_BOT_TOKEN is not set: a worker answers in Slack with it.")
    return settings.model_copy(update={"durable_enabled": True, "durable_listen": True})


def run_worker(settings: Settings, stop: threading.Event | None = None) -> None:
    """Run queued work until ``stop`` is set (SIGTERM and SIGINT set it).

    Runs in flight when it stops stay recorded and are recovered: by this worker when it
    comes back under the same executor id, or by another replica once its heartbeat is
    older than ``durable_dead_after_seconds``.

    Args:
        settings: runtime settings (see ``worker_settings``).
        stop: set to stop (a fresh event by default).

    Raises:
        WorkerError: see ``worker_settings``.
    """
    settings = worker_settings(settings)
    stop = stop or threading.Event()
    _stop_on_signals(stop)
    runtime = build_runtime(settings)
    try:
        runtime.cloudfabric.start_background(role="worker")
        runtime.start_delivery()  # its answers go out through the Slack outbox, like serve's
        freeze_startup_heap()
        engine = runtime.cloudfabric.durable
        log.warning("worker %s runs queued work", engine.executor_id if engine else "?")
        stop.wait()
    finally:
        runtime.close()


def _stop_on_signals(stop: threading.Event) -> None:
    """Set ``stop`` on SIGTERM and SIGINT (only possible in the main thread)."""
    if threading.current_thread() is not threading.main_thread():
        return

    def handle(signum: int, _: FrameType | None) -> None:
        log.warning("worker stopping (signal %d)", signum)
        stop.set()

    signal.signal(signal.SIGTERM, handle)
    signal.signal(signal.SIGINT, handle)
