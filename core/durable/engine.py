"""The durable engine's one instance per process: DBOS, this replica's heartbeat and sweep.

DBOS keeps a process-wide singleton of its own, so this module does too: the composition root
calls ``launch(settings, clock)`` once and ``shutdown()`` when closing; launching again with
another configuration needs a ``shutdown()`` first (``DBOS.destroy()`` then drops the instance
but keeps the declared workflows, which the next launch uses again).

Where the runs live (the DBOS *system database*):

- SQLite (embedded default): ``durable.sqlite`` beside the project's SQLite file, i.e. under
  ``data_dir`` unless ``CF_DATABASE_URL`` names another SQLite file;
- PostgreSQL: the project's own database (``CF_DATABASE_URL``), in the ``dbos`` schema.

The application version is ``durable_app_version``, never DBOS's default hash of the workflow
code, so new code deployed while runs wait (for an approval, say) resumes them. The executor id
is ``durable_executor_id`` or ``<hostname>-<role>``: stable across restarts, so a restarted
replica recovers its own pending runs at launch; a replica that does not come back is taken
over by a live one (``core.durable.heartbeat``).
"""

from __future__ import annotations

import logging
import math
import socket
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from core.clock import Clock
from core.db import Database
from core.durable.heartbeat import Heartbeats, Takeover
from core.durable.queues import Enqueuer, register_all
from core.durable.recovery import recover_executor
from core.durable.registry import bind_all
from core.durable.ticker import Schedule, Ticker
from core.settings import Settings

log = logging.getLogger(__name__)

APP_NAME = "cloudfabric"
SYSTEM_DB_FILE = "durable.sqlite"
SYSTEM_SCHEMA = "dbos"

_lock = threading.Lock()
_current: DurableEngine | None = None


def system_database_url(settings: Settings) -> str:
    """Where DBOS keeps its runs for ``settings`` (see the module docstring).

    Args:
        settings: runtime settings.
    """
    url = settings.sql_url
    if url.startswith("postgresql"):
        return "postgresql://" + url.split("://", 1)[1]
    path = url.split("///", 1)[-1] if url.startswith("sqlite") else ""
    folder = Path(path).parent if path and path != ":memory:" else settings.data_dir
    return f"sqlite:///{(folder / SYSTEM_DB_FILE).as_posix()}"


def executor_id_for(settings: Settings, role: str) -> str:
    """This replica's executor id: the setting, else ``<hostname>-<role>``.

    Args:
        settings: runtime settings.
        role: what the process is (``serve``, ``worker``...), so two on one host differ.
    """
    return settings.durable_executor_id or f"{socket.gethostname()}-{role}"


def dbos_config(settings: Settings, executor_id: str) -> dict[str, Any]:
    """The ``DBOSConfig`` for ``settings``.

    Args:
        settings: runtime settings.
        executor_id: this replica's executor id.
    """
    url = system_database_url(settings)
    if url.startswith("sqlite"):
        _write_ahead_log(Path(url.split("///", 1)[1]))
    return {
        "name": APP_NAME,
        "system_database_url": url,
        "dbos_system_schema": SYSTEM_SCHEMA,
        "application_version": settings.durable_app_version,
        "executor_id": executor_id,
        "notification_listener_polling_interval_sec": settings.durable_poll_seconds,
        "log_level": "WARNING",
    }


def migrate_system_database(settings: Settings) -> None:
    """Create or upgrade the engine's system database (its tables in the ``dbos`` schema on
    PostgreSQL) without launching the engine; DBOS serialises this with its own advisory lock.

    Args:
        settings: runtime settings (where the system database is).
    """
    from dbos import DBOS

    url = system_database_url(settings)
    if url.startswith("sqlite"):
        _write_ahead_log(Path(url.split("///", 1)[1]))
    DBOS.migrate(url, schema=SYSTEM_SCHEMA)


def _write_ahead_log(path: Path) -> None:
    """Put the SQLite system database in WAL mode (the mode stays with the file).

    DBOS opens SQLite in the default rollback-journal mode, which syncs the disk several
    times per commit, and every step is a commit; WAL syncs once, and lets readers (status
    polls, other processes) run beside the writer.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    with closing(sqlite3.connect(path, timeout=30)) as connection:
        connection.execute("PRAGMA journal_mode=WAL")


@dataclass
class DurableEngine:
    """The launched engine of this process.

    Attributes:
        settings: the settings it was launched with.
        clock: where its timestamps come from.
        db: the SQL store holding heartbeats and schedule cursors.
        executor_id: this replica's executor id.
        heartbeats: this replica's heartbeat and the dead-replica sweep.
        enqueuer: records batches of runs on the engine's queues.
        owns_db: the engine opened ``db`` (and disposes of it at shutdown).
    """

    settings: Settings
    clock: Clock
    db: Database
    executor_id: str
    heartbeats: Heartbeats
    enqueuer: Enqueuer
    owns_db: bool = False
    _stop: threading.Event = field(default_factory=threading.Event)
    _threads: list[threading.Thread] = field(default_factory=list)

    @property
    def app_version(self) -> str:
        """The application version every run is recorded under."""
        return self.settings.durable_app_version

    def sweep(self) -> list[Takeover]:
        """Take over the pending runs of dead replicas now (the maintenance thread does this
        every heartbeat)."""
        return self.heartbeats.sweep(recover_executor)

    def every(self, seconds: float, name: str, work: Callable[[], object]) -> threading.Thread:
        """Run ``work()`` every ``seconds`` on a daemon thread until shutdown.

        Args:
            seconds: the interval (measured on the monotonic clock).
            name: the thread's name.
            work: what to call; its exceptions are logged, never end the loop.
        """

        def loop() -> None:
            for _ in fixed_rate(seconds, self._stop):
                try:
                    work()
                except Exception:  # a failed beat or tick must not end the loop
                    log.exception("%s failed; trying again in %.1f s", name, seconds)

        thread = threading.Thread(target=loop, name=name, daemon=True)
        thread.start()
        self._threads.append(thread)
        return thread

    def start_ticker(self, schedules: Callable[[], Sequence[Schedule]]) -> Ticker:
        """Tick ``schedules`` every ``durable_tick_seconds`` until shutdown.

        Args:
            schedules: returns the schedules to fire (read on every tick).
        """
        ticker = Ticker(self.db, self.clock, schedules)
        self.every(self.settings.durable_tick_seconds, "durable-ticker", ticker.tick)
        return ticker

    def _maintain(self) -> None:
        self.heartbeats.beat()
        self.sweep()

    def stop(self) -> None:
        """Stop this engine's threads (DBOS itself is destroyed by ``shutdown``)."""
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=10)


