"""The SQL store: one engine per process, sessions on demand, schema through Alembic."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Column, DateTime, event, text
from sqlalchemy.engine import Dialect, Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.types import TypeDecorator
from sqlmodel import Session, SQLModel, create_engine

from core.clock import as_utc

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


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


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """WAL and a busy timeout let many threads share one SQLite file safely."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def make_engine(url: str) -> Engine:
    """Create the engine for ``url``, creating the SQLite folder when needed.

    Args:
        url: SQLAlchemy URL (``sqlite:///path`` or ``postgresql+psycopg://...``).
    """
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": 30}, pool_size=20
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_size=20, max_overflow=40, pool_pre_ping=True)


class Database:
    """Owns the engine; hands out sessions and applies migrations."""

    def __init__(self, url: str) -> None:
        """Open (lazily) the database at ``url``.

        Args:
            url: SQLAlchemy URL of the store.
        """
        self.url = url
        self.engine = make_engine(url)

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
        """Bring the schema to the newest revision of every migration branch."""
        with self.engine.begin() as connection:
            config = alembic_config(self.url)
            config.attributes["connection"] = connection
            from alembic import command

            command.upgrade(config, "heads")

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
