"""Fixtures shared by every test: settings in a temp folder, moto-backed AWS, a migrated store,
and real PostgreSQL / Redis when they are reachable (required when ``CF_REQUIRE_SERVICES=1``).

``CF_TEST_NOW=<ISO instant>`` runs the tests with the clock at that instant: time-machine moves
the whole process there (ticking forward from it), and each test module starts again at the
instant, so module-wide fixtures such as a seeded sandbox are built there too. ``make test``
runs the ``time_sensitive`` tests this way at the instants listed in the Makefile. Child
processes get the same instant through ``child_env`` (``CF_CLOCK_START``).
"""

from __future__ import annotations

import os
import socket
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import time_machine
from moto import mock_aws

from core.aws import AwsClients
from core.clock import Clock, parse_instant
from core.db import Database
from core.settings import Settings
from tools.context import ToolContext

if TYPE_CHECKING:
    from tests.core.durable.support import Children

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
POSTGRES_ADMIN_URL = os.environ.get(
    "CF_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
REDIS_URL = os.environ.get("CF_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


TEST_NOW = os.environ.get("CF_TEST_NOW", "").strip()
_travel: dict[str, object] = {}


def pytest_configure(config: pytest.Config) -> None:
    """Move the clock to ``CF_TEST_NOW`` for the whole run, when it is set."""
    if TEST_NOW:
        travel = time_machine.travel(parse_instant(TEST_NOW), tick=True)
        _travel["travel"], _travel["traveller"] = travel, travel.start()


def pytest_unconfigure(config: pytest.Config) -> None:
    """Return to the real time."""
    travel = _travel.pop("travel", None)
    if isinstance(travel, time_machine.travel):
        travel.stop()
    _travel.clear()


def pytest_report_header(config: pytest.Config) -> str:
    """Say which instant the clock starts at."""
    return f"clock: {TEST_NOW} (CF_TEST_NOW)" if TEST_NOW else "clock: real time"


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """Start each test module at ``CF_TEST_NOW`` again, before its fixtures are built."""
    traveller = _travel.get("traveller")
    module = getattr(item, "module", None)
    if traveller is not None and _travel.get("module") is not module:
        _travel["module"] = module
        traveller.move_to(parse_instant(TEST_NOW))  # type: ignore[attr-defined]


def child_env(**extra: str) -> dict[str, str]:
    """Environment for a child process of a test: the same clock instant, plus ``extra``.

    Args:
        **extra: variables to add or override.
    """
    env = {**os.environ, **extra}
    if time_machine.escape_hatch.is_travelling():
        env["CF_CLOCK_START"] = Clock().now().isoformat()
    env.pop("CF_TEST_NOW", None)
    return env


def services_required() -> bool:
    """True in CI, where a service-backed test may never skip."""
    return os.environ.get("CF_REQUIRE_SERVICES") == "1"


def need_service(name: str, host: str, port: int) -> None:
    """Skip (or fail, when services are required) unless ``host:port`` accepts connections.

    Args:
        name: service name for the message.
        host: address to try.
        port: TCP port to try.
    """
    try:
        with socket.create_connection((host, port), timeout=2):
            return
    except OSError as error:
        reason = f"{name} is not reachable on {host}:{port} ({error})"
    if services_required():
        pytest.fail(f"CF_REQUIRE_SERVICES=1 but {reason}")
    print(f"SKIP: {reason}")
    pytest.skip(reason)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings isolated in a temporary folder, sandbox AWS, offline model."""
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        data_dir=tmp_path / "cf",
        aws_mode="sandbox",
        model_provider="offline",
    )


@pytest.fixture
def aws_mock() -> Iterator[None]:
    """An empty in-process moto AWS for the duration of the test."""
    with mock_aws():
        yield


@pytest.fixture
def aws(settings: Settings, aws_mock: None) -> AwsClients:
    """Clients talking to the in-process moto AWS."""
    return AwsClients(settings, sandbox=True)


@pytest.fixture
def db(settings: Settings) -> Iterator[Database]:
    """A migrated SQLite store in the test's temp folder."""
    database = Database(settings.sql_url)
    database.migrate()
    yield database
    database.dispose()


@pytest.fixture
def ctx(settings: Settings, aws: AwsClients, db: Database) -> ToolContext:
    """A tool context over moto and the temp store, acting as 'alice'."""
    return ToolContext(settings=settings, aws=aws, db=db, actor="alice")


@contextmanager
def scratch_postgres() -> Iterator[str]:
    """Create an empty PostgreSQL database, yield its URL, drop it afterwards."""
    need_service("PostgreSQL", "127.0.0.1", 5432)
    from sqlalchemy import create_engine, text

    name = f"cf_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A fresh PostgreSQL database for this test session, dropped at the end."""
    with scratch_postgres() as url:
        yield url


@pytest.fixture
def own_postgres_url() -> Iterator[str]:
    """A fresh PostgreSQL database for this test alone (no other test's rows in it)."""
    with scratch_postgres() as url:
        yield url


@pytest.fixture
def redis_url() -> str:
    """URL of the real Redis server (database 15), flushed before the test."""
    need_service("Redis", "127.0.0.1", 6379)
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()
    return REDIS_URL


@pytest.fixture
def sandbox_app(settings: Settings) -> Iterator[object]:
    """CloudFabric on the seeded sandbox (offline model, SQLite), closed after the test."""
    from bot.app import create_app

    built = create_app(settings)
    yield built
    built.close()


@pytest.fixture
def moto_url() -> Iterator[str]:
    """A moto server on a free port, for the CloudFabric processes a test starts (moto keeps
    one state per process, so the test and its children share this one); reset afterwards."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    url = f"http://{host}:{port}"
    yield url
    reset = urllib.request.Request(f"{url}/moto-api/reset", method="POST")
    urllib.request.urlopen(reset, timeout=10).close()
    server.stop()


@pytest.fixture
def children(tmp_path: Path, store: Database) -> Iterator[Children]:
    """CloudFabric child processes of a real-process test, over the module's ``store``
    fixture; those still running are killed afterwards."""
    from tests.core.durable.support import Children

    started = Children(tmp_path, store.url)
    yield started
    started.kill_all()
