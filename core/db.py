"""The SQL store: one engine per process, sessions on demand, schema through Alembic."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Column, DateTime, event, text
from sqlalchemy.engine import Connection, Dialect, Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.types import TypeDecorator
from sqlmodel import Session, SQLModel, create_engine

from core.clock import as_utc

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
# The PostgreSQL advisory lock every schema change of CloudFabric is made under (a constant:
# the same in every process and version): replicas starting at once migrate one at a time.
SCHEMA_LOCK_ID = 0x43462D736368656D  # "CF-schem"
SCHEMA_LOCK_POLL_SECONDS = 0.1


class UtcDateTime(TypeDecorator[datetime]):
    """A timestamp that goes in and comes out timezone-aware UTC, on SQLite and PostgreSQL.

    SQLite keeps no zone, so values read back from it are naive; this type gives every reader
    aware UTC values, and refuses naive ones on the way in so a local time can never slip in.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Store ``value`` as UTC.

        Args:
            value: an aware datetime, or None.
            dialect: the database dialect.
        """
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"refusing a naive datetime ({value}); pass an aware UTC value")
        return as_utc(value)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Read a stored value back as aware UTC.

        Args:
            value: what the driver returned.
            dialect: the database dialect.
        """
        return None if value is None else as_utc(value)


def utc_column(**kwargs: Any) -> Column[Any]:
    """A ``UtcDateTime`` column for a SQLModel field (``sa_column=utc_column(nullable=False)``).

    Args:
        kwargs: passed to ``sqlalchemy.Column`` (nullable, index...).
    """
    return Column(UtcDateTime(), **kwargs)


SQLITE_BUSY_MS = 30_000
"""How long an SQLite statement waits for another writer's lock."""


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """WAL and a busy timeout let many threads share one SQLite file safely."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


DEFAULT_POOL_SIZE = 10
"""Connections a process keeps open to the SQL store (``CF_DB_POOL_SIZE``)."""


def make_engine(url: str, pool_size: int = DEFAULT_POOL_SIZE) -> Engine:
    """Create the engine for ``url``, creating the SQLite folder when needed.

    On PostgreSQL the pool keeps ``pool_size`` connections and opens as many again for a
    burst, closing those once it passes: every replica and worker has its own pool, and the
    server's ``max_connections`` (100 by default) is shared by all of them.

    Args:
        url: SQLAlchemy URL (``sqlite:///path`` or ``postgresql+psycopg://...``).
        pool_size: connections kept open.
    """
    url = _psycopg(url)
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": 30}, pool_size=2 * pool_size
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_size=pool_size, max_overflow=pool_size, pool_pre_ping=True)


class Database:
    """Owns the engine; hands out sessions and applies migrations."""

    def __init__(self, url: str, pool_size: int = DEFAULT_POOL_SIZE) -> None:
        """Open (lazily) the database at ``url``.

        Args:
            url: SQLAlchemy URL of the store.
            pool_size: connections kept open (see ``make_engine``).
        """
        self.url = url
        self.engine = make_engine(url, pool_size)

    @property
    def is_sqlite(self) -> bool:
        """True when the store is an SQLite file."""
        return self.engine.dialect.name == "sqlite"

    def insert(self, table: type[SQLModel]) -> Any:
        """An INSERT of ``table`` in this store's dialect, so it can say ``ON CONFLICT``.

        SQLite and PostgreSQL share the clause (``on_conflict_do_nothing`` /
        ``on_conflict_do_update``), but SQLAlchemy builds it per dialect.

        Args:
            table: the model whose table is written.
        """
        from sqlalchemy.dialects import postgresql, sqlite

        return (sqlite.insert if self.is_sqlite else postgresql.insert)(table)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session committed on success and rolled back on error."""
        with Session(self.engine, expire_on_commit=False) as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    def migrate(self) -> None:
        """Bring the schema to the newest revision of every migration branch.

        On PostgreSQL this runs under the schema lock (a transaction-level advisory lock), so
        of several replicas starting at once one migrates and the others wait, then find the
        schema current and change nothing.
        """
        from alembic import command

        with self.engine.connect() as connection:
            if not self.is_sqlite:
                wait_for_schema_lock(connection, "pg_try_advisory_xact_lock")
            config = alembic_config(self.url)
            config.attributes["connection"] = connection
            command.upgrade(config, "heads")
            connection.commit()

    def ping(self) -> bool:
        """True when the database answers a trivial query."""
        try:
            with self.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except SQLAlchemyError:
            return False
        return True

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()


def wait_for_schema_lock(connection: Connection, function: str) -> None:
    """Take the schema lock on ``connection``, polling rather than blocking.

    A blocked ``pg_advisory_lock`` keeps its transaction's snapshot open, and LangGraph's
    ``CREATE INDEX CONCURRENTLY`` (run by the lock's holder) waits for every such snapshot:
    the two would wait for each other forever. Each failed try is rolled back instead.

    Args:
        connection: the session that holds the lock once this returns (in a transaction).
        function: ``pg_try_advisory_xact_lock`` (released at commit) or
            ``pg_try_advisory_lock`` (released by unlocking or the session's end).
    """
    attempt = text(f"SELECT {function}(:id)")
    while not connection.execute(attempt, {"id": SCHEMA_LOCK_ID}).scalar():
        connection.rollback()
        time.sleep(SCHEMA_LOCK_POLL_SECONDS)


@contextmanager
def schema_lock(url: str) -> Iterator[None]:
    """Hold the schema lock for the ``with`` block (PostgreSQL; nothing to hold on SQLite).

    For schema set-up outside Alembic (LangGraph's checkpoint tables), so that it too runs
    once at a time across replicas. The lock is a session-level advisory lock on a connection
    of its own, released when the block ends (or the process dies).

    Args:
        url: SQLAlchemy URL of the store.
    """
    if not url.startswith("postgres"):
        yield
        return
    from sqlalchemy.pool import NullPool

    engine = create_engine(_psycopg(url), poolclass=NullPool)
    try:
        with engine.connect() as connection:
            wait_for_schema_lock(connection, "pg_try_advisory_lock")
            connection.commit()
            try:
                yield
            finally:
                connection.execute(text("SELECT pg_advisory_unlock(:id)"), {"id": SCHEMA_LOCK_ID})
                connection.commit()
    finally:
        engine.dispose()


def _psycopg(url: str) -> str:
    """``url`` with the psycopg (v3) driver named, as SQLAlchemy needs it."""
    if url.startswith("postgresql://"):
        return "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return url


def alembic_config(url: str) -> Config:
    """An Alembic config pointing at the project's migrations.

    Args:
        url: SQLAlchemy URL to migrate.
    """
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config