def fixed_rate(seconds: float, stop: threading.Event) -> Iterator[int]:
    """Yield every ``seconds`` on the monotonic clock, on a fixed grid (the time the work
    takes is not added to the interval; a beat missed while working is skipped), until
    ``stop`` is set.

    Args:
        seconds: the interval.
        stop: ends the loop.
    """
    beat, due = 0, time.monotonic() + seconds
    while not stop.wait(max(0.0, due - time.monotonic())):
        yield beat
        beat += 1
        due += seconds * max(1, math.ceil((time.monotonic() - due) / seconds))


def launch(
    settings: Settings,
    clock: Clock,
    *,
    db: Database | None = None,
    role: str = "main",
    maintain: bool = True,
) -> DurableEngine:
    """Launch the durable engine of this process (once; later calls return it).

    Declared workflows are handed to DBOS first, so that the runs this executor left pending
    are recovered at once. Then this replica's heartbeat is written, and unless ``maintain``
    is False a thread beats and sweeps for dead replicas every ``durable_heartbeat_seconds``.
    With ``durable_listen`` false the process records runs on the queues but takes none from
    them (DBOS's ``listen_queues([])``); its own recovered runs go back on their queues, where
    a listening replica takes them.

    Args:
        settings: runtime settings.
        clock: the clock heartbeats and schedules read.
        db: the migrated SQL store; opened (and migrated) from ``settings`` when None.
        role: what the process is, for the default executor id.
        maintain: start the heartbeat-and-sweep thread.

    Raises:
        RuntimeError: the engine runs already with another executor or database.
    """
    global _current
    with _lock:
        executor_id = executor_id_for(settings, role)
        if _current is not None:
            same = (_current.executor_id, _current.settings.sql_url)
            if same != (executor_id, settings.sql_url):
                raise RuntimeError("the durable engine runs already; shut it down first")
            return _current
        owns_db = db is None
        if db is None:
            db = Database(settings.sql_url, settings.db_pool_size)
            db.migrate()
        heartbeats = Heartbeats(
            db,
            clock,
            executor_id,
            settings.durable_app_version,
            timedelta(seconds=settings.durable_dead_after_seconds),
        )
        enqueuer = Enqueuer(
            system_database_url(settings),
            SYSTEM_SCHEMA,
            APP_NAME,
            settings.durable_app_version,
            pool_size=settings.db_pool_size,
        )
        config = dbos_config(settings, executor_id)
        if not enqueuer.sqlite:  # one pool to the system database: DBOS's and the enqueuer's
            config["system_database_engine"] = enqueuer.engine
        engine = DurableEngine(settings, clock, db, executor_id, heartbeats, enqueuer, owns_db)
        _current = engine  # runs DBOS resumes or dequeues while launching may record runs
        try:
            _launch_dbos(settings, config)
        except BaseException:
            _current = None
            enqueuer.close()
            raise
        heartbeats.beat(starting=True)
        if maintain:
            engine.every(settings.durable_heartbeat_seconds, "durable-heartbeat", engine._maintain)
        return engine


def _launch_dbos(settings: Settings, config: dict[str, Any]) -> None:
    """Hand the declared workflows to DBOS, launch it and register the declared queues.

    DBOS starts resuming this executor's pending runs and taking queued ones during
    ``launch``, so the engine must be reachable (``current()``) before it is called.
    """
    from dbos import DBOS

    bind_all()
    DBOS(config=config)  # type: ignore[arg-type]
    if not settings.durable_listen:
        DBOS.listen_queues([])  # DBOS's own internal queue is still served
    DBOS.launch()
    register_all(settings.durable_queue_poll_seconds, settings.durable_worker_concurrency)


def is_launched() -> bool:
    """True while this process's engine runs (from the start of its launch, when DBOS may
    already be resuming runs, until ``shutdown``)."""
    return _current is not None


def current() -> DurableEngine:
    """The launched engine.

    Raises:
        RuntimeError: nothing launched it.
    """
    if _current is None:
        raise RuntimeError("the durable engine is not launched")
    return _current


def shutdown() -> None:
    """Stop the engine's threads and DBOS (no-op when not launched). Runs in flight stay
    PENDING and are recovered by the next launch under the same executor id."""
    global _current
    with _lock:
        engine, _current = _current, None
        if engine is None:
            return
        engine.stop()
        engine.enqueuer.close()
        from dbos import DBOS

        DBOS.destroy(workflow_completion_timeout_sec=0)
        if engine.owns_db:
            engine.db.dispose()
